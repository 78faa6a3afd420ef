"""At-least-once delivery made safe: an update handled once is not acted on again."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from storage import updates
from storage.database import Database

REMEMBER_FOR = timedelta(days=7)


async def already_handled(db: Database, channel: str, update_id: int) -> bool:
    return await updates.is_processed(db.reader, channel, update_id)


async def mark_handled(db: Database, clock: Clock, channel: str, update_id: int) -> None:
    async with db.transaction() as conn:
        await updates.mark_processed(conn, channel, update_id, clock.now())


async def forget_old(db: Database, clock: Clock) -> int:
    async with db.transaction() as conn:
        return await updates.forget_before(conn, clock.now() - REMEMBER_FOR)
