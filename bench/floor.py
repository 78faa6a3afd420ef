"""The floor: what python-telegram-bot, aiosqlite and SQLite cost by themselves.

A bare Application (offline Bot API, no persistence, no rate limiter) whose one handler
inserts a row, commits, and replies: every update any bot on this stack handles costs at least
this much. The database is set up as Nghe Dân's is (WAL, synchronous NORMAL), so the ratio of
the real bot's rate to this one is the price of what Nghe Dân itself does.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import aiosqlite
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bench.crowd import Crowd, Recorder
from bench.stats import latency
from tests.conftest import TOKEN

FIRST_USER = 30_000_001


async def run_floor(folder: Path, updates: int, people: int) -> dict[str, Any]:
    conn = await aiosqlite.connect(folder / "floor.sqlite3")
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA synchronous = NORMAL")
    await conn.execute("CREATE TABLE seen (id INTEGER PRIMARY KEY, chat INTEGER, text TEXT)")
    await conn.commit()

    async def store_and_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        await conn.execute(
            "INSERT INTO seen (chat, text) VALUES (?, ?)", (message.chat_id, message.text)
        )
        await conn.commit()
        await message.reply_text("Đã nhận.")

    request = Recorder()
    app: Any = Application.builder().token(TOKEN).request(request).build()
    app.add_handler(MessageHandler(filters.ALL, store_and_reply))
    users = range(FIRST_USER, FIRST_USER + people)
    try:
        async with app:
            await app.start()
            crowd = Crowd(app, request)
            start = time.perf_counter()
            for n in range(updates):
                await crowd.say(users[n % people], f"Tin nhắn số {n} gửi xã")
            elapsed = time.perf_counter() - start
            await app.stop()
        async with conn.execute("SELECT count(*) FROM seen") as cursor:
            stored = (await cursor.fetchone() or (0,))[0]
    finally:
        await conn.close()
    replies = sum(len(texts) for texts in request.texts.values())
    return {
        "updates": updates,
        "seconds": round(elapsed, 3),
        "updates_per_second": round(updates / elapsed, 1),
        "latency": latency(crowd.stopwatch.samples),
        "invariants": {"stored": stored == updates, "one_reply_each": replies == updates},
    }
