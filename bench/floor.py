"""The floor: what python-telegram-bot and the database driver cost by themselves.

A bare Application (offline Bot API, no persistence, no rate limiter) whose one handler
inserts a row, commits, and replies: every update any bot on this stack handles costs at least
this much. On SQLite the database is set up as Nghe Dân's is (aiosqlite, WAL, synchronous
NORMAL); on PostgreSQL the handler takes a connection from a psycopg 3 pool, as a bot on that
server would, on a server set up as `bench.postgres` says. The ratio of the real bot's rate to
its backend's floor is the price of what Nghe Dân itself does.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosqlite
from psycopg_pool import AsyncConnectionPool
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bench.crowd import Crowd, Recorder
from bench.stats import latency
from tests.conftest import TOKEN

FIRST_USER = 30_000_001
# Updates are handed over one after another, so one connection is busy at a time; the second
# is what a pool keeps ready anyway.
POOL_SIZE = 2

Store = Callable[[int, str | None], Awaitable[None]]


async def _measure(
    store: Store, stored: Callable[[], Awaitable[int]], updates: int, people: int
) -> dict[str, Any]:
    """Hand `updates` messages of `people` to a bare Application whose one handler stores each
    with `store` and replies; `stored` counts the rows afterwards."""

    async def store_and_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        await store(message.chat_id, message.text)
        await message.reply_text("Đã nhận.")

    request = Recorder()
    app: Any = Application.builder().token(TOKEN).request(request).build()
    app.add_handler(MessageHandler(filters.ALL, store_and_reply))
    users = range(FIRST_USER, FIRST_USER + people)
    async with app:
        await app.start()
        crowd = Crowd(app, request)
        start = time.perf_counter()
        for n in range(updates):
            await crowd.say(users[n % people], f"Tin nhắn số {n} gửi xã")
        elapsed = time.perf_counter() - start
        await app.stop()
    rows = await stored()
    replies = sum(len(texts) for texts in request.texts.values())
    return {
        "updates": updates,
        "seconds": round(elapsed, 3),
        "updates_per_second": round(updates / elapsed, 1),
        "latency": latency(crowd.stopwatch.samples),
        "invariants": {"stored": rows == updates, "one_reply_each": replies == updates},
    }


async def run_floor(folder: Path, updates: int, people: int) -> dict[str, Any]:
    conn = await aiosqlite.connect(folder / "floor.sqlite3")
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA synchronous = NORMAL")
    await conn.execute("CREATE TABLE seen (id INTEGER PRIMARY KEY, chat INTEGER, text TEXT)")
    await conn.commit()

    async def store(chat: int, text: str | None) -> None:
        await conn.execute("INSERT INTO seen (chat, text) VALUES (?, ?)", (chat, text))
        await conn.commit()

    async def stored() -> int:
        async with conn.execute("SELECT count(*) FROM seen") as cursor:
            return int((await cursor.fetchone() or (0,))[0])

    try:
        return {"backend": "sqlite", **await _measure(store, stored, updates, people)}
    finally:
        await conn.close()


async def run_postgres_floor(
    url: str, updates: int, people: int, *, synchronous_commit: bool = False
) -> dict[str, Any]:
    """`synchronous_commit`: each commit waits for its log record on disk, PostgreSQL's
    default, instead of the benchmark server's setting (`bench.postgres`)."""
    options = {"options": "-c synchronous_commit=on"} if synchronous_commit else {}
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        url, min_size=POOL_SIZE, max_size=POOL_SIZE, kwargs=options, open=False
    )
    await pool.open(wait=True)
    try:
        async with pool.connection() as conn:
            await conn.execute(
                "CREATE TABLE seen (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                " chat bigint, text text)"
            )

        async def store(chat: int, text: str | None) -> None:
            async with pool.connection() as conn:
                await conn.execute("INSERT INTO seen (chat, text) VALUES (%s, %s)", (chat, text))
                await conn.commit()

        async def stored() -> int:
            async with pool.connection() as conn:
                cursor = await conn.execute("SELECT count(*) FROM seen")
                return int((await cursor.fetchone() or (0,))[0])

        measured = await _measure(store, stored, updates, people)
    finally:
        await pool.close()
    return {
        "backend": "postgresql",
        "driver": "psycopg 3, AsyncConnectionPool",
        "pool_size": POOL_SIZE,
        "synchronous_commit": "on" if synchronous_commit else "off",
        **measured,
    }
