"""Handling a case: each action is checked (who, which status), then written in one transaction
with its audit record and the messages it causes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiosqlite

from bot.clock import Clock
from bot.config import Config, deadline_rules, work_calendar
from bot.dialogs.notices import citizen_notice, day, officer_update
from bot.dialogs.summary import shorten
from bot.domain.deadlines import due_on_acceptance
from bot.domain.people import Officer, Person
from bot.domain.tickets import Status, Ticket, TicketEvent
from bot.domain.workflow import CLOSED, Action, Actor, IllegalTransitionError, may, next_status
from bot.services.assignment import access, assign, tell
from bot.services.officers import actor
from bot.texts import t
from storage import events, tickets
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
NOTE_LIMIT = 2000


class CaseworkError(Exception):
    """An action that cannot be done; `reason` names the polite sentence to answer with."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Change:
    """What an action does besides moving the status, and whom it tells."""

    fields: dict[str, object]
    note: str | None
    after: Callable[[aiosqlite.Connection, Ticket, str], Awaitable[None]] | None = None


async def _act(
    db: Database,
    clock: Clock,
    who: Actor,
    ticket_id: int,
    action: Action,
    change: Callable[[Ticket], Change],
) -> Ticket:
    now = clock.now()
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        if ticket is None:
            raise CaseworkError("case.not_found")
        if not may(who, action, access(ticket)):
            _LOGGER.warning(
                "refused: person %s may not %s case %s", who.person_id, action.value, ticket.code
            )
            raise CaseworkError("case.not_allowed")
        try:
            status = next_status(ticket.status, action, accepted=ticket.accepted)
        except IllegalTransitionError:
            _LOGGER.info(
                "refused: %s on case %s in status %s",
                action.value,
                ticket.code,
                ticket.status.value,
            )
            raise CaseworkError("case.not_now") from None
        planned = change(ticket)
        await tickets.update(conn, ticket.id, now, status=status, **planned.fields)
        event_id = await events.add(
            conn,
            ticket.id,
            at=now,
            actor_id=who.person_id,
            action=action.value,
            from_status=ticket.status,
            to_status=status,
            note=planned.note,
        )
        updated = await tickets.get(conn, ticket.id)
        if updated is None:
            raise LookupError(f"case {ticket.id} vanished")
        if planned.after is not None:
            await planned.after(conn, updated, f"event:{event_id}")
    return updated


def _text(value: str, limit: int = NOTE_LIMIT) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise CaseworkError("case.empty_text")
    return shorten(cleaned, limit)


async def accept(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int
) -> Ticket:
    async def after(conn: aiosqlite.Connection, ticket: Ticket, key: str) -> None:
        await tell(
            conn,
            clock,
            ticket.citizen_id,
            citizen_notice(ticket, "citizen.accepted", due=day(ticket.due_on)),
            key,
        )

    def change(ticket: Ticket) -> Change:
        today = clock.now().astimezone(config.commune.zone).date()
        due = due_on_acceptance(
            ticket.kind, today, ticket.due_on, deadline_rules(config), work_calendar(config)
        )
        return Change({"accepted_at": clock.now(), "due_on": due}, None, after)

    return await _act(db, clock, actor(officer), ticket_id, Action.ACCEPT, change)


async def ask(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, question: str
) -> Ticket:
    text = _text(question)

    async def after(conn: aiosqlite.Connection, ticket: Ticket, key: str) -> None:
        await tell(
            conn,
            clock,
            ticket.citizen_id,
            citizen_notice(ticket, "citizen.question", question=text),
            key,
        )

    return await _act(
        db, clock, actor(officer), ticket_id, Action.ASK, lambda _: Change({}, text, after)
    )


async def resolve(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, result: str
) -> Ticket:
    text = _text(result)

    async def after(conn: aiosqlite.Connection, ticket: Ticket, key: str) -> None:
        await tell(
            conn,
            clock,
            ticket.citizen_id,
            citizen_notice(ticket, "citizen.resolved", result=text),
            key,
        )

    return await _act(
        db,
        clock,
        actor(officer),
        ticket_id,
        Action.RESOLVE,
        lambda _: Change({"result": text, "closed_at": clock.now()}, text, after),
    )


async def refuse(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, reason: str
) -> Ticket:
    text = _text(reason)

    async def after(conn: aiosqlite.Connection, ticket: Ticket, key: str) -> None:
        await tell(
            conn,
            clock,
            ticket.citizen_id,
            citizen_notice(ticket, "citizen.refused", reason=text),
            key,
        )

    return await _act(
        db,
        clock,
        actor(officer),
        ticket_id,
        Action.REFUSE,
        lambda _: Change({"result": text, "closed_at": clock.now()}, text, after),
    )


CONDUCT = "conduct"


async def reassign(
    db: Database,
    clock: Clock,
    config: Config,
    officer: Officer,
    ticket_id: int,
    target: str,
    reason: str,
    *,
    subject_id: int | None = None,
) -> Ticket:
    """Pass the case on, never back to the one passing it.

    `target` is a department, routed again within it, or CONDUCT: the case is about an
    officer's conduct (`subject_id`, if known), so it moves to the conduct category and to the
    leaders, out of that officer's and their department's sight.
    """
    text = _text(reason)
    conduct = target == CONDUCT
    if conduct and not config.routing.conduct_category:
        raise CaseworkError("case.unknown_department")
    if not conduct and target not in {d.id for d in config.departments}:
        raise CaseworkError("case.unknown_department")
    fields: dict[str, object] = {"category_id": config.routing.conduct_category} if conduct else {}

    async def after(conn: aiosqlite.Connection, ticket: Ticket, key: str) -> None:
        moved = await assign(
            conn,
            clock,
            config,
            ticket,
            key=key,
            title_key="card.reassigned",
            department_id=None if conduct else target,
            subject_id=subject_id,
            exclude=frozenset({officer.person_id}),
        )
        department = (
            config.department_name(moved.department_id)
            if moved.department_id
            else t("citizen.leaders")
        )
        await tell(
            conn,
            clock,
            moved.citizen_id,
            citizen_notice(moved, "citizen.reassigned", department=department),
            key,
        )

    return await _act(
        db, clock, actor(officer), ticket_id, Action.REASSIGN, lambda _: Change(fields, text, after)
    )


