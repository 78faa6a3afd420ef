"""Personal data rights: what is stored about a citizen, erasing it on request, and erasing
closed cases' personal data once the retention period is over.

Erasing keeps the case record the commune must keep (code, kind, category, department, status,
dates, deadlines, result, rating, the audit trail, the kept files as evidence of the matter, and
the text of the matter itself) and removes what identifies the person: the link to their chat
account, the channel's references to the files they sent (a Zalo image URL may carry the
account), their name, the contact details given with each case, phone and ID numbers and e-mails
anywhere in the case's texts, the comment on the outcome, their bookings, subscriptions, drafts
and queued messages. The person row stays as a pseudonym (channel "erased", its own id) so the
cases and the audit trail still refer to one (nameless) person. Once an erasure commits, the
database's write-ahead log is emptied in the background, so no old copy of a page stays there.

The retention period ends the files too: a closed case past it loses its attachments, and the
store the files no other case needs (bot.services.file_retention).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.config import Config
from bot.dialogs.notices import officer_update
from bot.domain.choices import Option
from bot.domain.people import Officer, Person, Role
from bot.domain.privacy import (
    ERASURE,
    Booking,
    ErasureRequest,
    PersonalData,
    erase_text,
    erasure_due,
    reminder_at,
)
from bot.domain.reception import Session, planned_day
from bot.domain.tickets import Status
from bot.domain.workflow import CLOSED, Action, next_status
from bot.messages import Delivery, Notice, parse_number
from bot.services.citizens import agreed_to_notice
from bot.services.denouncers import filer_ids, sealed_values
from bot.services.file_keeping import KEPT_ACTION
from bot.services.file_retention import drop_expired, sweep_orphans
from bot.services.file_stores import open_file_store
from bot.services.notifications import Say, tell
from bot.services.outbox import notify
from bot.services.reception import schedule_between
from bot.texts import t
from storage import chat_links, events, kept_files, officers, people, privacy, reminders, tickets
from storage.connection import Connection
from storage.database import Database
from storage.privacy import CaseText

_LOGGER = logging.getLogger(__name__)
ERASE_REF = "erase"
DONE_KEY = "privacy-erased"  # outbox keys of the last message to an erased person
RETENTION_BATCH = 200
ERASED_ACTION = "personal_data_erased"
MOVED_AT_MOST_DAYS = 31


class Completion(enum.Enum):
    DONE = "done"
    ALREADY = "already"
    UNKNOWN = "unknown"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True, slots=True)
class Completed:
    outcome: Completion
    external_id: str | None = None  # the erased person's chat account, for the channel's caches
    user_id: int | None = None  # the handlers' id of that account, whose drafts go too


def handles_erasure(officer: Officer, config: Config) -> bool:
    """The Office (the triage department) and admins receive and complete erasure requests."""
    return officer.has(Role.ADMIN) or officer.department_id == config.routing.triage_department


async def personal_data(db: Database, config: Config, person: Person) -> PersonalData:
    """Everything kept about the person, their sealed cases (tố cáo) included."""
    conn = db.reader
    ids = await filer_ids(conn, config, person)
    codes = await privacy.case_codes(conn, ids)
    found = [await tickets.find_for_citizen(conn, ids, code) for code in codes]
    bookings = await privacy.bookings(conn, person.id)
    return PersonalData(
        person=person,
        cases=[c for c in found if c is not None],
        bookings=bookings,
        reception_since=await privacy.subscribed_since(conn, "reception_subscribers", person.id),
        announcements_since=await privacy.subscribed_since(
            conn, "announcement_subscribers", person.id
        ),
        erasure=await privacy.open_request(conn, person.id),
        sessions=await _booked_sessions(db, config, bookings),
        notice_current=agreed_to_notice(person),
    )


async def _booked_sessions(
    db: Database, config: Config, bookings: list[Booking]
) -> dict[str, Session]:
    """Each booking's session as scheduled: a holiday may have moved it off its planned day
    (never back, and not by a month)."""
    planned = [day for b in bookings if (day := planned_day(b.session_key)) is not None]
    if not planned:
        return {}
    keys = {b.session_key for b in bookings}
    sessions = await schedule_between(
        db, config, min(planned), max(planned) + timedelta(days=MOVED_AT_MOST_DAYS)
    )
    return {s.key: s for s in sessions if s.key in keys}


async def _office(conn: Connection, config: Config) -> list[Officer]:
    return [o for o in await officers.active(conn) if handles_erasure(o, config)]


def _request_notice(
    request: ErasureRequest, config: Config, key: str, delivery: Delivery
) -> Notice:
    """The request to the Office: the first one is a task with a legal window, delivered at
    least once; the reminder before the window ends is a reminder, at most once."""
    zone = config.commune.zone
    return Notice(
        t(
            key,
            number=request.id,
            person=request.person_id,
            requested=request.requested_at.astimezone(zone).strftime("%H:%M %d/%m/%Y"),
            due=request.due_at.astimezone(zone).strftime("%d/%m/%Y"),
        ),
        ref=ERASE_REF,
        options=(Option(str(request.id), t("privacy.complete_button")),),
        delivery=delivery,
    )


async def request_erasure(
    db: Database, clock: Clock, config: Config, person: Person
) -> tuple[ErasureRequest, bool]:
    """File the request (once: asking again returns the open one, and False) and tell the
    Office, with a button to complete it and a reminder before the window ends."""
    now = clock.now()
    async with db.transaction() as conn:
        existing = await privacy.open_request(conn, person.id)
        if existing is not None:
            return existing, False
        due = erasure_due(now, config.privacy.erasure_days)
        request = await privacy.add_request(conn, person.id, now, due)
        await events.add_staff(
            conn, at=now, actor_id=person.id, action="erasure_requested", note=f"#{request.id}"
        )
        await reminders.plan(conn, f"{ERASURE}:{request.id}", ERASURE, reminder_at(now, due), None)
        notice = _request_notice(request, config, "privacy.office_new", Delivery.AT_LEAST_ONCE)
        for officer in await _office(conn, config):
            await tell(conn, clock, officer.person_id, notice, f"erasure:{request.id}:new")
    return request, True


async def remind(conn: Connection, config: Config, reminder_key: str, say: Say) -> None:
    """The reminder before the window ends, if the request is still open."""
    request_id = parse_number(reminder_key.removeprefix(f"{ERASURE}:"))
    request = await privacy.get_request(conn, request_id) if request_id is not None else None
    if request is None or request.completed_at is not None:
        return
    notice = _request_notice(request, config, "privacy.office_reminder", Delivery.AT_MOST_ONCE)
    for officer in await _office(conn, config):
        await say(officer.person_id, notice, f"reminder:{reminder_key}")


async def _erase_cases(
    conn: Connection,
    cases: list[CaseText],
    known: tuple[str | None, ...],
    now: datetime,
    actor_id: int | None,
    reason: str,
) -> None:
    """Erase each case's personal data, and the same values in the messages sent about it
    (officers' cards show the contact details, updates quote the texts)."""
    mask = t("privacy.mask")
    values = tuple(v for case in cases for v in case.contact) + known
    for case in cases:
        await _erase_case(conn, case, values, now, actor_id, reason)
    for message_id, payload in await privacy.messages_about(conn, [c.code for c in cases]):
        erased = erase_text(payload, values, mask)
        if erased != payload:
            await privacy.rewrite_message(conn, message_id, erased)
    await _forget_references(conn, [c.id for c in cases])


async def _forget_references(conn: Connection, ticket_ids: list[int]) -> None:
    """The channel's references to the files the person sent, now kept by Nghe Dân: cut from
    the attachments and from the cards already sent with them (a message still to go keeps
    its photo)."""
    refs = await kept_files.references(conn, ticket_ids)
    for message_id, payload in await kept_files.settled_messages_with(conn, refs):
        await privacy.rewrite_message(conn, message_id, _without(payload, refs))
    await kept_files.forget_references(conn, ticket_ids)


def _without(text: str, parts: list[str]) -> str:
    for part in parts:
        text = text.replace(part, "")
    return text


async def _erase_case(
    conn: Connection,
    case: CaseText,
    values: tuple[str | None, ...],
    now: datetime,
    actor_id: int | None,
    reason: str,
) -> None:
    mask = t("privacy.mask")
    # A kept file's hash is no personal data, but its runs of digits look like phone numbers.
    for event_id, note in await privacy.notes(conn, case.id, but=KEPT_ACTION):
        erased = erase_text(note, values, mask)
        if erased != note:
            await privacy.rewrite_note(conn, event_id, erased)
    await privacy.scrub_case(conn, case.id, erase_text(case.content, values, mask), now)
    await events.add(
        conn,
        case.id,
        at=now,
        actor_id=actor_id,
        action=ERASED_ACTION,
        from_status=None,
        to_status=None,
        note=reason,
    )


async def _release_questions(
    conn: Connection, clock: Clock, cases: list[CaseText], actor_id: int
) -> None:
    """A case waiting for the erased citizen's answer would wait forever: it goes back to its
    officer, who is told why no answer can come."""
    now = clock.now()
    for case in cases:
        ticket = await tickets.get(conn, case.id)
        if ticket is None or ticket.status is not Status.WAITING_CITIZEN:
            continue
        status = next_status(ticket.status, Action.NO_ANSWER, accepted=ticket.accepted)
        await tickets.update(conn, ticket.id, now, status=status)
        event_id = await events.add(
            conn,
            ticket.id,
            at=now,
            actor_id=actor_id,
            action=Action.NO_ANSWER.value,
            from_status=ticket.status,
            to_status=status,
            note=None,
        )
        updated = await tickets.get(conn, ticket.id) or ticket
        notice = officer_update(updated, "officer.citizen_erased")
        await tell(conn, clock, updated.assignee_id, notice, f"event:{event_id}")


async def complete_erasure(
    db: Database, clock: Clock, config: Config, officer: Officer, request_id: int
) -> Completed:
    """Erase the person's data, close the request, tell the citizen; all in one transaction."""
    if not handles_erasure(officer, config):
        return Completed(Completion.NOT_ALLOWED)
    now = clock.now()
    async with db.transaction() as conn:
        request = await privacy.get_request(conn, request_id)
        if request is None:
            return Completed(Completion.UNKNOWN)
        if request.completed_at is not None:
            return Completed(Completion.ALREADY)
        person = await people.get(conn, request.person_id)
        if person is None:
            return Completed(Completion.UNKNOWN)
        cases = await privacy.case_texts(conn, await filer_ids(conn, config, person))
        sealed = await sealed_values(conn, config, [case.id for case in cases])
        await _erase_cases(
            conn,
            cases,
            (person.display_name, *sealed),
            now,
            officer.person_id,
            t("privacy.reason_request"),
        )
        await _release_questions(conn, clock, cases, officer.person_id)
        user_id = await chat_links.chat_user_id(conn, person.channel, person.external_id)
        await privacy.forget_person(conn, person.id, person.channel, person.external_id, now)
        await privacy.complete_request(conn, request.id, officer.person_id, now)
        await events.add_staff(
            conn,
            at=now,
            actor_id=officer.person_id,
            action="erasure_completed",
            note=f"#{request.id}: {len(cases)}",
        )
        # Addressed to the account captured before it was forgotten; the message itself is
        # removed once delivered (see forget_delivered).
        done = Notice(t("privacy.citizen_done", cases=len(cases)), delivery=Delivery.AT_LEAST_ONCE)
        await notify(conn, person, done, f"{DONE_KEY}:{request.id}", clock)
    db.purge_wal_soon()
    _LOGGER.info("erasure request %s completed by %s", request.id, officer.person_id)
    return Completed(Completion.DONE, person.external_id, user_id)


async def apply_retention(db: Database, clock: Clock, config: Config) -> int:
    """Erase the personal data of cases closed longer than the retention period, a batch per
    transaction, and drop their files; returns how many cases. Erased cases are never taken
    again."""
    now = clock.now()
    cutoff = now - timedelta(days=config.privacy.retention_days)
    closed = tuple(status.value for status in CLOSED)
    total = 0
    async with db.transaction() as conn:
        forgotten = await privacy.forget_delivered(conn, DONE_KEY)
    while True:
        async with db.transaction() as conn:
            batch = await privacy.closed_unerased(conn, cutoff, closed, RETENTION_BATCH)
            sealed = await sealed_values(conn, config, [case.id for case in batch])
            await _erase_cases(conn, batch, sealed, now, None, t("privacy.reason_retention"))
        total += len(batch)
        if len(batch) < RETENTION_BATCH:
            break
    store = open_file_store(config.storage)
    await drop_expired(db, store, cutoff, closed)
    await sweep_orphans(db, store, now)
    if total or forgotten:
        db.purge_wal_soon()
    if total:
        _LOGGER.info("retention: personal data of %s closed cases erased", total)
    return total
