"""Downloading every case attachment into Nghe Dân's own file store, after the filing.

Filing only queues each attachment (storage.attachment_files, in the filing transaction), so
the citizen never waits for a download. Every process runs a FileKeeper: a run claims the due
rows for its instance until CLAIM_LEASE from now (so two processes never download one row, and
a dead process's claims lapse), downloads each through the channel's `Source`, keeps the bytes
under their SHA-256 in the config's store (a folder or an object store, storage.file_store) and
records the hash, size and type, with the hash in the case's audit trail.

A failed download (a network fault, the channel's 5xx, a full disk, a folder not writable, an
object store out of reach) is tried again later with a growing wait
(bot.domain.files.retry_delay), never given up. A reference the channel says no longer exists
is given up after GONE_ATTEMPTS such answers: the row ends 'failed' and the case is not touched.
A store that cannot be written (ENOSPC) is one fault of the whole store, not of each file: it is
logged once when it starts and once when the store takes files again, however many files wait
meanwhile.

The files of a sealed case (a tố cáo) are stored sealed (bot.sealing) and named by the hash of
the ciphertext, as any stored file is named by the hash of its bytes: the store stays checkable
without the key, and no copy of the store or the database tells whether a given picture was
sent in a denunciation (the plaintext's hash is kept nowhere). Fernet's random IV makes each
such file unique, so it is never shared with another case. Without the key such a file is not
stored in clear: it waits, retried, until the key is back.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from bot.clock import Clock
from bot.domain.files import GONE_ATTEMPTS, kept_note, media_type, retry_delay
from bot.sealing import Sealer
from storage import attachment_files, events, kept_files
from storage.attachment_files import Fetch
from storage.connection import Connection
from storage.database import Database
from storage.file_store import FileStore

_LOGGER = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(minutes=5)  # longer than any one download takes
BATCH = 20
KEPT_ACTION = "file_kept"


class FileGoneError(Exception):
    """The channel answered that the reference names no file (any more)."""


class Source(Protocol):
    async def __call__(self, kind: str, reference: str) -> bytes:
        """The file's bytes; FileGoneError when the channel has no such file, any other error
        when the download failed and may work later."""
        ...


class FileKeeper:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        store: FileStore,
        source: Source,
        *,
        instance: str,
        batch: int = BATCH,
        sealer: Sealer | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._store = store
        self._source = source
        self._instance = instance
        self._sealer = sealer
        self.batch = batch
        self.busy = False
        self.store_failing = False  # the last write to the store failed: an outage is on

    async def keep_due(self) -> int:
        """One run: what it claimed (kept, postponed or given up); one run at a time."""
        if self.busy:
            return 0
        self.busy = True
        try:
            now = self._clock.now()
            async with self._db.coordination() as conn:
                claimed = await attachment_files.claim(
                    conn, self._instance, now, now + CLAIM_LEASE, self.batch
                )
            for fetch in claimed:
                await self._keep(fetch)
            return len(claimed)
        finally:
            self.busy = False

    async def release(self) -> None:
        """Leave this process's claims to the others at once, for a clean stop."""
        async with self._db.coordination() as conn:
            await attachment_files.release(conn, self._instance)

    async def _keep(self, fetch: Fetch) -> None:
        try:
            data = await self._source(fetch.kind, fetch.reference)
        except FileGoneError as error:
            await self._gone(fetch, str(error) or "file not found")
            return
        except Exception as error:  # any fault of the download may pass: retried
            await self._retry(fetch, f"download: {type(error).__name__}: {error}")
            return
        stored = data
        sealed = await kept_files.sealed_case(self._db.reader, fetch.ticket_id)
        if sealed:
            if self._sealer is None:
                await self._retry(fetch, "sealed case: no key to store its file sealed")
                return
            stored = self._sealer.seal_bytes(data)
        try:
            sha256 = await self._store.put(stored)
        except OSError as error:
            if not self.store_failing:
                _LOGGER.error("file store not writable, files wait: %s", error)
            self.store_failing = True
            await self._retry(fetch, f"store: {error}", quiet=True)
            return
        if self.store_failing:
            _LOGGER.warning("file store writable again")
            self.store_failing = False
        now = self._clock.now()

        async def record(conn: Connection) -> bool:
            kept = await attachment_files.keep(
                conn,
                fetch.attachment_id,
                self._instance,
                sha256=sha256,
                size=len(data),
                media_type=media_type(data),
                now=now,
            )
            if kept:
                await events.add(
                    conn,
                    fetch.ticket_id,
                    at=now,
                    actor_id=None,
                    action=KEPT_ACTION,
                    from_status=None,
                    to_status=None,
                    note=kept_note(fetch.kind, sha256, len(data), sealed=sealed),
                )
                await kept_files.forget_reference_if_erased(conn, fetch.attachment_id)
            return kept

        if not await self._db.unit(record):
            _LOGGER.warning(
                "attachment %s: claim lapsed; left to the new claimant", fetch.attachment_id
            )

    async def _retry(self, fetch: Fetch, error: str, *, quiet: bool = False) -> None:
        if not quiet:
            _LOGGER.warning("attachment %s not kept yet: %s", fetch.attachment_id, error)
        at = self._clock.now() + retry_delay(fetch.attempts + 1)
        async with self._db.coordination() as conn:
            await attachment_files.retry(
                conn, fetch.attachment_id, self._instance, error=error[:500], at=at
            )

    async def _gone(self, fetch: Fetch, error: str) -> None:
        if fetch.attempts + 1 < GONE_ATTEMPTS:
            await self._retry(fetch, f"gone: {error}")
            return
        _LOGGER.warning("attachment %s: the channel has it no more: %s", fetch.attachment_id, error)
        async with self._db.coordination() as conn:
            await attachment_files.give_up(
                conn, fetch.attachment_id, self._instance, error=f"gone: {error}"[:500]
            )
            await kept_files.forget_reference_if_erased(conn, fetch.attachment_id)
