"""The citizen's part in a case: answers, added information, the rating.

The citizen writes to the bot, which ties what they write to the case and passes it to the
officer handling it; neither sees the other's account.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import Clock
from bot.config import Config
from bot.dialogs.media import files_note
from bot.dialogs.notices import files_added_notices, officer_update
from bot.domain.attachments import has_room
from bot.domain.people import Person
from bot.domain.tickets import Attachment, Status, Ticket
from bot.domain.workflow import CLOSED, Action, Actor, next_status
from bot.services.assignment import assign
from bot.services.case_actions import Change, act
from bot.services.denouncers import acting_as, filer_ids
from bot.services.errors import CaseworkError
from bot.services.notes import clean_note
from bot.services.notifications import tell
from storage import events, tickets
from storage.connection import Connection
from storage.database import Database


async def citizen_writes(
    db: Database, clock: Clock, config: Config, citizen: Person, ticket_id: int, text: str
) -> Ticket:
    """The citizen's answer to a question, or information added on their own.

    Either way it reaches the officer handling the case, tied to the case.
    """
    note = clean_note(text)
    async with db.transaction() as conn:
        current = await tickets.get(conn, ticket_id)
        who = Actor(await acting_as(conn, config, citizen, current))
    waiting = current is not None and current.status is Status.WAITING_CITIZEN
    action = Action.CITIZEN_REPLY if waiting else Action.ADD_INFO
    key = "officer.citizen_reply" if waiting else "officer.citizen_added"

    async def after(conn: Connection, ticket: Ticket, event_key: str) -> None:
        await tell(
            conn, clock, ticket.assignee_id, officer_update(ticket, key, text=note), event_key
        )

    return await act(db, clock, config, who, ticket_id, action, lambda _: Change({}, note, after))


async def citizen_adds_files(
    db: Database,
    clock: Clock,
    config: Config,
    citizen: Person,
    ticket_id: int,
    files: Sequence[Attachment],
    caption: str | None = None,
) -> Ticket:
    """Photos, voice notes or documents the citizen adds to their case (or sends as the answer
    to a question): kept as the case's attachments and queued for the file keeper in the same
    transaction as the event, and sent to the officer with the words that came with them.

    A case takes as many files again as its filing could bring, so a flood of files cannot
    fill the store (bot.domain.attachments.has_room)."""
    async with db.transaction() as conn:
        current = await tickets.get(conn, ticket_id)
        who = Actor(await acting_as(conn, config, citizen, current))
    waiting = current is not None and current.status is Status.WAITING_CITIZEN
    action = Action.CITIZEN_REPLY if waiting else Action.ADD_INFO
    words = clean_note(caption) if caption and caption.strip() else None
    note = files_note(files, words)
    limits = config.intake

    def change(ticket: Ticket) -> Change:
        if not has_room(ticket.attachments, files, limits.max_photos, limits.max_files):
            raise CaseworkError("citizen.files.full")
        return Change({}, note, after)

    async def after(conn: Connection, ticket: Ticket, event_key: str) -> None:
        await tickets.add_attachments(conn, ticket.id, files)
        for n, notice in enumerate(files_added_notices(ticket, files, words)):
            await tell(conn, clock, ticket.assignee_id, notice, f"{event_key}:{n}")

    return await act(db, clock, config, who, ticket_id, action, change)


async def rate(
    db: Database, clock: Clock, config: Config, citizen: Person, ticket_id: int, satisfied: bool
) -> Ticket:
    """Hài lòng closes the loop; Chưa hài lòng reopens the case and alerts the leaders.

    The citizen is answered in the chat where they rated, right before the comment question;
    a notice of the reopening would arrive after that question and bury it.
    """
    value = "satisfied" if satisfied else "unsatisfied"
    async with db.transaction() as conn:
        filer = await acting_as(conn, config, citizen, await tickets.get(conn, ticket_id))

    def change(ticket: Ticket) -> Change:
        if ticket.rating is not None:
            raise CaseworkError("case.already_rated")
        return Change({"rating": value}, value, after)

    async def after(conn: Connection, ticket: Ticket, key: str) -> None:
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
            actor_id=filer,
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
                keep_assignee=True,
            )

    try:
        return await act(db, clock, config, Actor(filer), ticket_id, Action.RATE, change)
    except CaseworkError as error:
        # "Chưa hài lòng" reopens the case, so a second press finds it no longer resolved: that
        # is a repeat (a double tap, a late press, a notice delivered twice), not a wrong step.
        rated = await tickets.get(db.reader, ticket_id)
        if error.reason == "case.not_now" and rated is not None and rated.rating is not None:
            raise CaseworkError("case.already_rated") from None
        raise


async def comment_rating(
    db: Database, clock: Clock, config: Config, citizen: Person, ticket_id: int, comment: str
) -> None:
    """An optional comment after a rating, recorded in the history."""
    text = clean_note(comment)
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        filer = await acting_as(conn, config, citizen, ticket)
        if ticket is None or ticket.citizen_id != filer or ticket.rating is None:
            raise CaseworkError("case.not_allowed")
        await tickets.update(conn, ticket.id, clock.now(), rating_comment=text)
        event_id = await events.add(
            conn,
            ticket.id,
            at=clock.now(),
            actor_id=filer,
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


async def case_of_citizen(db: Database, config: Config, citizen: Person, ticket_id: int) -> Ticket:
    """The citizen's own open case; anything else is "not found", whoever's it is."""
    ticket = await tickets.get(db.reader, ticket_id)
    if ticket is None or ticket.citizen_id != await acting_as(db.reader, config, citizen, ticket):
        raise CaseworkError("case.not_found_citizen")
    if ticket.status in CLOSED:
        raise CaseworkError("case.closed")
    return ticket


async def waiting_cases(db: Database, config: Config, citizen: Person) -> list[Ticket]:
    ids = await filer_ids(db.reader, config, citizen)
    return await tickets.waiting_for_citizen(db.reader, ids)
