"""Files follow their case's retention: when a closed case's retention period is over, its
attachments go, and a stored file no remaining attachment refers to is deleted from the store.

The rows go in one transaction; the stored files only after it commits. A crash in between
leaves a stored file nothing refers to (an orphan: space, but no broken case), never a row
naming a file that is gone; `sweep_orphans` removes such files once they are ORPHAN_AGE old.
A hash recorded again meanwhile (the same picture kept for a new case) is left in the store: it
is checked just before each delete.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from storage import kept_files
from storage.database import Database
from storage.file_store import FileStore, is_hash

_LOGGER = logging.getLogger(__name__)
BATCH = 200
# Far longer than a keeper takes from writing a file to recording it (its claim lasts minutes),
# so a file on its way in is never taken for an orphan.
ORPHAN_AGE = timedelta(days=1)


async def drop_expired(
    db: Database, store: FileStore, closed_before: datetime, statuses: tuple[str, ...]
) -> int:
    """Drop the attachments of cases closed before `closed_before`, a batch per transaction,
    then the stored files nobody needs any more; returns how many cases lost their files."""
    total = 0
    while True:
        async with db.transaction() as conn:
            ids = await kept_files.expired_with_attachments(conn, closed_before, statuses, BATCH)
            await kept_files.drop_attachments(conn, ids)
            hashes = await kept_files.unreferenced(conn)
        await discard(db, store, hashes)
        total += len(ids)
        if len(ids) < BATCH:
            break
    if total:
        _LOGGER.info("retention: the files of %s closed cases removed", total)
    return total


async def discard(db: Database, store: FileStore, hashes: Iterable[str]) -> None:
    """Delete from the store the files of `hashes` whose rows are gone (committed)."""
    for sha256 in hashes:
        if await kept_files.recorded(db.reader, sha256):
            continue
        await store.delete(sha256)


async def sweep_orphans(db: Database, store: FileStore, now: datetime) -> int:
    """Delete the stored files no `files` row names (left by a crash after a commit that
    dropped them, or by a keeper whose claim lapsed) and the temporary files a crash left, once
    they are ORPHAN_AGE old; returns how many."""
    names = await store.stale(now - ORPHAN_AGE)
    recorded = await kept_files.known(db.reader, [n for n in names if is_hash(n)])
    swept = 0
    for name in names:
        if name in recorded:
            continue
        if is_hash(name):
            await store.delete(name)
        else:
            await store.delete_temporary(name)
        swept += 1
    if swept:
        _LOGGER.info("file store: %s orphan files removed", swept)
    return swept
