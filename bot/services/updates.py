"""At-least-once delivery made safe: an update handled once is not acted on again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import aiosqlite

from bot.clock import Clock
from storage import updates
from storage.database import Database

REMEMBER_FOR = timedelta(days=7)


async def already_handled(db: Database, channel: str, update_id: int) -> bool:
    return await updates.is_processed(db.reader, channel, update_id)


async def mark_handled(
    db: Database,
    clock: Clock,
    channel: str,
    update_id: int,
    along: Callable[[aiosqlite.Connection], Awaitable[None]] | None = None,
) -> None:
    """`along` writes what handling the update changed (drafts, conversation states) in the
    same transaction: a crash keeps both or neither, and one commit costs less than several."""
    async with db.transaction() as conn:
        if along is not None:
            await along(conn)
        await updates.mark_processed(conn, channel, update_id, clock.now())


async def forget_old(db: Database, clock: Clock) -> int:
    async with db.transaction() as conn:
        return await updates.forget_before(conn, clock.now() - REMEMBER_FOR)
