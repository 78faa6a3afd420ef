"""Citizen reception days: the schedule as changed by chat, subscriptions, bookings, reminders."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from bot.clock import Clock
from bot.config import Config, reception_rules, work_calendar
from bot.dialogs.schedule import describe
from bot.domain.limits import TOPIC_CEILING
from bot.domain.people import Officer, Person, Role
from bot.domain.reception import Booked, Session, one_off, sessions_between
from bot.domain.reminders import BOOKINGS, SESSION, at_local
from bot.messages import Notice
from bot.services.errors import CaseworkError
from bot.services.notes import clean_note
from bot.services.notifications import Say, quiet_teller, tell
from bot.texts import t
from storage import events, officers, people, reception, reminders
from storage.connection import Connection
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
SHOWN = 5
PLAN_DAYS = 8
LOOKAHEAD_DAYS = 62


async def _sessions(conn: Connection, config: Config, first: date, last: date) -> list[Session]:
    stored = await reception.changes(conn)
    extra = [
        Session(
            key=c.session_key,
            rule_id="chat",
            title=c.title or t("reception.default_title"),
            place=c.place or "",
            host=c.host,
            day=c.day,
            start=c.start,
            end=c.end,
            moved_from=None,
            remind_before=(timedelta(days=1), timedelta(hours=2)),
        )
        for c in stored
        if c.change == "added" and c.day and c.start and c.end
    ]
    cancelled = {c.session_key for c in stored if c.change == "cancelled"}
    rules = reception_rules(config)
    return sessions_between(
        rules, first, last, work_calendar(config), extra=extra, cancelled=cancelled
    )


async def schedule_between(db: Database, config: Config, first: date, last: date) -> list[Session]:
    """The sessions from `first` to `last` as the schedule stands, cancelled ones left out."""
    return await _sessions(db.reader, config, first, last)


def _today(clock: Clock, config: Config) -> date:
    return clock.now().astimezone(config.commune.zone).date()


async def next_sessions(
    db: Database, clock: Clock, config: Config, count: int = SHOWN
) -> list[Session]:
    """The sessions still to come, today's included until they end."""
    today = _today(clock, config)
    now = clock.now()
    found = await _sessions(db.reader, config, today, today + timedelta(days=LOOKAHEAD_DAYS))
    zone = config.commune.zone
    return [s for s in found if datetime.combine(s.day, s.end, tzinfo=zone) > now][:count]


async def find_session(db: Database, clock: Clock, config: Config, key: str) -> Session | None:
    return next((s for s in await next_sessions(db, clock, config, 100) if s.key == key), None)


async def is_subscribed(db: Database, citizen: Person) -> bool:
    return await reception.is_subscribed(db.reader, citizen.id)


async def subscribe(db: Database, clock: Clock, citizen: Person, on: bool) -> bool:
    """Turn reception reminders on or off; False when nothing changed."""
    async with db.transaction() as conn:
        if on:
            return await reception.subscribe(conn, citizen.id, clock.now())
        return await reception.unsubscribe(conn, citizen.id)


async def booked_keys(db: Database, citizen: Person) -> dict[str, str]:
    """The topics of the citizen's standing bookings, by session key (to mark the schedule)."""
    return await reception.booked_keys(db.reader, citizen.id)


async def bookings_of(db: Database, clock: Clock, config: Config, citizen: Person) -> list[Booked]:
    """The coming sessions the citizen booked and has not cancelled, soonest first."""
    topics = await booked_keys(db, citizen)
    coming = await next_sessions(db, clock, config, 100)
    return [Booked(s, topics[s.key]) for s in coming if s.key in topics]


async def booking_of(
    db: Database, clock: Clock, config: Config, citizen: Person, key: str
) -> Booked | None:
    return next(
        (b for b in await bookings_of(db, clock, config, citizen) if b.session.key == key), None
    )


async def book(
    db: Database, clock: Clock, config: Config, citizen: Person, key: str, topic: str
) -> tuple[Booked, bool]:
    """Book a coming session with a short topic; the host gets the list the evening before.

    A session the citizen already booked keeps its first topic (False): booking twice is a
    misunderstanding to explain, not a change of topic made silently."""
    session = await find_session(db, clock, config, key)
    if session is None:
        raise CaseworkError("reception.gone")
    text = clean_note(topic, TOPIC_CEILING)
    async with db.transaction() as conn:
        standing = await reception.booking(conn, key, citizen.id)
        if standing is not None:
            return Booked(session, standing.topic), False
        await reception.book(conn, key, citizen.id, text, clock.now())
    return Booked(session, text), True


async def cancel_booking(
    db: Database, clock: Clock, config: Config, citizen: Person, key: str
) -> Booked:
    """Cancel the citizen's booking of a coming session, audited.

    The host's list goes out the evening before; a cancellation after that would leave the
    host expecting someone who will not come, so the host is told then (never at night)."""
    session = await find_session(db, clock, config, key)
    if session is None:
        raise CaseworkError("reception.gone")
    now = clock.now()
    async with db.transaction() as conn:
        standing = await reception.booking(conn, key, citizen.id)
        if standing is None or not await reception.cancel_booking(conn, key, citizen.id, now):
            raise CaseworkError("reception.not_booked")
        await events.add_staff(
            conn, at=now, actor_id=citizen.id, action="booking_cancelled", note=key
        )
        if now >= _list_at(session, config):
            await _tell_host(conn, clock, config, session, citizen)
    return Booked(session, standing.topic)


def _list_at(session: Session, config: Config) -> datetime:
    """When the host gets the list of bookings: the evening before the session."""
    day = session.day - timedelta(days=1)
    return at_local(day, config.reminders.bookings_at, config.commune.zone)


