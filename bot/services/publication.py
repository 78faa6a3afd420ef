"""A citizen withdrawing the publication of their own case (Công khai, issue #21)."""

from __future__ import annotations

from bot.clock import Clock
from bot.config import Config
from bot.domain.people import Person
from bot.domain.tickets import Ticket
from bot.services.denouncers import filer_ids
from storage import events, tickets
from storage.database import Database

WITHDRAWN_ACTION = "publication_withdrawn"


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
