"""What the gates ask of every update before its handlers run, read in one unit.

Before any handler, an update passes the gates (handlers.wiring.routes,
handlers.wiring.application): was it handled already, who sent it (their person, the officer
they are, their ban), is the sender over the message rate, and on a shared database the
person's turn and their draft and conversation states as the last process left them. Asked one
by one these were eight round trips to PostgreSQL for every update (make bench, ingest).

On a shared database they are one coordination transaction whose reads all wait in psycopg's
pipeline (`storage.connection.fetch_later`) and go to the server with its COMMIT: one round
trip. The turn is taken by its first statement, so the statements after it run once the turn
is free and see what its last holder committed (READ COMMITTED takes a snapshot per statement);
when another process holds the turn, what was read is dropped and the whole is asked again
(bot.services.turns). The message is counted in the shared rate window only if this process
took the turn for an update not handled yet, in the same statement, so waiting for a turn or a
delivery made twice never counts one message twice.

On a database of one process, memory answers the turn, the rate window and, for almost every
update, whether it was handled (bot.services.updates.UpdateLog); the look-up of the sender is
what remains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.clock import Clock
from bot.domain.chats import Account
from bot.domain.limits import RateLimiter, Verdict
from bot.sealing import Sealer
from bot.services.accounts import Known, look_up
from bot.services.turns import Turns
from storage import accounts, conversations, rate_windows, turns, updates
from storage.database import Database

ConversationKey = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Arrival:
    """An update, as the gates ask about it. `account`: its sender (None without one, or for
    a local id whose account was erased). `user`: the sender's id in the update, under which
    their draft and rate window are kept. `conversations` and `keys`: the conversations whose
    states the update may move, and the keys they file this update's person under."""

    channel: str
    update_id: int
    account: Account | None
    user: int | None
    conversations: list[str]
    keys: list[ConversationKey]


@dataclass(frozen=True, slots=True)
class Opened:
    """What the gates read of an update. `sender`: who sent it and what is known of them.
    `verdict`: the shared rate window's (None where this process keeps the windows in
    memory). `draft` and `states`: on a shared database, the sender's stored draft and the
    stored conversation states at the update's keys, by (conversation, key)."""

    handled: bool
    sender: tuple[Account, Known] | None = None
    verdict: Verdict | None = None
    draft: dict[str, Any] | None = None
    states: dict[tuple[str, ConversationKey], Any] | None = None


async def open_alone(db: Database, arrival: Arrival, *, handled: bool) -> Opened:
    """On a database of one process, where memory said whether the update was handled."""
    account = arrival.account
    if handled or account is None:
        return Opened(handled=handled)
    return Opened(handled=False, sender=(account, await look_up(db, account)))


async def open_shared(
    db: Database,
    clock: Clock,
    arrival: Arrival,
    *,
    turn_of: int,
    holder: Turns,
    limiter: RateLimiter,
    sealer: Sealer | None,
) -> Opened | None:
    """On a shared database: takes the turn of `turn_of` for `holder`'s process and reads the
    rest in the same round trip; None when another process holds the turn."""
    channel, update_id, account, user = (
        arrival.channel,
        arrival.update_id,
        arrival.account,
        arrival.user,
    )
    async with db.coordination() as conn:
        taken = await holder.take_in(conn, turn_of)
        handled = await updates.processed_later(conn, channel, update_id)
        known = (
            await accounts.known_later(conn, account.channel, account.external_id)
            if account is not None
            else None
        )
        states = await conversations.states_of_later(conn, arrival.conversations, arrival.keys)
        draft = (
            await conversations.user_data_of_later(conn, user, sealer) if user is not None else None
        )
        verdict = (
            await rate_windows.hit_later(
                conn,
                user,
                clock.now().timestamp(),
                limiter.limit,
                limiter.period,
                only_if=(
                    turns.held_by(turn_of, holder.instance),
                    updates.unprocessed(channel, update_id),
                ),
            )
            if user is not None
            else None
        )
    if not await taken.value():
        return None
    return Opened(
        handled=await handled.value(),
        sender=(account, await known.value()) if account is not None and known else None,
        verdict=await verdict.value() if verdict is not None else None,
        draft=await draft.value() if draft is not None else None,
        states=await states.value(),
    )
