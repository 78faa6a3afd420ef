"""Where Nghe Dân keeps files, each named by the SHA-256 of its content (`ab/cd/<hash>`).

Two kinds of store keep the same promise (`FileStore`): a folder on this machine (`FolderStore`,
the default) and an S3-compatible object store for deployments on several machines
(storage.s3_store). Naming by content makes `put` idempotent: the same content kept twice is one
file, and a process retrying a put that may have worked cannot make a second copy.

In the folder a file appears under its hash name only whole: it is written to a temporary file
in the same folder, flushed to disk, then renamed (atomic on one file system), so a crash leaves
at most a stray temporary file, never half a file under a hash.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Protocol

_HASH = re.compile(r"[0-9a-f]{64}")


def is_hash(name: str) -> bool:
    """Whether `name` is a SHA-256 in hex, as every kept file is named."""
    return _HASH.fullmatch(name) is not None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_name(sha256: str) -> str:
    """`ab/cd/<hash>`: two levels of 256 folders keep any one folder small."""
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class FileStoreError(OSError):
    """The store could not be reached or answered with an error; the same put may work later.

    An OSError, like a full disk or a folder not writable, so callers retry every store's faults
    alike."""


class DamagedFileError(FileStoreError):
    """What the store gave back does not hash to the name it was kept under."""


class FileStore(Protocol):
    async def put(self, data: bytes) -> str:
        """Keep `data`; its hash. Raises OSError with nothing kept under the hash."""
        ...

    async def read(self, sha256: str) -> bytes:
        """The file's bytes; FileNotFoundError when none is kept under the hash."""
        ...

    async def exists(self, sha256: str) -> bool: ...

    async def delete(self, sha256: str) -> None:
        """Remove the file; nothing happens when none is kept under the hash."""
        ...

    async def stale(self, before: datetime) -> list[str]:
        """The hashes of the files (and the names of any temporary files a crash left) last
        written before `before`: the candidates of a sweep of orphans."""
        ...

    async def delete_temporary(self, name: str) -> None: ...


class FolderStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, sha256: str) -> Path:
        return self.folder / relative_name(sha256)

    async def put(self, data: bytes) -> str:
        return await asyncio.to_thread(self.write, data)

    def write(self, data: bytes) -> str:
        """The put, in the calling thread: for work already in a worker thread (a backup)."""
        sha256 = digest(data)
        target = self.path_of(sha256)
        if target.is_file() and target.stat().st_size == len(data):
            # Fresh again: a file found unreferenced for long is swept (`stale`), and this one
            # is about to be referenced.
            os.utime(target)
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_folder(target.parent)
        return sha256

    async def read(self, sha256: str) -> bytes:
        return await asyncio.to_thread(self.path_of(sha256).read_bytes)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_of(sha256).is_file)

    async def delete(self, sha256: str) -> None:
        """One already gone is fine: a delete repeated after a crash."""
        await asyncio.to_thread(self.path_of(sha256).unlink, missing_ok=True)

    def hashes(self) -> list[str]:
        """Every hash kept here, read from the folder names (not the contents)."""
        return sorted(
            path.name
            for path in self.folder.glob("??/??/*")
            if is_hash(path.name)
            and path.relative_to(self.folder).as_posix() == relative_name(path.name)
        )

    async def stale(self, before: datetime) -> list[str]:
        """The hashes of the files, and the names of the temporary files a crash left, last
        written before `before`: the candidates of a sweep of orphans."""
        return await asyncio.to_thread(self._stale, before.timestamp())

    def _stale(self, before: float) -> list[str]:
        found = []
        for path in self.folder.glob("??/??/*"):
            if path.is_file() and path.stat().st_mtime < before:
                found.append(path.name)
        return sorted(found)

    async def delete_temporary(self, name: str) -> None:
        """Remove a temporary file a crash left (`stale` names it)."""
        for path in self.folder.glob(f"??/??/{name}"):
            await asyncio.to_thread(path.unlink, missing_ok=True)


def _sync_folder(folder: Path) -> None:
    """The rename itself survives a power cut only once the folder is flushed."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
