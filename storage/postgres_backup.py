"""A copy of a PostgreSQL database, made by PostgreSQL's own `pg_dump` in its custom format.

pg_dump reads the whole database in one snapshot, so the copy is consistent while the bot's
processes keep writing, and `pg_restore` can put it back into any server at least as new. The
copy is a single file the backup rotation of the SQLite case can handle alike: written under a
temporary name in the target's folder, readable by its owner only (it holds personal data), and
renamed over the target only once pg_dump succeeded, so a failed run leaves an older backup alone.

The password never passes through this program: the URL holds none (the config refuses one), and
pg_dump's libpq finds it in PGPASSWORD or a `.pgpass` file (PGPASSFILE), as the bot's does.
`--no-password` makes a missing one an error rather than a prompt nobody answers under cron.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

from psycopg import AsyncConnection

from storage.backup import BackupInfo, partial_path, settle
from storage.postgres_migrations import schema_version

# Debian installs each major version's programs in /usr/lib/postgresql/<version>/bin; its
# /usr/bin holds only wrappers, and only with the postgresql-client-common package.
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
PG_DUMP = "pg_dump"


class DumpError(Exception):
    """pg_dump failed; the message is its own (it never holds a password)."""


def find_pg_dump(search_path: str | None = None, debian: Path | None = None) -> Path | None:
    """pg_dump on PATH (`search_path` if given), else Debian's newest version's; None without.

    pg_dump refuses a server newer than itself, so of Debian's versions the newest is taken."""
    found = shutil.which(PG_DUMP, path=search_path)
    if found is not None:
        return Path(found)
    folder = DEBIAN_BINARIES if debian is None else debian
    versions = sorted(
        (
            program
            for program in folder.glob(f"*/bin/{PG_DUMP}")
            if program.parent.parent.name.isdigit() and os.access(program, os.X_OK)
        ),
        key=lambda program: int(program.parent.parent.name),
    )
    return versions[-1] if versions else None


async def _version(url: str) -> int:
    async with await AsyncConnection.connect(url, autocommit=True) as conn:
        return await schema_version(conn)


async def _dump(pg_dump: Path, url: str, partial: Path) -> None:
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        process = await asyncio.create_subprocess_exec(
            str(pg_dump),
            "--format=custom",
            "--no-password",
            f"--dbname={url}",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=descriptor,
            stderr=asyncio.subprocess.PIPE,
        )
        _, said = await process.communicate()
    finally:
        os.close(descriptor)
    if process.returncode != 0:
        raise DumpError(said.decode("utf-8", errors="replace").strip())


async def dump_postgres(pg_dump: Path, url: str, target: Path) -> BackupInfo:
    """Copy the database at `url` to `target`; raises DumpError, psycopg.Error or OSError.

    The schema version is read first, on its own connection: it changes only when an operator
    migrates, not while a backup runs."""
    version = await _version(url)
    partial = partial_path(target)
    await asyncio.to_thread(partial.unlink, missing_ok=True)
    try:
        await _dump(pg_dump, url, partial)
        await asyncio.to_thread(settle, partial, target)
    except BaseException:
        await asyncio.to_thread(partial.unlink, missing_ok=True)
        raise
    size = await asyncio.to_thread(lambda: target.stat().st_size)
    return BackupInfo(schema_version=version, size=size)
