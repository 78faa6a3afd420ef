"""A case's record and files for an inspection (`nghe-dan export-audit --out`), and the export
written into the case's history.

Only the server's operator runs it (the command line), as `case_record`. Each kept file is read
from the store and checked against the hash the database recorded before it goes in: the
archive carries evidence, so a file that no longer matches is reported, never passed on. A
sealed case's files are stored as ciphertext, hashed as such (bot.services.file_keeping); they
are opened here with the server's key, and the export that opened them is recorded like a
leader's look at them (bot.services.file_reading).
"""

from __future__ import annotations

from dataclasses import replace

from bot.clock import Clock
from bot.config import Config, sealer
from bot.domain.audit import CaseRecord
from bot.domain.case_archive import DAMAGED, MISSING, UNOPENED, CaseExport, FileCopy
from bot.domain.files import KEPT, read_kept_note
from bot.sealing import Sealer, SealError
from bot.services.audit import case_record
from bot.services.file_keeping import KEPT_ACTION
from storage import attachment_files, events
from storage.attachment_files import AttachmentFile
from storage.database import Database
from storage.file_store import FileStore, digest

EXPORTED_ACTION = "audit_exported"


async def case_export(
    db: Database, config: Config, store: FileStore, code: str
) -> CaseExport | None:
    """The case's record and each of its attachments, read back; None for an unknown code."""
    record = await case_record(db, code)
    if record is None:
        return None
    trail = {
        note.sha256
        for event in record.history
        if event.action == KEPT_ACTION and (note := read_kept_note(event.note)) is not None
    }
    seal = sealer(config) if record.ticket.sealed else None
    found = await attachment_files.for_ticket(db.reader, record.ticket.id)
    copies = [await _copy(f, record, store, seal, trail) for f in found]
    return CaseExport(record, tuple(copies))


async def _copy(
    f: AttachmentFile, record: CaseRecord, store: FileStore, seal: Sealer | None, trail: set[str]
) -> FileCopy:
    copy = FileCopy(
        position=f.position,
        kind=f.kind,
        state=f.status,
        media_type=f.media_type,
        size=f.size,
        recorded_sha256=f.sha256,
        in_trail=f.sha256 in trail,
        file_name=f.file_name,
    )
    if f.status != KEPT or f.sha256 is None:
        return copy
    try:
        stored = await store.read(f.sha256)
    except FileNotFoundError:
        return _with(copy, MISSING)
    if digest(stored) != f.sha256:
        return _with(copy, DAMAGED)
    if not record.ticket.sealed:
        return _with(copy, KEPT, stored)
    if seal is None:
        return _with(copy, UNOPENED)
    try:
        return _with(copy, KEPT, seal.open_bytes(stored))
    except SealError:
        return _with(copy, UNOPENED)


def _with(copy: FileCopy, state: str, data: bytes | None = None) -> FileCopy:
    return replace(copy, state=state, data=data)


async def record_export(db: Database, clock: Clock, export: CaseExport, note: str) -> None:
    """The case's history says who exported it, when, and how many files were opened."""
    ticket = export.record.ticket
    async with db.transaction() as conn:
        await events.add(
            conn,
            ticket.id,
            at=clock.now(),
            actor_id=None,
            action=EXPORTED_ACTION,
            from_status=ticket.status,
            to_status=ticket.status,
            note=note,
        )
