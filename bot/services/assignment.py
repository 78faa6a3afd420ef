"""Putting a case in the right hands, and telling them (bot.services.notifications), inside the
caller's transaction."""

from __future__ import annotations

from datetime import datetime

from bot.clock import Clock
from bot.config import Config, routing_rules
from bot.dialogs.notices import officer_card
from bot.dialogs.supervision import watch_notice
from bot.domain.people import Officer, Role
from bot.domain.routing import Candidate, Route, holder, route
from bot.domain.tickets import Kind, Ticket
from bot.domain.workflow import Action, access, may, sees_identity
from bot.services.notifications import tell
from bot.services.officers import actor
from bot.services.outbox import notify
from storage import officers, people, tickets
from storage.connection import Connection
from storage.database import Database


async def _candidates(conn: Connection) -> tuple[list[Officer], list[Candidate]]:
    staff = await officers.active(conn)
    load = await officers.open_case_counts(conn)
    return staff, [
        Candidate(
            person_id=o.person_id,
            department_id=o.department_id,
            roles=o.roles,
            open_cases=load.get(o.person_id, 0),
            last_assigned_at=o.last_assigned_at,
        )
        for o in staff
    ]


async def send_card(
    conn: Connection,
    clock: Clock,
    config: Config,
    ticket: Ticket,
    officer: Officer,
    *,
    key: str,
    title_key: str,
) -> None:
    """The case card (and its photos) to one officer, identity shown only if they may see it."""
    person = await people.get(conn, officer.person_id)
    if person is None:
        return
    show = sees_identity(actor(officer), access(ticket))
    held_by = await holder_of(conn, ticket)
    for n, notice in enumerate(
        officer_card(ticket, config, holder=held_by, show_identity=show, title_key=title_key)
    ):
        await notify(conn, person, notice, f"{key}:{officer.person_id}:{n}", clock)


async def holder_of(conn: Connection, ticket: Ticket) -> str | None:
    """The department the citizen is told holds the case (None: the leaders); see `holder`."""
    assignee = await officers.by_person(conn, ticket.assignee_id) if ticket.assignee_id else None
    return holder(ticket.department_id, assignee)


async def holder_now(db: Database, ticket: Ticket) -> str | None:
    """`holder_of` outside a transaction: for the answer to whoever filed or passed the case."""
    return await holder_of(db.reader, ticket)


async def assign(
    conn: Connection,
    clock: Clock,
    config: Config,
    ticket: Ticket,
    *,
    key: str,
    title_key: str = "card.new",
    department_id: str | None = None,
    subject_id: int | None = None,
    exclude: frozenset[int] = frozenset(),
    keep_assignee: bool = False,
) -> Ticket:
    """Route the case, record who has it, and send the card to them and to whoever must know.

    Leaders also get every complaint and denunciation, and every case that comes back reopened.
    `keep_assignee` leaves a case with the officer who had it, if they still work here: a
    reopened case goes back to whoever knows it, with the leaders watching.
    """
    staff, candidates = await _candidates(conn)
    subject_id = subject_id if subject_id is not None else ticket.subject_id
    active = {o.person_id for o in staff}
    if keep_assignee and ticket.assignee_id in active and ticket.assignee_id != subject_id:
        chosen = Route(ticket.department_id, ticket.assignee_id, frozenset(), "kept")
    else:
        by_telegram = {int(o.external_id): o.person_id for o in staff if o.external_id.isdigit()}
        rules = routing_rules(config, by_telegram)
        category = config.category(ticket.category_id)
        queue = department_id or (category.department if category else rules.triage_department)
        chosen = route(
            ticket.kind,
            queue,
            ticket.category_id,
            rules,
            candidates,
            subject_id=subject_id,
            exclude=exclude,
            department_only=department_id is not None,
        )
    now: datetime = clock.now()
    await tickets.update(
        conn,
        ticket.id,
        now,
        department_id=chosen.department_id,
        assignee_id=chosen.assignee_id,
        subject_id=subject_id,
    )
    if chosen.assignee_id is not None:
        await officers.mark_assigned(conn, chosen.assignee_id, now)
    assigned = await tickets.get(conn, ticket.id)
    if assigned is None:
        raise LookupError(f"case {ticket.id} vanished while assigning")
    told = set(chosen.notify)
    if chosen.assignee_id is not None:
        told.add(chosen.assignee_id)
    if ticket.kind in (Kind.COMPLAINT, Kind.DENUNCIATION) or title_key == "card.reopened":
        told |= {o.person_id for o in staff if o.has(Role.LEADER)}
    told.discard(assigned.subject_id or 0)
    for officer in staff:
        if officer.person_id not in told:
            continue
        if may(actor(officer), Action.VIEW, access(assigned)):
            await send_card(conn, clock, config, assigned, officer, key=key, title_key=title_key)
        else:
            # Supervisors told of a case about a leader: its code and dates, nothing more.
            notice = watch_notice(assigned, config)
            await tell(conn, clock, officer.person_id, notice, f"{key}:{officer.person_id}")
    return assigned
