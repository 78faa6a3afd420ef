"""kill -9 aimed at the moment between the outbox's send and its mark, with the real process.

The emulator holds its answer to one chosen sendMessage (a case's result to the citizen, the
officer's new-case card, an announcement to a reader) until the test has killed the bot: the
bot has handed the message over and not yet heard back, so the row is still in flight. A seeded
choice says whether the held message reached the phone first (the answer was lost on the way
back) or not (the request was cut off). After the restart:

* a notice someone waits for arrives at least once: exactly once if the cut-off one never
  arrived, twice (the same text, the same buttons) if it had;
* an announcement arrives at most once: the cut-off one is not sent again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from localapi import JSON, ApiError, BotApiEmulator
from tests.conftest import TOKEN
from tests.e2e.harness import handled, press, shown_log
from tests.e2e.test_announcement_process import without_quiet_hours
from tests.e2e.test_kill_process import CHAIRMAN, ECONOMY, Crashing, filing_steps, play
from tests.e2e.test_zalo_process import rows

SEED = 23_2028  # each kind of notice is cut off both before and after it arrived
CITIZENS = (737101, 737102, 737103, 737104, 737105)
READERS = (737201, 737202, 737203)
ANNOUNCEMENTS = 2
RESULT = "đã được giải quyết"
CARD_WORDS = "người gửi "  # the case's content on its card, as filing_steps writes it
ANNOUNCEMENT = "Thông báo số"
UNSETTLED = "SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"


@dataclass
class Hold:
    """The next sendMessage to `chat` whose text holds `words` gets no answer until released;
    `arrives`: the message reaches the phone before that."""

    chat: int
    words: str
    arrives: bool
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def wants(self, params: JSON) -> bool:
        return str(params.get("chat_id")) == str(self.chat) and self.words in str(
            params.get("text", "")
        )


class HoldingEmulator(BotApiEmulator):
    """The emulator, holding back the answer to one chosen send."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hold: Hold | None = None

    async def _api_send_message(self, params: JSON) -> JSON:
        hold = self.hold
        if hold is None or not hold.wants(params):
            return await super()._api_send_message(params)
        self.hold = None
        result = await super()._api_send_message(params) if hold.arrives else None
        hold.reached.set()
        await hold.released.wait()
        if result is None:
            raise ApiError(502, "Bad Gateway")  # nobody is listening any more
        return result


@pytest.fixture
async def emulator() -> AsyncIterator[HoldingEmulator]:
    emu = HoldingEmulator(token=TOKEN)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


class Aimed(Crashing):
    """People acting on the bot, which is killed while the emulator holds a chosen send."""

    def __init__(self, emu: HoldingEmulator, config_file: Path, log: Path, seed: int) -> None:
        super().__init__(emu, config_file, log, seed)
        self.holding = emu
        self.held: list[Hold] = []

    def aim(self, chat: int, words: str) -> Hold:
        hold = Hold(chat, words, arrives=self.rng.random() < 0.5)
        self.holding.hold = hold
        self.held.append(hold)
        return hold

    async def kill_when_held(self, hold: Hold, update: dict[str, Any]) -> None:
        """Kill once the bot has handed the message over, then start it again."""
        await asyncio.wait_for(hold.reached.wait(), 20)
        await self.bot.kill()
        self.kills += 1
        hold.released.set()
        await self.bot.start()
        await handled(self.db_path, update["update_id"])
        await self.settled()

    async def settled(self) -> None:
        """Wait until every queued notice is sent or given up."""
        for _ in range(400):
            if not await rows(self.db_path, UNSETTLED):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the outbox never settled: {await self.outbox()}")

    def copies(self, chat: int, words: str) -> list[JSON]:
        return [m for m in self.emu.messages_to(chat) if words in (m.get("text") or "")]


async def test_kill_between_send_and_mark_loses_no_awaited_notice(
    emulator: HoldingEmulator, config_file: Path, tmp_path: Path
) -> None:
    without_quiet_hours(config_file)
    log = tmp_path / "bot.log"
    world = Aimed(emulator, config_file, log, SEED)
    with shown_log(log):
        await world.bot.start()
        await world.says(ECONOMY, "/start")
        await world.says(CHAIRMAN, "/start")
        for reader in READERS:
            await world.says(reader, "/start")
            await world.taps(reader, "Đồng ý")
            await world.says(reader, "bật thông báo")
        for n, citizen in enumerate(CITIZENS, start=1):
            *filing, last = filing_steps(citizen)
            await play(world, filing, set())
            card = world.aim(ECONOMY, f"{CARD_WORDS}{citizen},")
            await world.kill_when_held(card, press(emulator, citizen, last[2]))
            await world.taps(ECONOMY, "Tiếp nhận")
            await world.taps(ECONOMY, "Giải quyết")
            await world.says(ECONOMY, f"Đã thu dọn bãi rác số {n}.")
            result = world.aim(citizen, RESULT)
            await world.kill_when_held(result, press(emulator, ECONOMY, "Gửi kết quả"))
        for n in range(ANNOUNCEMENTS):
            await world.says(CHAIRMAN, "/thongbao")
            await world.says(CHAIRMAN, f"{ANNOUNCEMENT} {n}: lịch thu gom rác tuần này.")
            announcement = world.aim(world.rng.choice(READERS), f"{ANNOUNCEMENT} {n}:")
            await world.kill_when_held(announcement, press(emulator, CHAIRMAN, "Gửi"))
        await world.says(CHAIRMAN, "/start")
        assert await world.bot.stop() == 0

    assert world.kills == len(world.held) == 2 * len(CITIZENS) + ANNOUNCEMENTS
    for hold in world.held:
        got = world.copies(hold.chat, hold.words)
        if hold.words == RESULT:
            buttons = [m["reply_markup"]["inline_keyboard"] for m in got]
            assert buttons[0], "the rating buttons"
            assert buttons.count(buttons[0]) == len(buttons), "the same buttons"
        if hold.words.startswith(ANNOUNCEMENT):
            assert len(got) == int(hold.arrives), "an announcement at most once"
        else:
            assert len(got) == 1 + hold.arrives, "at least once, twice only if it had arrived"
            assert len({m["text"] for m in got}) == 1, "the same text"
    for citizen in CITIZENS:
        assert world.copies(citizen, RESULT), f"{citizen} learned their case was resolved"
    for n in range(ANNOUNCEMENTS):
        for reader in READERS:
            assert len(world.copies(reader, f"{ANNOUNCEMENT} {n}:")) <= 1
