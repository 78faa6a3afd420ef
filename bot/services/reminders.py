"""Reminders, alerts and morning digests: planned as rows, fired by one repeating tick.

A tick takes every row that is due, turns it into outbox messages and marks it fired, in one
transaction: a crash before the commit fires the same rows again, and their messages, keyed by
the reminder, are still queued once. After downtime a reminder more than the grace period late
is dropped and logged; an overdue alert or an erasure reminder is never dropped.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.config import Config, work_calendar
from bot.dialogs.notices import day, officer_update, reminder_of
from bot.domain.people import Officer, Role
from bot.domain.privacy import ERASURE
from bot.domain.reminders import (
    BOOKINGS,
    DIGEST,
    DUE_SOON,
    OVERDUE,
    SESSION,
    deadline_plan,
    next_digest,
)
from bot.domain.tickets import Ticket
from bot.domain.workflow import CLOSED
from bot.messages import Notice
from bot.services.notifications import Say, quiet_teller
from bot.services.privacy import remind as remind_erasure
from bot.services.reception import fire as fire_session
from bot.services.reception import plan_sessions
from bot.texts import t
from storage import officers, reminders, tickets
from storage.connection import Connection
from storage.database import Database
from storage.reminders import Reminder

_LOGGER = logging.getLogger(__name__)
BATCH = 500
# Legal deadlines: late is still better than never.
NEVER_DROPPED = frozenset({OVERDUE, ERASURE})
DIGEST_LINES = 15


async def replan_case(conn: Connection, config: Config, ticket: Ticket, now: datetime) -> None:
    """Plan (again) a case's reminders after any change; a closed case has none."""
    await reminders.forget_for_ticket(conn, ticket.id)
    if ticket.status in CLOSED or ticket.due_on is None:
        return
    settings = config.reminders
    for planned in deadline_plan(
        ticket.id,
        ticket.due_on,
        lead_days=settings.due_soon_days,
        morning=settings.morning,
        zone=config.commune.zone,
        cal=work_calendar(config),
        now=now,
    ):
        await reminders.plan(conn, planned.key, planned.kind, planned.fire_at, ticket.id)


async def plan_ahead(db: Database, clock: Clock, config: Config) -> None:
    """At start-up: the next morning digest and the coming week's reception reminders."""
    async with db.transaction() as conn:
        await _plan_next_digest(conn, clock.now(), config)
        await plan_sessions(conn, config, clock.now())


async def _plan_next_digest(conn: Connection, now: datetime, config: Config) -> None:
    planned = next_digest(now, config.reminders.morning, config.commune.zone, work_calendar(config))
    await reminders.plan(conn, planned.key, planned.kind, planned.fire_at, None)


async def fire_due(db: Database, clock: Clock, config: Config) -> int:
    """Fire every reminder that is due; returns how many fired (dropped ones not counted)."""
    now = clock.now()
    if not await reminders.due(db.reader, now, 1):
        return 0  # the usual tick: nothing due, nothing written
    grace = timedelta(hours=config.reminders.grace_hours)
    fired = 0
    async with db.transaction() as conn:
        for reminder in await reminders.due(conn, now, BATCH):
            if reminder.kind not in NEVER_DROPPED and now - reminder.fire_at > grace:
                _LOGGER.warning(
                    "reminder %s dropped: %s late", reminder.key, now - reminder.fire_at
                )
                await reminders.mark_dropped(conn, reminder.id, now)
                continue
            await _fire(conn, clock, config, reminder)
            await reminders.mark_fired(conn, reminder.id, now)
            fired += 1
        # Also after a digest was dropped for being late, so there is always a next one.
        await _plan_next_digest(conn, now, config)
    return fired


async def _fire(conn: Connection, clock: Clock, config: Config, reminder: Reminder) -> None:
    key = f"reminder:{reminder.key}"
    say = await quiet_teller(conn, clock, config)
    if reminder.kind == DIGEST:
        await _digests(conn, clock, config, key, say)
        await plan_sessions(conn, config, clock.now())
        return
    if reminder.kind == ERASURE:
        await remind_erasure(conn, config, reminder.key, say)
        return
    if reminder.kind in (SESSION, BOOKINGS):
        await fire_session(conn, clock, config, reminder.kind, reminder.key, say)
        return
    ticket = await tickets.get(conn, reminder.ticket_id or 0)
    if ticket is None or ticket.status in CLOSED:
        return
    if reminder.kind == DUE_SOON and ticket.due_on is not None:
        left = (ticket.due_on - clock.now().astimezone(config.commune.zone).date()).days
        notice = reminder_of(
            officer_update(ticket, "reminder.due_soon", due=day(ticket.due_on), days=left)
        )
        await say(ticket.assignee_id, notice, key)
    elif reminder.kind == OVERDUE:
        staff = await officers.active(conn)
        assignee = next((o.name for o in staff if o.person_id == ticket.assignee_id), None)
        notice = reminder_of(
            officer_update(
                ticket, "reminder.overdue", due=day(ticket.due_on), officer=assignee or "—"
            )
        )
        told = {o.person_id for o in staff if o.has(Role.LEADER)} | {ticket.assignee_id or 0}
        for person_id in told - {0, ticket.subject_id or 0}:
            await say(person_id, notice, key)


def _line(ticket: Ticket) -> str:
    return t(
        "digest.line",
        code=ticket.code,
        kind=t(f"kind.{ticket.kind.value}.label"),
        due=day(ticket.due_on),
    )


async def _digests(conn: Connection, clock: Clock, config: Config, key: str, say: Say) -> None:
    """Each officer's open cases, and for leaders what is new, due soon and overdue."""
    now = clock.now()
    today = now.astimezone(config.commune.zone).date()
    open_cases = await tickets.open_cases(conn)
    staff = await officers.active(conn)
    for officer in staff:
        mine = [c for c in open_cases if c.assignee_id == officer.person_id]
        if mine:
            lines = [t("digest.officer", name=officer.name, count=len(mine))]
            lines += [_line(c) for c in mine[:DIGEST_LINES]]
            await say(officer.person_id, Notice("\n".join(lines)), key)
        if officer.has(Role.LEADER):
            await _leader_digest(say, officer, open_cases, now, today, key)


async def _leader_digest(
    say: Say,
    leader: Officer,
    open_cases: list[Ticket],
    now: datetime,
    today: date,
    key: str,
) -> None:
    visible = [c for c in open_cases if c.subject_id != leader.person_id]
    new = [c for c in visible if now - c.created_at <= timedelta(days=1)]
    soon = [c for c in visible if c.due_on and 0 <= (c.due_on - today).days <= 3]
    overdue = [c for c in visible if c.due_on and c.due_on < today]
    lines = [
        t("digest.leader", new=len(new), soon=len(soon), overdue=len(overdue), count=len(visible))
    ]
    if overdue:
        lines.append(t("digest.overdue_title"))
        lines += [_line(c) for c in overdue[:DIGEST_LINES]]
    await say(leader.person_id, Notice("\n".join(lines)), key)
