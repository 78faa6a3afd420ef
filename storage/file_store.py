"""The folder where Nghe Dân keeps files by the SHA-256 of their content (`ab/cd/<hash>`).

A file appears under its hash name only whole: it is written to a temporary file in the same
folder, flushed to disk, then renamed (atomic on one file system), so a crash leaves at most a
stray temporary file, never half a file under a hash. The same content stored twice is one file.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256[2:4] / sha256

    async def put(self, data: bytes) -> str:
        """Keep `data`; its hash. Raises OSError (a full disk, a folder not writable) with
        nothing kept under the hash."""
        return await asyncio.to_thread(self._put, data)

    def _put(self, data: bytes) -> str:
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

    def read(self, sha256: str) -> bytes:
        return self.path_of(sha256).read_bytes()

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

    async def delete(self, sha256: str) -> None:
        """Remove the file kept under `sha256`; one already gone is fine (a delete repeated
        after a crash)."""
        await asyncio.to_thread(self.path_of(sha256).unlink, missing_ok=True)

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
