"""The full record of a case, for the leaders and for an inspection (export-audit)."""

from __future__ import annotations

import logging

from bot.domain.audit import CaseRecord
from bot.domain.people import Officer
from bot.domain.workflow import Action, access, may
from bot.services.assignment import holder_of
from bot.services.errors import CaseworkError
from bot.services.officers import actor
from storage import events, people, tickets
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


async def case_record(db: Database, code: str) -> CaseRecord | None:
    """Everything kept about a case; no one is checked here, so only the server's operator
    (the command line) and `leaders_record` call it."""
    ticket = await tickets.find_by_code(db.reader, code)
    if ticket is None:
        return None
    return CaseRecord(
        ticket=ticket,
        history=await events.for_ticket(db.reader, ticket.id),
        staff=await events.staff_of(db.reader, ticket.id),
        citizen=await people.get(db.reader, ticket.citizen_id),
        holder=await holder_of(db.reader, ticket),
    )


async def leaders_record(db: Database, leader: Officer, code: str) -> CaseRecord:
    """The full record for a leader who may see the case; anyone else is refused."""
    record = await case_record(db, code)
    who = actor(leader)
    if record is None or not who.is_leader:
        raise CaseworkError("case.not_found")
    if not may(who, Action.VIEW, access(record.ticket)):
        _LOGGER.warning("refused: person %s may not audit case %s", leader.person_id, code)
        raise CaseworkError("case.not_found")
    return record