async def _tell_host(
    conn: Connection, clock: Clock, config: Config, session: Session, citizen: Person
) -> None:
    host = next(
        (o for o in await officers.active(conn) if o.external_id == str(session.host)), None
    )
    if host is None:
        return
    left = len(await reception.bookings(conn, session.key))
    name = citizen.display_name or "—"
    notice = Notice(t("reception.host_unbooked", name=name, line=describe(session), count=left))
    say = await quiet_teller(conn, clock, config)
    # Booked again and cancelled again is news again: the key names this cancellation.
    stamp = int(clock.now().timestamp())
    await say(host.person_id, notice, f"reception:{session.key}:unbooked:{citizen.id}:{stamp}")


def _may_change(officer: Officer) -> bool:
    return officer.has(Role.LEADER) or officer.has(Role.ADMIN)


async def add_session(
    db: Database,
    clock: Clock,
    config: Config,
    officer: Officer,
    day: date,
    start: time,
    end: time,
    title: str,
) -> Session:
    """A one-off session announced by chat; every subscriber is told."""
    if not _may_change(officer):
        raise CaseworkError("case.not_allowed")
    if day < _today(clock, config) or start >= end:
        raise CaseworkError("reception.bad_time")
    now = clock.now()
    suffix = now.strftime("%Y%m%d%H%M%S")
    session = one_off(title, t("reception.default_place"), day, start, end, None, key_suffix=suffix)
    change = reception.Change(
        session.key, "added", session.title, session.place, day, start, end, None
    )
    async with db.transaction() as conn:
        await reception.record_change(conn, change, None, officer.person_id, now)
        notice = Notice(t("reception.added", line=describe(session)))
        for person_id in await reception.subscribers(conn):
            await tell(conn, clock, person_id, notice, f"reception:{session.key}:added")
        await plan_sessions(conn, config, now)
    return session


async def cancel_session(
    db: Database, clock: Clock, config: Config, officer: Officer, key: str, reason: str
) -> Session:
    """Cancel a coming session; subscribers and everyone who booked it are told why."""
    if not _may_change(officer):
        raise CaseworkError("case.not_allowed")
    session = await find_session(db, clock, config, key)
    if session is None:
        raise CaseworkError("reception.gone")
    text = clean_note(reason)
    change = reception.Change(key, "cancelled", None, None, None, None, None, None)
    async with db.transaction() as conn:
        await reception.record_change(conn, change, text, officer.person_id, clock.now())
        notice = Notice(t("reception.cancelled", line=describe(session), reason=text))
        told = set(await reception.subscribers(conn))
        told |= {b.person_id for b in await reception.bookings(conn, key)}
        for person_id in sorted(told):
            await tell(conn, clock, person_id, notice, f"reception:{key}:cancelled")
    return session


async def plan_sessions(conn: Connection, config: Config, now: datetime) -> None:
    """Reminder rows for the coming week's sessions; planning twice changes nothing."""
    zone = config.commune.zone
    today = now.astimezone(zone).date()
    for session in await _sessions(conn, config, today, today + timedelta(days=PLAN_DAYS)):
        starts = session.starts_at(zone)
        for lead in session.remind_before:
            fire_at = starts - lead
            if fire_at > now:
                key = f"session:{session.key}:{int(lead.total_seconds())}"
                await reminders.plan(conn, key, SESSION, fire_at, None)
        evening = at_local(session.day - timedelta(days=1), config.reminders.bookings_at, zone)
        if evening > now:
            await reminders.plan(conn, f"bookings:{session.key}", BOOKINGS, evening, None)


async def fire(
    conn: Connection,
    clock: Clock,
    config: Config,
    kind: str,
    reminder_key: str,
    say: Say,
) -> None:
    """A session reminder (subscribers, host, reception officers) or the evening bookings list."""
    session_key = (
        reminder_key.split(":", 1)[1].rsplit(":", 1)[0]
        if kind == SESSION
        else (reminder_key.split(":", 1)[1])
    )
    today = _today(clock, config)
    sessions = await _sessions(conn, config, today - timedelta(days=1), today + timedelta(days=9))
    session = next((s for s in sessions if s.key == session_key), None)
    if session is None:
        _LOGGER.info("reminder %s: the session is cancelled or gone", reminder_key)
        return
    key = f"reminder:{reminder_key}"
    staff = await officers.active(conn)
    host = next((o for o in staff if o.external_id == str(session.host)), None)
    booked = await reception.bookings(conn, session.key)
    if kind == BOOKINGS:
        if host is not None:
            await say(host.person_id, await _bookings_notice(conn, session, booked), key)
        return
    citizens = Notice(t("reception.reminder", line=describe(session)))
    for person_id in await reception.subscribers(conn):
        await say(person_id, citizens, key)
    for person_id in {b.person_id for b in booked}:
        await say(person_id, citizens, f"{key}:booked")
    staff_notice = Notice(t("reception.staff_reminder", line=describe(session), count=len(booked)))
    for officer in staff:
        if officer is host or officer.has(Role.RECEPTION):
            await say(officer.person_id, staff_notice, key)


async def _bookings_notice(
    conn: Connection, session: Session, booked: list[reception.Booking]
) -> Notice:
    lines = [t("reception.bookings_title", line=describe(session), count=len(booked))]
    for n, booking in enumerate(booked, start=1):
        person = await people.get(conn, booking.person_id)
        name = person.display_name if person else "—"
        lines.append(t("reception.booking_line", n=n, name=name, topic=booking.topic))
    return Notice("\n".join(lines))
