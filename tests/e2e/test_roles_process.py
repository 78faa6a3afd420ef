"""Two bots on one PostgreSQL database and the Bot API emulator: only the holder of the poller
role polls and only the holder of the scheduler role runs the periodic jobs; when the holder dies
without a word (its serve cancelled: no release, as kill -9) the other takes the role over and
people are answered again. Both serve() loops run in this process; what they do is read from
their /healthz and from the emulator."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import aiohttp
import pytest

from bot.config import Config
from handlers.wiring.serving import serve
from localapi import BotApiEmulator
from tests.conftest import POSTGRESQL_ONLY
from tests.handlers.test_monitoring import free_port

CITIZEN = 7_900_001
POLLER, SCHEDULER = "telegram-poller", "scheduler"
WAIT = 30.0  # seconds; a takeover is designed to take under 10 (bot.domain.leases)


async def health(port: int) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}/healthz"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        body: dict[str, Any] = await response.json()
        return body


async def roles_of(ports: dict[str, int]) -> dict[str, dict[str, Any]]:
    return {name: await health(port) for name, port in ports.items()}


async def settled(ports: dict[str, int]) -> dict[str, dict[str, Any]]:
    """The bots' health once both roles have a holder: each role is taken on its own, so one
    may move a moment before the other."""
    deadline = time.monotonic() + WAIT
    while True:
        seen = {}
        with contextlib.suppress(aiohttp.ClientError):
            seen = await roles_of(ports)
        held = {role for body in seen.values() for role in body["roles"]}
        if len(seen) == len(ports) and held >= {POLLER, SCHEDULER}:
            return seen
        assert time.monotonic() < deadline, seen
        await asyncio.sleep(0.1)


async def answered(emu: BotApiEmulator, text: str) -> None:
    seen = len(emu.messages_to(CITIZEN))
    emu.user_sends_text(CITIZEN, text)
    await answer(emu, seen, text)


async def answer(emu: BotApiEmulator, seen: int, text: str) -> None:
    deadline = time.monotonic() + WAIT
    while len(emu.messages_to(CITIZEN)) == seen:
        assert time.monotonic() < deadline, f"{text!r} not answered"
        await asyncio.sleep(0.05)


@pytest.mark.slow
@POSTGRESQL_ONLY
async def test_one_bot_polls_and_schedules_and_the_other_takes_over_when_it_dies(
    config: Config, emulator: BotApiEmulator
) -> None:
    ports = {"xa-a": free_port(), "xa-b": free_port()}
    bots: dict[str, asyncio.Task[None]] = {}
    stop = asyncio.Event()
    for instance, port in ports.items():
        own = config.model_copy(
            update={
                "telegram": config.telegram.model_copy(update={"base_url": emulator.base_url}),
                "monitoring": config.monitoring.model_copy(update={"enabled": True, "port": port}),
            }
        )
        bots[instance] = asyncio.create_task(serve(own, stop, instance=instance))
        await asyncio.sleep(0.5)  # xa-a first, so it is the one that wins
    try:
        await settled(ports)
        await answered(emulator, "/start")
        seen = await roles_of(ports)
        for role in (POLLER, SCHEDULER):
            assert [name for name, body in seen.items() if role in body["roles"]] == ["xa-a"]
        assert seen["xa-a"]["last_poll_age_seconds"] is not None
        assert seen["xa-b"]["last_poll_age_seconds"] is None  # the standby never polled

        killed_at = time.monotonic()
        bots["xa-a"].cancel()
        with contextlib.suppress(BaseException):
            await bots["xa-a"]
        del ports["xa-a"]
        seen_before = len(emulator.messages_to(CITIZEN))
        emulator.user_sends_text(CITIZEN, "/start")  # sent while nobody polls
        seen = await settled(ports)
        moved = time.monotonic() - killed_at
        await answer(emulator, seen_before, "/start")
        served = time.monotonic() - killed_at
        print(f"roles moved {moved:.1f} s, answered {served:.1f} s after the kill")  # noqa: T201
        assert set(seen["xa-b"]["roles"]) >= {POLLER, SCHEDULER}
        assert seen["xa-b"]["roles"][POLLER]["generation"] == 2
    finally:
        stop.set()
        for task in bots.values():
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 30)
