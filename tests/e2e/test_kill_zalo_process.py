"""kill -9 while Zalo citizens file cases, with the real process and the Zalo API emulator.

Each seeded run kills the bot with SIGKILL a few milliseconds after some of the citizens'
messages, starts it again, and has Zalo re-deliver that message (as the platform retries one
it handed over, and as an event handed over just before the kill is otherwise gone). Then an
officer on Telegram accepts every case, so that notices go out through the outbox to the Zalo
chats, and the bot is killed once more while those notices go out. Afterwards: every case a
citizen was given a code for exists once, the codes have no gaps, every re-delivered message
was handled once, and no Zalo chat got a notice twice.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import ZALO_TOKEN_ENV
from bot.services.outbox import INTERRUPTED
from localapi import BotApiEmulator
from localapi.zalo import ZaloApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log, zalo_handled
from tests.e2e.test_kill_process import _asked, case_codes, codes_in
from tests.e2e.test_zalo_process import ZALO_TOKEN, rows, with_zalo

SEEDS = (3_2026, 4_2026, 5_2026, 6_2026, 7_2026)
KILLS = 3  # per run
ECONOMY = 100000003
CITIZENS = ("zk-101", "zk-102", "zk-103")


@pytest.fixture
async def zalo_emulator() -> AsyncIterator[ZaloApiEmulator]:
    async with ZaloApiEmulator(token=ZALO_TOKEN) as emu:
        yield emu


def filing(user: str) -> list[str]:
    """A case filed by typed words (a list of numbered choices cut short by a kill may never
    have arrived, and words are understood at every step)."""
    return [
        "/start",
        "Đồng ý",
        "/guidon",
        "Phản ánh",
        "Môi trường",
        f"Rác đổ trộm ở bờ kênh, người gửi {user}, đề nghị xã xử lý.",
        "Không có ảnh",
        "bỏ qua",
        "Không cần",
        "Gửi",
    ]


class Crashing:
    def __init__(
        self, zalo: ZaloApiEmulator, config_file: Path, log: Path, rng: random.Random
    ) -> None:
        self.zalo = zalo
        self.db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
        self.bot = BotProcess(config_file, log, environ={ZALO_TOKEN_ENV: ZALO_TOKEN})
        self.rng = rng
        self.kills = 0

    async def kill_soon(self) -> None:
        await asyncio.sleep(self.rng.uniform(0, 0.15))
        await self.bot.kill()
        self.kills += 1
        await self.bot.start()

    async def says(self, user: str, text: str, kill: bool) -> None:
        seen = len(self.zalo.sent_to(user))
        message_id = self.zalo.user_sends_text(user, text)
        if kill:
            await self.kill_soon()
            assert self.zalo.redeliver_last(user) == message_id
        await zalo_handled(self.db_path, f"message.text.received:{message_id}")
        assert self.zalo.sent_to(user)[seen:], f"{user} got no answer to {text!r}"

    def texts(self, user: str) -> list[str]:
        return [sent.text or sent.caption for sent in self.zalo.sent_to(user)]

    async def settled(self) -> None:
        for _ in range(400):
            queued = await rows(self.db_path, "SELECT sent_at, last_error FROM outbox")
            if all(sent or error == INTERRUPTED for sent, error in queued):
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the outbox never emptied")


@pytest.mark.parametrize("seed", SEEDS)
async def test_kill_while_zalo_citizens_file_loses_nothing_and_repeats_nothing(
    seed: int,
    emulator: BotApiEmulator,
    zalo_emulator: ZaloApiEmulator,
    config_file: Path,
    tmp_path: Path,
) -> None:
    with_zalo(config_file, zalo_emulator)
    log = tmp_path / "bot.log"
    rng = random.Random(seed)
    world = Crashing(zalo_emulator, config_file, log, rng)
    steps = [(user, text) for user in CITIZENS for text in filing(user)]
    kills = set(rng.sample(range(len(steps)), KILLS))
    officer = Phone(emulator, world.db_path, ECONOMY)
    with shown_log(log):
        await world.bot.start()
        await officer.says("/start")
        for n, (user, text) in enumerate(steps):
            await world.says(user, text, n in kills)
        confirmed = [code for user in CITIZENS for code in codes_in(world.texts(user))]
        killed_at = rng.randrange(len(confirmed))
        for n, code in enumerate(confirmed):
            await officer.says(f"/hoso {code}")
            await officer.taps("Tiếp nhận", on=code)
            if n == killed_at:
                await world.kill_soon()
        await world.settled()
        await officer.says("/start")
        assert await world.bot.stop() == 0
    assert world.kills == KILLS + 1

    stored = await case_codes(world.db_path)
    assert sorted(confirmed) == stored, "every confirmed case exists, once"
    assert stored == [f"SN-{stored[0][3:7]}-{n:05d}" for n in range(1, len(CITIZENS) + 1)]
    handled = await rows(
        world.db_path,
        "SELECT i.event_key, count(*) FROM inbox i JOIN processed_updates p "
        "ON p.channel = i.channel AND p.update_id = i.id GROUP BY i.event_key",
    )
    assert len(handled) == len(steps), "every message, re-delivered or not, is one update"
    assert all(n == 1 for _, n in handled)
    for user in CITIZENS:
        repeated = {
            text: n for text, n in Counter(world.texts(user)).items() if n > 1 and not _asked(text)
        }
        assert not repeated, f"{user} got twice: {repeated}"
    # Each acceptance notice reached its Zalo chat at least once (the citizen waits for it);
    # twice only if a kill cut its send short and it was sent again.
    sent_again = await rows(
        world.db_path,
        "SELECT recipient FROM outbox WHERE attempts > 0 AND payload LIKE '%đã được thụ lý%'",
    )
    for user in CITIZENS:
        accepted = sum("đã được thụ lý" in text for text in world.texts(user))
        assert 1 <= accepted <= 1 + ((user,) in sent_again), (user, accepted)
