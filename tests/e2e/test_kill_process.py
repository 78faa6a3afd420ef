"""kill -9 at random moments of filing, resolving and broadcasting, with the real process.

Each test kills the bot with SIGKILL a few milliseconds after a seeded random choice of the
updates people send (or while an announcement goes out), starts it again and lets everyone
carry on. Afterwards: every case a citizen was given a code for exists once, the codes have no
gaps, and no notice reached anyone twice unless it was sent again on purpose. A notice being
handed to Telegram at the very moment of a kill may have arrived: one someone waits for (a
case's notices, the officer's card) is sent again, so it may show twice, and its row's attempts
say so; an announcement is not repeated but recorded as interrupted, so it either arrived
exactly once or is on record as interrupted. test_delivery_kill_process aims kills at that
moment.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite

from bot.services.outbox import INTERRUPTED
from bot.texts import t
from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, changed, handled, press, shown, shown_log
from tests.e2e.test_announcement_process import without_quiet_hours

SEED = 6_2026
KILLS = 7  # per test: three tests, 21 kills
CHAIRMAN = 100000001
ECONOMY = 100000003
CITIZENS = (717101, 717102, 717103, 717104)
BYSTANDER = 717199  # says /start to see that the bot is up


class Crashing:
    """People acting on the bot, which is killed after some of their actions and restarted."""

    def __init__(self, emu: BotApiEmulator, config_file: Path, log: Path, seed: int) -> None:
        self.emu = emu
        self.db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
        self.bot = BotProcess(config_file, log)
        self.rng = random.Random(seed)
        self.kills = 0

    async def kill_soon(self, seconds: float = 0.15) -> None:
        """SIGKILL within the next `seconds`, wherever the bot is, then start it again."""
        await asyncio.sleep(self.rng.uniform(0, seconds))
        await self.bot.kill()
        self.kills += 1
        await self.bot.start()

    async def act(self, user: int, do: Callable[[], dict[str, Any]], kill: bool) -> str:
        before = shown(self.emu, user)
        update = do()
        if kill:
            await self.kill_soon()
        await handled(self.db_path, update["update_id"])
        new = changed(self.emu, user, before)
        assert new, f"{user} got no answer"
        return "\n".join(m.get("text") or m.get("caption", "") for m in new)

    async def says(self, user: int, text: str, kill: bool = False) -> str:
        return await self.act(user, lambda: self.emu.user_sends_text(user, text), kill)

    async def taps(self, user: int, label: str, kill: bool = False) -> str:
        return await self.act(user, lambda: press(self.emu, user, label), kill)

    async def stop(self) -> int:
        """Stop with SIGTERM once the bot is up (before, the signal kills it outright)."""
        await self.says(BYSTANDER, "/start")
        return await self.bot.stop()

    def kill_points(self, steps: int) -> set[int]:
        return set(self.rng.sample(range(steps), KILLS))

    async def outbox(self) -> list[tuple[str, str, str | None, str | None]]:
        """(recipient, dedupe key, sent_at, last_error) of every queued notice."""
        async with (
            aiosqlite.connect(self.db_path) as conn,
            conn.execute(
                "SELECT recipient, dedupe_key, sent_at, last_error FROM outbox ORDER BY id"
            ) as cursor,
        ):
            return [tuple(row) async for row in cursor]  # type: ignore[misc]

    async def settled(self) -> None:
        """Wait until the outbox has nothing left to send."""
        for _ in range(400):
            rows = await self.outbox()
            if all(sent or error == INTERRUPTED for _, _, sent, error in rows):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the outbox never emptied: {await self.outbox()}")

    async def resent(self) -> set[str]:
        """The texts of notices tried more than once (sent again after a kill cut a send short,
        being awaited): these alone may show twice."""
        async with (
            aiosqlite.connect(self.db_path) as conn,
            conn.execute(
                "SELECT payload FROM outbox WHERE attempts > 0 AND sent_at IS NOT NULL"
            ) as cursor,
        ):
            return {json.loads(row[0])["text"] async for row in cursor}

    def texts(self, user: int) -> list[str]:
        return [m.get("text") or m.get("caption", "") for m in self.emu.messages_to(user)]


def filing_steps(user: int) -> list[tuple[int, str, str]]:
    return [
        (user, "say", "/start"),
        (user, "tap", "Đồng ý"),
        (user, "tap", "Gửi phản ánh"),
        (user, "tap", "Phản ánh"),
        (user, "tap", "Môi trường"),
        (user, "say", f"Rác đổ trộm ở bờ kênh, người gửi {user}, đề nghị xã xử lý."),
        (user, "tap", "Không có ảnh"),
        (user, "say", "bỏ qua"),
        (user, "tap", "Không cần"),
        (user, "tap", "Gửi"),
    ]


async def play(world: Crashing, steps: list[tuple[int, str, str]], kills: set[int]) -> list[str]:
    answers = []
    for n, (user, verb, what) in enumerate(steps):
        act = world.says if verb == "say" else world.taps
        answers.append(await act(user, what, n in kills))
    return answers


def codes_in(texts: list[str]) -> list[str]:
    """Codes given in a receipt, or in the short answer to a "Gửi" repeated after a kill (the
    receipt itself may not have gone out before it)."""
    found = r"(?:Mã hồ sơ:|đã được gửi, mã hồ sơ) (SN-\d{4}-\d{5})"
    return [code for text in texts for code in re.findall(found, text)]


async def case_codes(db_path: Path) -> list[str]:
    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute("SELECT code FROM tickets ORDER BY id") as cursor,
    ):
        return [str(row[0]) async for row in cursor]


async def notices_once(
    world: Crashing, rows: list[tuple[str, str, str | None, str | None]]
) -> None:
    """No logical notice reached its chat twice but one sent again after a cut-short send;
    each arrived or is on record as interrupted."""
    resent = await world.resent()
    for _, key, sent, error in rows:
        assert sent or error == INTERRUPTED, (key, error)
    for user in {int(r) for r, *_ in rows}:
        counts = Counter(world.texts(user))
        repeated = {
            text: n
            for text, n in counts.items()
            if n > 1 and not _asked(text) and not (n == 2 and text in resent)
        }
        assert not repeated, f"{user} got twice: {repeated}"


def _asked(text: str) -> bool:
    """Replies that a redelivered update may rightly repeat: a question asked again (on Zalo,
    a numbered question ends with the hint on typing a number, a question waiting for words
    with the words for going back or cancelling)."""
    ends = ("?", t("zalo.hint"), t("zalo.nav_hint", words="“quay lại” hoặc “hủy”"))
    return text.endswith(ends) or "không còn dùng được" in text


async def test_kill_while_filing_loses_no_case(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    world = Crashing(emulator, config_file, log, SEED)
    steps = [s for user in CITIZENS for s in filing_steps(user)]
    with shown_log(log):
        await world.bot.start()
        await world.says(ECONOMY, "/start")  # so that Telegram lets the bot write to them
        await play(world, steps, world.kill_points(len(steps)))
        await world.settled()
        assert await world.stop() == 0
    assert world.kills == KILLS
    confirmed = [code for user in CITIZENS for code in codes_in(world.texts(user))]
    stored = await case_codes(world.db_path)
    assert sorted(set(confirmed)) == stored, "every confirmed case exists, once"
    assert stored == [f"SN-{stored[0][3:7]}-{n:05d}" for n in range(1, len(CITIZENS) + 1)]
    resent = await world.resent()
    cards = Counter(
        (code, text in resent)
        for text in world.texts(ECONOMY)
        for code in re.findall(r"Hồ sơ mới (SN-\S+)", text)
    )
    assert all(n == 1 or (again and n == 2) for (_, again), n in cards.items()), cards
    await notices_once(world, await world.outbox())


def resolving_steps(citizen: int, n: int) -> list[tuple[int, str, str]]:
    """An officer's whole handling of one case; the citizen types the answer (a button on a
    notice cut short by a kill might never have arrived)."""
    return [
        (ECONOMY, "tap", "Tiếp nhận"),
        (ECONOMY, "tap", "Yêu cầu bổ sung"),
        (ECONOMY, "say", f"Bãi rác số {n} ở đầu hay cuối bờ kênh?"),
        (citizen, "say", f"Ở cuối bờ kênh, chỗ số {n}."),
        (ECONOMY, "tap", "Giải quyết"),
        (ECONOMY, "say", f"Đã thu dọn bãi rác số {n}."),
        (ECONOMY, "tap", "Gửi kết quả"),
    ]


async def test_kill_while_resolving_acts_once_and_notifies_once(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    world = Crashing(emulator, config_file, log, SEED + 1)
    citizens = CITIZENS[:3]
    work = [resolving_steps(citizen, n) for n, citizen in enumerate(citizens, start=1)]
    kills = world.kill_points(sum(len(steps) for steps in work))
    with shown_log(log):
        await world.bot.start()
        await world.says(ECONOMY, "/start")
        done = 0
        for citizen, steps in zip(citizens, work, strict=True):
            await play(world, filing_steps(citizen), set())
            await world.settled()
            await play(world, steps, {k - done for k in kills if done <= k < done + len(steps)})
            done += len(steps)
        await world.settled()
        assert await world.stop() == 0
    assert world.kills == KILLS
    async with (
        aiosqlite.connect(world.db_path) as conn,
        conn.execute("SELECT ticket_id, action FROM ticket_events ORDER BY id") as cursor,
    ):
        events = [tuple(row) async for row in cursor]
    for ticket in (1, 2, 3):
        assert [a for t, a in events if t == ticket] == [
            "submitted",
            "accept",
            "ask",
            "citizen_reply",
            "resolve",
        ], events
    resent = await world.resent()
    for n, citizen in enumerate(citizens, start=1):
        got = world.texts(citizen)
        for words in ("đã được thụ lý", f"Bãi rác số {n} ở đầu", f"Đã thu dọn bãi rác số {n}"):
            shown = [text for text in got if words in text]
            assert len(shown) <= 1 + bool(set(shown) & resent), (words, got)
    await notices_once(world, await world.outbox())


def slowly(config_file: Path) -> None:
    """Ten a second at any hour: an announcement takes about a second to go out, the time to
    kill it in."""
    without_quiet_hours(config_file)
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("max_per_second = 25", "max_per_second = 10"))


async def test_kill_while_broadcasting_sends_no_one_anything_twice(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    slowly(config_file)
    log = tmp_path / "bot.log"
    world = Crashing(emulator, config_file, log, SEED + 2)
    readers = range(727201, 727211)
    with shown_log(log):
        await world.bot.start()
        await world.says(CHAIRMAN, "/start")
        for reader in readers:
            await world.says(reader, "/start")
            await world.taps(reader, "Đồng ý")
            await world.says(reader, "bật thông báo")
        for n in range(KILLS):
            await world.says(CHAIRMAN, "/thongbao")
            await world.says(CHAIRMAN, f"Thông báo số {n}: lịch thu gom rác tuần này.")
            update = press(emulator, CHAIRMAN, "Gửi")
            await world.kill_soon(seconds=1.2)
            await handled(world.db_path, update["update_id"])
            await world.settled()
        assert await world.stop() == 0
    assert world.kills == KILLS
    rows = await world.outbox()
    await notices_once(world, rows)
    for n in range(KILLS):
        words = f"Thông báo số {n}:"
        reached = [r for r in readers if any(words in text for text in world.texts(r))]
        for reader in reached:
            assert sum(words in text for text in world.texts(reader)) == 1
        interrupted = [r for r, key, _, error in rows if error == INTERRUPTED]
        assert len(reached) + len(interrupted) >= len(readers), (n, reached, interrupted)
