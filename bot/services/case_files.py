"""A case's files as they go out to staff: the file the commune keeps, not the channel's
reference to it (a Zalo URL expires, a Telegram file id works for one bot token only).

The sender asks at the moment it sends (the file may have been kept since the notice was
queued): a kept file goes by the id this bot got when it first uploaded it, or is uploaded
from the store (opened, for a sealed case) and its id remembered (storage.file_uploads); before
it is kept, bot.domain.files.way_to_send says what goes instead. Who may see which files is
decided where the notices are made (bot.dialogs.notices, bot.services.file_reading).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.files import Way, way_to_send
from bot.messages import AttachmentRef
from bot.sealing import Sealer, SealError
from storage import file_uploads
from storage.connection import Connection
from storage.database import Database
from storage.file_store import FileStore

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sendable:
    """One file ready to go: `file_id` for CACHED (this bot's) and REFERENCE (the citizen's),
    `data` for UPLOAD."""

    kind: str
    way: Way
    file_id: str | None = None
    data: bytes | None = None
    sha256: str | None = None
    media_type: str | None = None
    file_name: str | None = None


class CaseFiles:
    """`sender` names the bot whose upload ids are remembered ('telegram:' and its id)."""

    def __init__(
        self, db: Database, store: FileStore, sealer: Sealer | None, *, sender: str
    ) -> None:
        self._db = db
        self._store = store
        self._sealer = sealer
        self.sender = sender

    async def sendable(self, ref: AttachmentRef) -> Sendable | None:
        """How the attachment goes now; None when the case no longer has it."""
        found = await file_uploads.outgoing(
            self._db.reader, ref.ticket_id, ref.position, self.sender
        )
        if found is None:
            return None
        data = None
        way = way_to_send(
            found.status, found.reference, cached=found.cached is not None, opened=True
        )
        if way is Way.UPLOAD and found.sha256 is not None:
            data = await self._bytes(found.sha256, sealed=found.sealed)
            if data is None:
                way = way_to_send(found.status, found.reference, cached=False, opened=False)
        file_id = found.cached if way is Way.CACHED else found.reference or None
        return Sendable(
            found.kind, way, file_id, data, found.sha256, found.media_type, found.file_name
        )

    async def uploaded(self, file: Sendable, file_id: str) -> None:
        if file.sha256 is None:
            return
        sha256 = file.sha256

        async def remember(conn: Connection) -> None:
            await file_uploads.remember(conn, sha256, self.sender, file_id)

        await self._db.unit(remember)

    async def refused(self, ref: AttachmentRef, file: Sendable) -> Sendable | None:
        """The bot's own id for the file was refused (a new token, a file Telegram dropped):
        forgotten, so the file goes as an upload again."""
        if file.sha256 is not None:
            sha256 = file.sha256

            async def forget(conn: Connection) -> None:
                await file_uploads.forget(conn, sha256, self.sender)

            await self._db.unit(forget)
        return await self.sendable(ref)

    async def _bytes(self, sha256: str, *, sealed: bool) -> bytes | None:
        """The kept bytes, opened if sealed; None when the store has lost them or the key is
        gone (logged: someone must look)."""
        try:
            data = await self._store.read(sha256)
        except OSError:
            _LOGGER.exception("kept file %s cannot be read from the store", sha256)
            return None
        if not sealed:
            return data
        if self._sealer is None:
            _LOGGER.error("a sealed file cannot be opened: no key")
            return None
        try:
            return self._sealer.open_bytes(data)
        except SealError:
            _LOGGER.error("a sealed file cannot be opened with this key")
            return None
