"""A copy of the file store's folder beside a database backup: `<backup>.files/ab/cd/<sha256>`.

The database is copied first, then the files: the keeper writes a file before it records its
hash, so every file the database copy names is already in the folder when the files are copied
(files kept meanwhile are copied too, and harmless). The copy is itself a file store folder:
each file is checked against its hash on the way and written the store's atomic way, all of
them into a temporary folder that takes the backup's name only once complete, so a failed run
leaves an older copy alone. Restoring is copying that folder back as `[storage] files`.

A file that no longer matches its hash (a disk's damage) is not copied and is named in the
outcome, so the operator hears of it while an older backup may still hold a good copy.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from storage.file_store import FolderStore, digest


@dataclass(frozen=True, slots=True)
class FilesCopied:
    count: int
    size: int
    damaged: tuple[str, ...]


def files_beside(backup: Path) -> Path:
    """Where the files of the database backup `backup` go."""
    return backup.with_name(f"{backup.name}.files")


async def copy_files(source: FolderStore, target: Path) -> FilesCopied:
    """Copy every file kept in `source` into the folder `target`, checked; raises OSError."""
    return await asyncio.to_thread(_copy_files, source, target)


def _copy_files(source: FolderStore, target: Path) -> FilesCopied:
    partial = target.with_name(f".{target.name}.partial")
    old = target.with_name(f".{target.name}.old")
    for leftover in (partial, old):
        shutil.rmtree(leftover, ignore_errors=True)
    copy = FolderStore(partial)
    partial.mkdir()
    count = size = 0
    damaged = []
    try:
        for sha256 in source.hashes():
            data = source.path_of(sha256).read_bytes()
            if digest(data) != sha256:
                damaged.append(sha256)
                continue
            copy.write(data)
            count += 1
            size += len(data)
        if target.exists():
            target.replace(old)
        partial.replace(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return FilesCopied(count=count, size=size, damaged=tuple(damaged))
