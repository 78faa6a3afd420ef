"""A consistent copy of the live database, taken while the bot runs and writes.

SQLite's online backup copies every page in one step, inside one read transaction, so the copy
is the database as of one commit; in WAL mode the bot keeps writing meanwhile. The copy is
checked and made a single self-contained file (no WAL beside it) under a temporary name in the
target's folder, and only then renamed over the target: a half-written or damaged copy never
sits where a good backup is expected, and an older backup there stays until the new one is good.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from storage.sqlite import BUSY_TIMEOUT_MS


class BackupError(Exception):
    """The copy failed SQLite's integrity check; it was removed and the target left alone."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class BackupInfo:
    schema_version: int
    size: int


def partial_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial")


def _existing_uri(path: Path) -> str:
    """mode=rw: a missing source is an error rather than a new empty database."""
    return f"{path.resolve().as_uri()}?mode=rw"


async def _copy(source: Path, partial: Path) -> tuple[list[str], int]:
    async with aiosqlite.connect(_existing_uri(source), uri=True) as src:
        await src.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        async with aiosqlite.connect(partial, isolation_level=None) as dst:
            await src.backup(dst)  # every page in one step: one snapshot
            await dst.execute("PRAGMA journal_mode = DELETE")
            async with dst.execute("PRAGMA integrity_check") as cursor:
                problems = [str(row[0]) for row in await cursor.fetchall()]
            async with dst.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
    return problems, int(row[0]) if row else 0


def settle(partial: Path, target: Path) -> None:
    """Make the checked copy durable, then give it the target's name in one rename."""
    with partial.open("rb") as copy:
        os.fsync(copy.fileno())
    partial.replace(target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


async def backup(source: Path, target: Path) -> BackupInfo:
    """Copy the database at `source` to `target`, checked; raises BackupError or OSError."""
    partial = partial_path(target)
    await asyncio.to_thread(partial.unlink, missing_ok=True)
    try:
        problems, version = await _copy(source, partial)
        if problems != ["ok"]:
            raise BackupError(problems)
        await asyncio.to_thread(settle, partial, target)
    except BaseException:
        await asyncio.to_thread(partial.unlink, missing_ok=True)
        raise
    size = await asyncio.to_thread(lambda: target.stat().st_size)
    return BackupInfo(schema_version=version, size=size)
