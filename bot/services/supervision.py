"""Supervision by the Fatherland Front and the People's Inspection Board (giám sát).

They watch how the committee handles cases (which are overdue, which came back reopened) and
send the leaders recommendations (kiến nghị giám sát), which stay in the case's history. They
never change a case: every case-changing action is refused to them by `workflow.may`.
What they may read of a case is decided by `bot.dialogs.supervision`.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.config import Config
from bot.dialogs.supervision import recommendation_notice
from bot.domain.people import Officer, Role
from bot.domain.supervision import Watched, WatchedCase, Watchlist
from bot.domain.tickets import Ticket
from bot.domain.workflow import WATCHERS, Action, access, may, restricted, watches
from bot.services.errors import CaseworkError
from bot.services.notes import clean_note
from bot.services.notifications import tell
from bot.services.officers import actor
from storage import events, officers, people, tickets
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


def _secret(ticket: Ticket, config: Config) -> bool:
    """Denunciations and cases about an officer's conduct, named or not: their content, kind
    and handling could point to the denouncer or to the officer accused."""
    conduct = config.routing.conduct_category
    return restricted(access(ticket)) or bool(conduct and ticket.category_id == conduct)


def _require_watcher(who: Officer) -> None:
    if not who.roles & WATCHERS:
        _LOGGER.warning("refused: person %s may not supervise", who.person_id)
        raise CaseworkError("supervision.only")


async def _personal(db: Database, ticket: Ticket) -> tuple[str, ...]:
    person = await people.get(db.reader, ticket.citizen_id)
    names = (ticket.contact_name, person.display_name if person else None)
    return tuple(name for name in names if name)


async def watchlist(db: Database, clock: Clock, config: Config, who: Officer) -> Watchlist:
    """Open cases past their due date (in the commune's local date), and open cases that were
    reopened; never a case about the person watching."""
    _require_watcher(who)
    today = clock.now().astimezone(config.commune.zone).date()
    watcher = actor(who)
    reopen_counts = await events.counts(db.reader, Action.REOPEN.value)

    async def watched(found: list[Ticket]) -> list[Watched]:
        return [
            Watched(
                ticket,
                _secret(ticket, config),
                reopen_counts.get(ticket.id, 0),
                await _personal(db, ticket),
            )
            for ticket in found
            if watches(watcher, access(ticket))
        ]

    overdue = await watched(await tickets.open_overdue(db.reader, today))
    late = {w.ticket.id for w in overdue}
    reopened = [
        w for w in await watched(await tickets.open_reopened(db.reader)) if w.ticket.id not in late
    ]
    return Watchlist(today, overdue, reopened)


async def _watched(
    db: Database, config: Config, who: Officer, ticket: Ticket | None
) -> WatchedCase:
    _require_watcher(who)
    if ticket is None or not watches(actor(who), access(ticket)):
        raise CaseworkError("case.not_found")
    history = await events.for_ticket(db.reader, ticket.id)
    staff = await events.staff_of(db.reader, ticket.id)
    acted = {e.actor_id for e in history}
    names = {person: name for person, (name, _) in staff.items() if person in acted}
    reopened = sum(e.action == Action.REOPEN.value for e in history)
    watched = Watched(ticket, _secret(ticket, config), reopened, await _personal(db, ticket))
    return WatchedCase(watched, history, names)


async def watched_case(db: Database, config: Config, who: Officer, code: str) -> WatchedCase:
    return await _watched(db, config, who, await tickets.find_by_code(db.reader, code))


async def watched_by_id(db: Database, config: Config, who: Officer, ticket_id: int) -> WatchedCase:
    return await _watched(db, config, who, await tickets.get(db.reader, ticket_id))


async def may_recommend(db: Database, who: Officer, ticket_id: int) -> Ticket:
    """The case a supervisor is about to write a recommendation on, if they may."""
    ticket = await tickets.get(db.reader, ticket_id)
    if ticket is None or not may(actor(who), Action.RECOMMEND, access(ticket)):
        raise CaseworkError("case.not_allowed")
    return ticket


async def recommend(
    db: Database, clock: Clock, supervisor: Officer, ticket_id: int, text: str
) -> Ticket:
    """Record the recommendation in the case's history (the case itself stays as it is) and
    send it to every leader, except one the case is about."""
    note = clean_note(text)
    now = clock.now()
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        if ticket is None or not may(actor(supervisor), Action.RECOMMEND, access(ticket)):
            _LOGGER.warning(
                "refused: person %s may not recommend on %s", supervisor.person_id, ticket_id
            )
            raise CaseworkError("case.not_allowed")
        event_id = await events.add(
            conn,
            ticket.id,
            at=now,
            actor_id=supervisor.person_id,
            action=Action.RECOMMEND.value,
            from_status=ticket.status,
            to_status=ticket.status,
            note=note,
        )
        notice = recommendation_notice(ticket, supervisor, note)
        for leader in await officers.active(conn):
            if leader.has(Role.LEADER) and leader.person_id != ticket.subject_id:
                await tell(conn, clock, leader.person_id, notice, f"event:{event_id}")
    _LOGGER.info("recommendation on %s by %s", ticket.code, supervisor.person_id)
    return ticket
