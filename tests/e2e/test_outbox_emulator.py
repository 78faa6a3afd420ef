"""The outbox against the Bot API emulator: the real python-telegram-bot `Bot`, `TelegramSender`
and `Deliverer`, on a real SQLite file.

The emulator answers 429 with retry_after above its `max_per_second` and 403 for a chat that
blocked the bot; every answer it refused is counted here. The database clock is a FixedClock,
moved on only when everything left waits for a retry; the limits keep real time.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import Bot

from bot.config import TOKEN_ENV, load_config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.messages import Notice
from bot.services import Services
from bot.services.citizens import give_consent
from bot.services.outbox import Deliverer, Limits, notify
from handlers.telegram.sender import TelegramSender
from handlers.wiring.application import build_application
from localapi import JSON, ApiError, BotApiEmulator
from storage.database import Database
from storage.sqlite import SqliteDatabase
from tests.conftest import TOKEN
from tests.support.clock import FixedClock

USERS = list(range(700_001, 700_101))
BLOCKED = USERS[0]  # first in the queue, so its one try meets a full token bucket
STRANGER = 799_999  # never started the bot: Telegram knows no chat with them
ROUNDS = 10
FORCED_429_EVERY = 97


class CountingEmulator(BotApiEmulator):
    """The emulator, recording (chat_id, HTTP code) of every send it refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.refused: list[tuple[str, int]] = []
        self._checked = 0

    def _check_limits(self, method: str, params: JSON) -> None:
        self._checked += method == "sendmessage"  # the emulator passes names lower-cased
        try:
            # A loaded machine may send slower than the limit: a 429 is also forced now and
            # then, so the retry path is always taken, whatever the speed.
            if method == "sendmessage" and self._checked % FORCED_429_EVERY == 0:
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            super()._check_limits(method, params)
        except ApiError as error:
            self.refused.append((str(params.get("chat_id")), error.code))
            raise

    def sends_to(self, chat_id: int) -> int:
        return sum(
            1
            for method, params in self.calls
            if method == "sendMessage" and str(params.get("chat_id")) == str(chat_id)
        )


async def pending(db: Database) -> list[dict[str, Any]]:
    async with db.reader.execute(
        "SELECT not_before FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
    ) as cursor:
        return [dict(row) async for row in cursor]


async def drain(deliverer: Deliverer, db: Database, clock: FixedClock) -> None:
    for _ in range(2000):
        if not (left := await pending(db)):
            return
        if await deliverer.deliver_due() == 0:  # only retries wait: their time has come
            clock.current = max(
                clock.current, min(datetime.fromisoformat(r["not_before"]) for r in left)
            )
    raise AssertionError("the outbox does not drain")


