"""Files sent by the bot or by users: kept in memory, addressed by file_id and file_path."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from localapi.errors import JSON, bad

# kind -> (file_id prefix, folder in file_path, extension)
_KINDS = {
    "photo": ("AgAC", "photos", "jpg"),
    "document": ("BQAC", "documents", "pdf"),
    "voice": ("AwAC", "voice", "oga"),
    "sticker": ("CAAC", "stickers", "webp"),
}


@dataclass
class UploadedFile:
    """A multipart file part, kept as-is in `calls` so tests can inspect uploads."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class StoredFile:
    file_id: str
    unique_id: str
    kind: str  # Telegram refuses to reuse a file_id as another kind of media
    path: str
    data: bytes
    content_type: str
    name: str  # the uploaded file's name, offered when the web chat downloads it


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def store(self, kind: str, data: bytes, name: str = "", content_type: str = "") -> StoredFile:
        prefix, folder, default_ext = _KINDS[kind]
        ext = name.rsplit(".", 1)[-1] if "." in name else default_ext
        path = f"{folder}/file_{self._count}.{ext}"
        self._count += 1
        file_id = f"{prefix}AgIAAxkBAAI{secrets.token_urlsafe(33)}"
        mime = content_type or ("image/jpeg" if kind == "photo" else "application/octet-stream")
        unique_id = f"AQAD{secrets.token_urlsafe(12)}"
        name = name or path.rsplit("/", 1)[-1]
        stored = StoredFile(file_id, unique_id, kind, path, data, mime, name)
        self._by_id[file_id] = self._by_path[path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def forget(self, file_id: str) -> None:
        """Telegram no longer has the file (or the id belongs to another bot): its id and its
        download address answer as for any unknown file."""
        if (stored := self._by_id.pop(file_id, None)) is not None:
            del self._by_path[stored.path]

    def at_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)

    def described(self, file_id: str) -> JSON:
        """The File object getFile answers: its file_path completes the download address."""
        if (stored := self._by_id.get(file_id)) is None:
            raise bad("invalid file_id")
        file = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
        return {**file, "file_size": len(stored.data), "file_path": stored.path}

    def resolve(self, params: JSON, field: str, kind: str) -> tuple[StoredFile, str]:
        """A file_id, URL or upload, as Bot API methods accept; the stored file and its name."""
        value = params.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
        if isinstance(value, UploadedFile):
            return self.store(kind, value.data, value.filename, value.content_type), value.filename
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1] or "file"
            return self.store(kind, b"", name), name
        if not value:
            raise bad(f"there is no {field} in the request")
        if (stored := self._by_id.get(str(value))) is None:
            raise bad("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad("type of file mismatch")
        return stored, stored.name

    def photo_sizes(self, data: bytes) -> list[JSON]:
        """Telegram answers a photo with several sizes, smallest first, each its own file."""
        sizes = []
        for width in (90, 320, 800):
            stored = self.store("photo", data)
            size = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
            sizes.append({**size, "file_size": len(data), "width": width, "height": width * 3 // 4})
        return sizes

    def user_file(self, kind: str, data: bytes | None) -> JSON:
        stored = self.store(kind, secrets.token_bytes(64) if data is None else data)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
        }
