"""How any action on a case is carried out: checked (who, which status), then written in one
transaction with its audit record and the messages it causes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.domain.tickets import Ticket
from bot.domain.workflow import (
    Action,
    Actor,
    IllegalTransitionError,
    access,
    applies_to,
    may,
    next_status,
)
from bot.services.errors import CaseworkError
from bot.services.reminders import replan_case
from storage import events, tickets
from storage.connection import Connection
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


# Runs inside the action's transaction with the changed case and a key unique to the change,
# to queue the messages the change causes.
After = Callable[[Connection, Ticket, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Change:
    """What an action does besides moving the status, and whom it tells."""

    fields: dict[str, object]
    note: str | None
    after: After | None = None


async def act(
    db: Database,
    clock: Clock,
    config: Config,
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
            if not applies_to(action, ticket.kind):
                raise IllegalTransitionError(ticket.status, action)
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
        settled = await tickets.get(conn, ticket.id) or updated
        await replan_case(conn, config, settled, now)
    return updated
