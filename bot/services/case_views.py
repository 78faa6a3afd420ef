"""Reading cases as staff: one's own open cases, one case with its history."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.people import Officer, Role
from bot.domain.tickets import Ticket, TicketEvent
from bot.domain.workflow import Action, Actor, access, may
from bot.services.errors import CaseworkError
from storage import events, tickets
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
WORK_SHOWN = 30  # cases listed by /viec, each with its button: more would not fit one message
UNREACHED_SHOWN = 10  # results that never reached the citizen, listed at the end of /viec


@dataclass(frozen=True, slots=True)
class Work:
    """An officer's open cases: how many, and the most urgent of them."""

    total: int
    urgent: list[Ticket]


async def work_of(db: Database, officer: Officer, shown: int = WORK_SHOWN) -> Work:
    total, urgent = await tickets.open_for_assignee(db.reader, officer.person_id, shown)
    return Work(total, urgent)


@dataclass(frozen=True, slots=True)
class Unreached:
    """Closed cases whose result the citizen never received (blocked the bot, deleted the
    account): how many, and the latest."""

    total: int
    latest: list[Ticket]


async def unreached_of(db: Database, officer: Officer, shown: int = UNREACHED_SHOWN) -> Unreached:
    """The officer's own such cases; a leader's are every case but those about them, so
    someone calls the citizen even when the officer does not. A case leaves the list once
    rated, reopened, or its personal data erased."""
    assignee = None if officer.has(Role.LEADER) else officer.person_id
    total, latest = await tickets.unreached_results(db.reader, officer.person_id, assignee, shown)
    return Unreached(total, latest)


async def case_for(db: Database, who: Actor, code: str) -> tuple[Ticket, list[TicketEvent]]:
    """A case and its whole history, if this person may see it."""
    ticket = await tickets.find_by_code(db.reader, code)
    if ticket is None or not may(who, Action.VIEW, access(ticket)):
        if ticket is not None:
            _LOGGER.warning("refused: person %s may not view case %s", who.person_id, code)
        raise CaseworkError("case.not_found")
    return ticket, await events.for_ticket(db.reader, ticket.id)


async def case_by_id(db: Database, who: Actor, ticket_id: int) -> Ticket:
    ticket = await tickets.get(db.reader, ticket_id)
    if ticket is None or not may(who, Action.VIEW, access(ticket)):
        raise CaseworkError("case.not_found")
    return ticket
