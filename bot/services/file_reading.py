"""Reading a case's kept files for a person: what they may see, opened if sealed, and a
leader's look at a sealed case's files recorded in its history before they are shown, as a
look at the denouncer's identity is (bot.services.denouncers.reveal).

/hoso asks `may_see_files` before it sends a case's files from the store (the cards decide it
as they are made, bot.dialogs.notices); `readable_files` gives the bytes themselves, with
`withheld` how many the person is told exist but may not see.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config, sealer
from bot.domain.file_access import sees_files
from bot.domain.people import Officer
from bot.domain.tickets import Ticket
from bot.domain.workflow import Action, access, may
from bot.sealing import Sealer, SealError
from bot.services.errors import CaseworkError
from bot.services.officers import actor
from storage import attachment_files, events
from storage.attachment_files import KEPT
from storage.database import Database
from storage.file_store import FileStore

_LOGGER = logging.getLogger(__name__)
SEALED_FILES_VIEWED = "sealed_files_viewed"


@dataclass(frozen=True, slots=True)
class CaseFile:
    position: int
    kind: str
    media_type: str
    data: bytes  # as the citizen sent it (opened, for a sealed case)


@dataclass(frozen=True, slots=True)
class Readable:
    files: tuple[CaseFile, ...]
    withheld: int  # attachments of a sealed case this person is told of but may not see


async def may_see_files(db: Database, clock: Clock, officer: Officer, ticket: Ticket) -> bool:
    """Whether `officer` is shown the case's files (cards and /hoso send them from the store,
    bot.services.case_files). Someone who may not see the case at all is "not found". A
    leader's look at a sealed case's files is recorded in its history before any is shown."""
    if not _sees_files(officer, ticket):
        return False
    if ticket.sealed and ticket.attachments:
        await _record_look(db, clock, officer, ticket, len(ticket.attachments))
    return True


async def readable_files(
    db: Database, clock: Clock, config: Config, store: FileStore, officer: Officer, ticket: Ticket
) -> Readable:
    """The kept files of `ticket` that `officer` may see, as bytes (opened, if sealed); an
    officer on a sealed case gets only the count."""
    if not _sees_files(officer, ticket):
        return Readable((), len(ticket.attachments))
    seal = sealer(config) if ticket.sealed else None
    files: list[CaseFile] = []
    unopened = 0
    for f in await attachment_files.for_ticket(db.reader, ticket.id):
        if f.status != KEPT or f.sha256 is None or f.media_type is None:
            continue
        data = await store.read(f.sha256)
        if ticket.sealed:
            opened = _opened(seal, data)
            if opened is None:
                _LOGGER.error("a sealed file of case %s cannot be opened", ticket.code)
                unopened += 1
                continue
            data = opened
        files.append(CaseFile(f.position, f.kind, f.media_type, data))
    if ticket.sealed and files:
        await _record_look(db, clock, officer, ticket, len(files))
    return Readable(tuple(files), unopened)


def _sees_files(officer: Officer, ticket: Ticket) -> bool:
    who, case = actor(officer), access(ticket)
    if not may(who, Action.VIEW, case):
        raise CaseworkError("case.not_found")
    return sees_files(who, case, sealed=ticket.sealed)


async def _record_look(
    db: Database, clock: Clock, officer: Officer, ticket: Ticket, count: int
) -> None:
    async with db.transaction() as conn:
        await events.add(
            conn,
            ticket.id,
            at=clock.now(),
            actor_id=officer.person_id,
            action=SEALED_FILES_VIEWED,
            from_status=ticket.status,
            to_status=ticket.status,
            note=str(count),
        )


def _opened(seal: Sealer | None, data: bytes) -> bytes | None:
    """The sealed file's bytes; None without the key it was sealed with."""
    if seal is None:
        return None
    try:
        return seal.open_bytes(data)
    except SealError:
        return None