async def test_a_thousand_notices_arrive_once_through_429s_and_a_blocked_chat(
    tmp_path: Path,
) -> None:
    clock = FixedClock()
    async with CountingEmulator(token=TOKEN, max_per_second=100) as emu:
        for user in USERS:
            emu.user_sends_text(user, "/start")
        emu.block_chat(BLOCKED)
        db = await SqliteDatabase.open(tmp_path / "outbox.sqlite3")
        try:
            people = [await give_consent(db, clock, CHANNEL, str(u), "Dân") for u in USERS]
            stranger = await give_consent(db, clock, CHANNEL, str(STRANGER), "Lạ")
            async with db.transaction() as conn:
                for n in range(ROUNDS):
                    for who in [*people, stranger]:
                        text = f"Tin {n} cho {who.external_id}"
                        await notify(conn, who, Notice(text), f"e2e:{who.external_id}:{n}", clock)
            bot = Bot(TOKEN, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file")
            # Faster than the emulator allows, so that it answers 429.
            limits = Limits(max_per_second=150, per_chat_seconds=0.2, batch=200)
            async with bot:
                deliverer = Deliverer(db, clock, {CHANNEL: TelegramSender(bot)}, limits=limits)
                await drain(deliverer, db, clock)

            async with db.reader.execute("SELECT * FROM outbox") as cursor:
                rows = [dict(row) async for row in cursor]
        finally:
            await db.close()

        for user in USERS[1:]:
            got = Counter(message["text"] for message in emu.messages_to(user))
            assert got == Counter(f"Tin {n} cho {user}" for n in range(ROUNDS)), user
        too_many = [chat for chat, code in emu.refused if code == 429]
        assert too_many, "the emulator's limit was reached"
        assert emu.messages_to(BLOCKED) == []
        assert [code for chat, code in emu.refused if chat == str(BLOCKED)] == [403]
        assert emu.sends_to(BLOCKED) == 1, "one try, no further calls"
        assert emu.sends_to(STRANGER) == 1 + too_many.count(str(STRANGER))
        delivered = sum(len(emu.messages_to(user)) for user in USERS)
        assert delivered == (len(USERS) - 1) * ROUNDS
        sends = sum(1 for method, _ in emu.calls if method == "sendMessage")
        assert sends == delivered + len(too_many) + 1 + emu.sends_to(STRANGER) - too_many.count(
            str(STRANGER)
        ), "every call is a delivery, a 429, or the one try of each unreachable chat"

    gone = {str(BLOCKED), str(STRANGER)}
    assert all(r["sent_at"] and not r["failed_at"] for r in rows if r["recipient"] not in gone)
    failed = [r for r in rows if r["recipient"] in gone]
    assert len(failed) == 2 * ROUNDS
    assert all(r["failed_at"] and not r["sent_at"] for r in failed)
    assert {r["last_error"] for r in failed if r["recipient"] == str(BLOCKED)} == {
        "Forbidden: bot was blocked by the user"
    }
    assert {r["last_error"] for r in failed if r["recipient"] == str(STRANGER)} == {
        "Chat not found"
    }
    # Each 429 put its message off once and cost it one attempt; nothing else was retried.
    assert sum(r["attempts"] for r in rows) == len(too_many) + 2


async def test_the_applications_outbox_hears_a_429_at_once(
    tmp_path: Path, config_file: Path
) -> None:
    """The wiring: config limits, and AIORateLimiter passing a 429 on instead of retrying it."""
    config = load_config(config_file, environ={TOKEN_ENV: TOKEN})
    clock = FixedClock()
    async with CountingEmulator(token=TOKEN, max_per_second=1) as emu:
        config = config.model_copy(
            update={"telegram": config.telegram.model_copy(update={"base_url": emu.base_url})}
        )
        for user in USERS[:2]:
            emu.user_sends_text(user, "/start")
        db = await SqliteDatabase.open(tmp_path / "app.sqlite3")
        try:
            people = [await give_consent(db, clock, CHANNEL, str(u), "Dân") for u in USERS[:2]]
            async with db.transaction() as conn:
                for who in people:
                    text = f"Cho {who.external_id}"
                    await notify(conn, who, Notice(text), f"app:{who.external_id}", clock)
            app = build_application(Services(config=config, db=db, clock=clock))
            async with app:
                assert await app.bot_data.deliverer.deliver_due() == 1
            async with db.reader.execute(
                "SELECT recipient, sent_at, attempts, last_error FROM outbox ORDER BY id"
            ) as cursor:
                rows = [dict(row) async for row in cursor]
        finally:
            await db.close()

    assert emu.sends_to(USERS[0]) == 1
    assert emu.sends_to(USERS[1]) == 1, "no retry inside the rate limiter"
    assert rows[0]["sent_at"] is not None
    assert rows[1]["sent_at"] is None
    assert rows[1]["attempts"] == 1
    assert rows[1]["last_error"].startswith("Flood control exceeded")


async def test_a_429_on_the_second_part_of_a_long_notice_sends_no_part_twice(
    tmp_path: Path,
) -> None:
    """Telegram takes one part of a long notice and refuses the next: the sender waits out the
    refusal itself, since retrying the whole notice would send the first part again."""
    clock = FixedClock()
    lines = [f"Dòng {n}: nội dung hồ sơ dài cần chia làm hai tin nhắn." for n in range(120)]
    long_text = "\n".join(lines)
    async with CountingEmulator(token=TOKEN, max_per_second=1) as emu:
        emu.user_sends_text(USERS[0], "/start")
        db = await SqliteDatabase.open(tmp_path / "long.sqlite3")
        try:
            who = await give_consent(db, clock, CHANNEL, str(USERS[0]), "Dân")
            async with db.transaction() as conn:
                await notify(conn, who, Notice(long_text), "long", clock)
            bot = Bot(TOKEN, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file")
            async with bot:
                deliverer = Deliverer(db, clock, {CHANNEL: TelegramSender(bot)})
                assert await deliverer.deliver_due() == 1
            async with db.reader.execute("SELECT sent_at, attempts FROM outbox") as cursor:
                [row] = [dict(r) async for r in cursor]
        finally:
            await db.close()

    parts = [message["text"] for message in emu.messages_to(USERS[0])]
    assert len(parts) == 2
    assert "\n".join(parts) == long_text
    assert emu.refused == [(str(USERS[0]), 429)]
    assert row["sent_at"] is not None
    assert row["attempts"] == 0
