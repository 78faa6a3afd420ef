"""At-least-once delivery made safe: an update handled once is not acted on again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock
from storage import outbox, updates
from storage.connection import Connection, Later
from storage.database import Database
from storage.outbox import Pending

REMEMBER_FOR = timedelta(days=7)


async def already_handled(db: Database, channel: str, update_id: int) -> bool:
    return await updates.is_processed(db.reader, channel, update_id)


async def mark_handled(
    db: Database,
    clock: Clock,
    channel: str,
    update_id: int,
    along: Callable[[Connection], Awaitable[None]] | None = None,
) -> bool:
    """`along` writes what handling the update changed (drafts, conversation states) in the
    same unit of work: a crash keeps both or neither, and on SQLite the whole of it is one
    hand-over to the database's thread (it may await only the connection it is given).

    Returns whether the outbox holds a message due now, asked in the same unit: after almost
    every update nothing is, and then no delivery run need ask again (make bench, ingest). On
    PostgreSQL nothing in the unit waits for an answer, so the whole of it, that question
    included, is one round trip with its COMMIT."""
    now = clock.now()

    async def work(conn: Connection) -> Later[list[Pending]]:
        if along is not None:
            await along(conn)
        await updates.mark_processed(conn, channel, update_id, now)
        return await outbox.due_except_later(conn, now, 1)

    return bool(await (await db.unit(work)).value())


class UpdateLog:
    """Which updates were handled, asking the database only when it could say yes.

    An update above the newest id ever marked handled on its channel is not in the table;
    since platforms number updates in increasing order, that is almost every update, and only
    the others (a redelivery after a restart) are looked up. The newest id is read once per
    channel, then kept as updates are marked: marks go through here, and this process is the
    database's only writer. A shared database (`Database.shared`) has other writers, so there
    every update is looked up.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._newest: dict[str, int | None] = {}

    async def handled(self, channel: str, update_id: int) -> bool:
        if self._db.shared:
            return await already_handled(self._db, channel, update_id)
        if channel not in self._newest:
            self._newest[channel] = await updates.newest(self._db.reader, channel)
        newest = self._newest[channel]
        if newest is None or update_id > newest:
            return False
        return await already_handled(self._db, channel, update_id)

    async def mark(
        self,
        channel: str,
        update_id: int,
        along: Callable[[Connection], Awaitable[None]],
    ) -> bool:
        """`mark_handled`: whether a message is due."""
        due = await mark_handled(self._db, self._clock, channel, update_id, along)
        if channel in self._newest:
            newest = self._newest[channel]
            self._newest[channel] = update_id if newest is None else max(newest, update_id)
        return due


async def forget_old(db: Database, clock: Clock) -> int:
    async with db.transaction() as conn:
        return await updates.forget_before(conn, clock.now() - REMEMBER_FOR)