async def citizen_writes(
    db: Database, clock: Clock, citizen: Person, ticket_id: int, text: str
) -> Ticket:
    """The citizen's answer to a question, or information added on their own.

    Either way it reaches the officer handling the case, tied to the case.
    """
    note = _text(text)
    who = Actor(citizen.id)
    async with db.transaction() as conn:
        current = await tickets.get(conn, ticket_id)
    waiting = current is not None and current.status is Status.WAITING_CITIZEN
    action = Action.CITIZEN_REPLY if waiting else Action.ADD_INFO
    key = "officer.citizen_reply" if waiting else "officer.citizen_added"

    async def after(conn: aiosqlite.Connection, ticket: Ticket, event_key: str) -> None:
        await tell(
            conn, clock, ticket.assignee_id, officer_update(ticket, key, text=note), event_key
        )

    return await _act(db, clock, who, ticket_id, action, lambda _: Change({}, note, after))


async def rate(
    db: Database, clock: Clock, config: Config, citizen: Person, ticket_id: int, satisfied: bool
) -> Ticket:
    """Hài lòng closes the loop; Chưa hài lòng reopens the case and alerts the leaders."""
    value = "satisfied" if satisfied else "unsatisfied"

    def change(ticket: Ticket) -> Change:
        if ticket.rating is not None:
            raise CaseworkError("case.already_rated")
        return Change({"rating": value}, value, after)

    async def after(conn: aiosqlite.Connection, ticket: Ticket, key: str) -> None:
        await tell(
            conn, clock, ticket.assignee_id, officer_update(ticket, f"officer.rated_{value}"), key
        )
        if satisfied:
            return
        reopened = next_status(ticket.status, Action.REOPEN, accepted=ticket.accepted)
        await tickets.update(conn, ticket.id, clock.now(), status=reopened, closed_at=None)
        await events.add(
            conn,
            ticket.id,
            at=clock.now(),
            actor_id=citizen.id,
            action=Action.REOPEN.value,
            from_status=ticket.status,
            to_status=reopened,
            note=value,
        )
        again = await tickets.get(conn, ticket.id)
        if again is not None:
            await assign(
                conn,
                clock,
                config,
                again,
                key=f"{key}:reopen",
                title_key="card.reopened",
                department_id=again.department_id,
            )
            await tell(
                conn,
                clock,
                again.citizen_id,
                citizen_notice(again, "citizen.reopened"),
                f"{key}:reopen",
            )

    return await _act(db, clock, Actor(citizen.id), ticket_id, Action.RATE, change)


async def comment_rating(
    db: Database, clock: Clock, citizen: Person, ticket_id: int, comment: str
) -> None:
    """An optional comment after a rating, recorded in the history."""
    text = _text(comment)
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        if ticket is None or ticket.citizen_id != citizen.id or ticket.rating is None:
            raise CaseworkError("case.not_allowed")
        await tickets.update(conn, ticket.id, clock.now(), rating_comment=text)
        event_id = await events.add(
            conn,
            ticket.id,
            at=clock.now(),
            actor_id=citizen.id,
            action="rating_comment",
            from_status=ticket.status,
            to_status=ticket.status,
            note=text,
        )
        await tell(
            conn,
            clock,
            ticket.assignee_id,
            officer_update(ticket, "officer.rating_comment", text=text),
            f"event:{event_id}",
        )


async def work_of(db: Database, officer: Officer) -> list[Ticket]:
    return await tickets.open_for_assignee(db.reader, officer.person_id)


async def case_for(db: Database, who: Actor, code: str) -> tuple[Ticket, list[TicketEvent]]:
    """A case and its whole history, if this person may see it."""
    ticket = await tickets.find_by_code(db.reader, code)
    if ticket is None or not may(who, Action.VIEW, access(ticket)):
        if ticket is not None:
            _LOGGER.warning("refused: person %s may not view case %s", who.person_id, code)
        raise CaseworkError("case.not_found")
    return ticket, await events.for_ticket(db.reader, ticket.id)


async def case_of_citizen(db: Database, citizen: Person, ticket_id: int) -> Ticket:
    """The citizen's own open case; anything else is "not found", whoever's it is."""
    ticket = await tickets.get(db.reader, ticket_id)
    if ticket is None or ticket.citizen_id != citizen.id:
        raise CaseworkError("case.not_found_citizen")
    if ticket.status in CLOSED:
        raise CaseworkError("case.closed")
    return ticket


async def waiting_cases(db: Database, citizen: Person) -> list[Ticket]:
    return await tickets.waiting_for_citizen(db.reader, citizen.id)


async def case_by_id(db: Database, who: Actor, ticket_id: int) -> Ticket:
    ticket = await tickets.get(db.reader, ticket_id)
    if ticket is None or not may(who, Action.VIEW, access(ticket)):
        raise CaseworkError("case.not_found")
    return ticket
