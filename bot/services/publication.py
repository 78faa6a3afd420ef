"""Công khai (issue #21): a citizen withdrawing the publication of their own case, and an
officer of a published case letting its photos out with it, or taking them back."""

from __future__ import annotations

from bot.clock import Clock
from bot.config import Config
from bot.domain.people import Officer, Person
from bot.domain.tickets import PHOTO, Ticket
from bot.domain.workflow import Action, access, may
from bot.services.denouncers import filer_ids
from bot.services.errors import CaseworkError
from bot.services.officers import actor
from storage import events, tickets
from storage.database import Database

WITHDRAWN_ACTION = "publication_withdrawn"
PHOTOS_SHOWN = "photos_published"
PHOTOS_HIDDEN = "photos_withheld"


async def withdraw(
    db: Database, clock: Clock, config: Config, citizen: Person, ticket_id: int
) -> Ticket | None:
    """The case no longer published, if it is this citizen's (None otherwise). Withdrawing
    twice records it once: a double tap, or the press delivered again after a restart."""
    ids = await filer_ids(db.reader, config, citizen)
    now = clock.now()
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        if ticket is None or ticket.citizen_id not in ids:
            return None
        if await tickets.withdraw_publication(conn, ticket.id, now):
            await events.add(
                conn,
                ticket.id,
                at=now,
                actor_id=citizen.id,
                action=WITHDRAWN_ACTION,
                from_status=ticket.status,
                to_status=ticket.status,
            )
        return await tickets.get(conn, ticket.id)


async def show_photos(
    db: Database, clock: Clock, officer: Officer, ticket_id: int, *, shown: bool
) -> Ticket:
    """Let a published case's photos out on the public page and in Open311, or take them
    back: the decision of whoever may resolve the case, who has seen its photos with its card
    (a face, a house number). Asking twice records it once."""
    now = clock.now()
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        if ticket is None:
            raise CaseworkError("case.not_found")
        if not may(actor(officer), Action.RESOLVE, access(ticket)):
            raise CaseworkError("case.not_allowed")
        if shown and not ticket.public:
            raise CaseworkError("publication.photos_not_public")
        if shown and not any(a.kind == PHOTO for a in ticket.attachments):
            raise CaseworkError("publication.no_photos")
        if await tickets.show_photos(conn, ticket.id, now, shown=shown):
            await events.add(
                conn,
                ticket.id,
                at=now,
                actor_id=officer.person_id,
                action=PHOTOS_SHOWN if shown else PHOTOS_HIDDEN,
                from_status=ticket.status,
                to_status=ticket.status,
            )
        found = await tickets.get(conn, ticket.id)
    if found is None:
        raise CaseworkError("case.not_found")
    return found
