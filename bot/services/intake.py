"""Filing a case: the draft becomes a case with a code, its audit record and its attachments."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.config import Config, deadline_rules, takes_denunciations, work_calendar
from bot.domain.deadlines import due_on_receipt
from bot.domain.draft import Draft, missing
from bot.domain.limits import may_open_case
from bot.domain.people import Person
from bot.domain.tickets import (
    PHOTO,
    QUESTION_CATEGORY,
    Attachment,
    Kind,
    NewTicket,
    Status,
    Ticket,
    format_code,
)
from bot.services.assignment import assign, holder_of
from bot.services.denouncers import filer_ids, pseudonym_for, seals
from bot.services.reminders import replan_case
from storage import events, tickets
from storage.connection import Connection
from storage.database import Database

DAY = timedelta(hours=24)


async def may_file(db: Database, clock: Clock, config: Config, citizen: Person) -> bool:
    """Whether the citizen may start another case: [limits] cases_per_day in any 24 hours, so
    one person cannot bury the officers' desks."""
    ids = await filer_ids(db.reader, config, citizen)
    filed = await tickets.filed_since(db.reader, ids, clock.now() - DAY)
    return may_open_case(filed, config.limits.cases_per_day)


class IncompleteDraftError(ValueError):
    """The draft lacks an answer the case needs; the dialog should have asked for it."""


async def submit_case(
    db: Database, clock: Clock, config: Config, citizen: Person, draft: Draft
) -> Ticket:
    """File the draft once and put it in the right hands, in one unit of work (on SQLite one
    hand-over to the database's thread for its dozen statements).

    Sending the same draft again returns the case already filed.
    The draft id is the idempotency key, so a "Gửi" pressed twice, or re-delivered by the
    platform after a crash, never makes two cases.
    """
    return await db.unit(_filing(clock, config, citizen, draft))


@dataclass(frozen=True)
class Filed:
    """What a "Gửi" came to: the case; whether an earlier press (or the same update handled
    before a crash) had filed it already; and, for a case filed now, the department the
    citizen is told holds it (`holder_of`)."""

    ticket: Ticket
    earlier: bool
    holder: str | None = None


async def file_draft(
    db: Database, clock: Clock, config: Config, citizen: Person, draft: Draft
) -> Filed:
    """`submit_case` for the handler of "Gửi", with what its answer needs read in the same unit
    of work instead of a look-up before it (filed already?) and one after it (the holder): on
    SQLite one hand-over to the database's thread in all. An already filed draft is returned
    before the draft is checked for completeness, as the handler did before filing."""

    async def work(conn: Connection) -> Filed:
        earlier = await tickets.find_by_draft(conn, draft.draft_id)
        if earlier is not None:
            return Filed(earlier, earlier=True)
        ticket = await _filing(clock, config, citizen, draft)(conn)
        return Filed(ticket, earlier=False, holder=await holder_of(conn, ticket))

    return await db.unit(work)


def _attachments(draft: Draft) -> tuple[Attachment, ...]:
    """Photos first, then voice notes and documents in the order they came."""
    photos = tuple(Attachment(PHOTO, p.file_id, p.file_unique_id) for p in draft.photos)
    return photos + tuple(
        Attachment(
            m.kind, m.file_id, m.file_unique_id, m.duration, m.size, m.media_type, m.file_name
        )
        for m in draft.media
    )


def _filing(
    clock: Clock, config: Config, citizen: Person, draft: Draft
) -> Callable[[Connection], Coroutine[Any, Any, Ticket]]:
    """`submit_case`'s unit of work, once the draft is known to be complete."""
    if missing(draft) is not None or draft.kind is None or draft.category_id is None:
        raise IncompleteDraftError(f"draft {draft.draft_id} lacks {missing(draft)}")
    category = config.category(draft.category_id)
    if category is None and draft.kind is not Kind.QUESTION:
        raise IncompleteDraftError(
            f"draft {draft.draft_id} has unknown category {draft.category_id}"
        )
    if draft.kind is Kind.DENUNCIATION and not takes_denunciations(config):
        raise IncompleteDraftError(f"draft {draft.draft_id}: no key to seal a denunciation")
    kind, sealed = draft.kind, seals(config, draft)
    now = clock.now()
    year = now.astimezone(config.commune.zone).year

    async def work(conn: Connection) -> Ticket:
        existing = await tickets.find_by_draft(conn, draft.draft_id)
        if existing is not None:
            return existing
        number = await tickets.next_number(conn, year)
        filer = await pseudonym_for(conn, clock, config, citizen, draft) if sealed else citizen
        new = NewTicket(
            code=format_code(config.commune.code, year, number),
            draft_id=draft.draft_id,
            citizen_id=filer.id,
            kind=kind,
            # A question has no category: routing gives it to the triage department.
            category_id=category.id if category else QUESTION_CATEGORY,
            department_id=category.department if category else None,
            content=draft.content or "",
            latitude=draft.latitude,
            longitude=draft.longitude,
            place=draft.place,
            # A sealed case keeps the identity only in its pseudonym, encrypted.
            contact_name=None if sealed else draft.contact_name,
            contact_phone=None if sealed else draft.contact_phone,
            contact_address=None if sealed else draft.contact_address,
            attachments=_attachments(draft),
            due_on=due_on_receipt(
                kind,
                now.astimezone(config.commune.zone).date(),
                deadline_rules(config),
                work_calendar(config),
            ),
            sealed=sealed,
            public=draft.published and not sealed,
        )
        ticket_id = await tickets.insert(conn, new, Status.NEW, now)
        event_id = await events.add(
            conn,
            ticket_id,
            at=now,
            actor_id=filer.id,
            action="submitted",
            from_status=None,
            to_status=Status.NEW,
        )
        filed = await tickets.find_by_draft(conn, draft.draft_id)
        if filed is None:
            raise LookupError(f"case {new.code} vanished after filing")
        assigned = await assign(conn, clock, config, filed, key=f"event:{event_id}")
        await replan_case(conn, config, assigned, now)
        return assigned

    return work
