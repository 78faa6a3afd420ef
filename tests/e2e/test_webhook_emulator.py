"""Contract tests: the emulator posts updates as Telegram does to a webhook behind a load
balancer (localapi.webhooks), and tells apart the processes that call it (localapi.calls)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from localapi import BotApiEmulator
from localapi.serving import serve
from localapi.webhooks import SECRET_HEADER

TOKEN = "7000002:webhook-contract-token"
SECRET = "contract-secret"
Answer = Callable[[web.Request], Awaitable[web.Response]]


class Process:
    """A stand-in for a bot process behind the load balancer: notes what it was posted."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.got: list[tuple[int, int, str]] = []  # (update id, chat id, secret header)
        self.url = ""
        self._answer = answer
        self._runner: web.AppRunner | None = None

    async def _take(self, request: web.Request) -> web.Response:
        update = await request.json()
        chat = update["message"]["chat"]["id"]
        self.got.append((update["update_id"], chat, request.headers.get(SECRET_HEADER, "")))
        return await self._answer(request) if self._answer else web.Response()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._take)
        self._runner, port = await serve(app, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{port}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def set_webhook(emu: BotApiEmulator) -> None:
    """As the bot does at start: the public address (nginx's) and the secret."""
    async with Bot(TOKEN, base_url=f"{emu.base_url}/bot") as bot:
        await bot.set_webhook("https://xa.example/hook", secret_token=SECRET)


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        await set_webhook(emulator)
        yield emulator


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/hook"


async def confirmed(emu: BotApiEmulator) -> None:
    await emu.wait_until_confirmed(timeout=5)


async def test_posts_go_round_robin_with_the_secret_one_chat_in_order() -> None:
    processes = [Process(), Process(), Process()]
    async with BotApiEmulator(token=TOKEN) as emu:
        for process in processes:
            await process.start()
        emu.post_updates([p.url for p in processes])
        sent = [emu.user_sends_text(7001, f"tin {n}")["update_id"] for n in range(6)]
        await asyncio.sleep(0.2)
        assert all(p.got == [] for p in processes), "no webhook set, nothing posted"
        await set_webhook(emu)
        await confirmed(emu)
        for process in processes:
            await process.stop()
    assert [len(p.got) for p in processes] == [2, 2, 2]
    assert emu.poster is not None
    got = sorted((post.started, post.update_id) for post in emu.poster.posts)
    assert [update_id for _, update_id in got] == sent, "one chat: one at a time, in order"
    assert {secret for p in processes for _, _, secret in p.got} == {SECRET}


async def test_a_refused_or_timed_out_post_goes_to_the_next_process(emu: BotApiEmulator) -> None:
    async def too_slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.Response()

    slow, good = Process(too_slow), Process()
    await slow.start()
    await good.start()
    dead = closed_port()
    poster = emu.post_updates([dead, slow.url, good.url], timeout=0.5, retry_after=0.05)
    update = emu.user_sends_text(7002, "xin chào")
    await confirmed(emu)
    await slow.stop()
    await good.stop()
    posts = poster.posts_of(update["update_id"])
    assert [(p.target, p.status) for p in posts] == [
        (dead, None),
        (slow.url, None),
        (good.url, 200),
    ]
    assert [u for u, _, _ in slow.got] == [u for u, _, _ in good.got] == [update["update_id"]]


async def test_a_failed_post_is_posted_again_until_answered(emu: BotApiEmulator) -> None:
    answers = iter((500, 502, 200))

    async def flaky(request: web.Request) -> web.Response:
        return web.Response(status=next(answers))

    process = Process(flaky)
    await process.start()
    poster = emu.post_updates([process.url], retry_after=0.05)
    update = emu.user_sends_text(7003, "xin chào")
    await confirmed(emu)
    await process.stop()
    assert [p.status for p in poster.posts_of(update["update_id"])] == [500, 502, 200]


async def test_calls_name_their_process_and_a_second_poller_meets_a_conflict() -> None:
    async with BotApiEmulator(token=TOKEN) as emu:
        first = Bot(TOKEN, base_url=f"{emu.base_url_as('p1')}/bot")
        second = Bot(TOKEN, base_url=f"{emu.base_url_as('p2')}/bot")
        async with first, second:
            older = asyncio.create_task(first.get_updates(timeout=5))
            await asyncio.sleep(0.1)
            assert await second.get_updates(timeout=0) == ()
            with pytest.raises(Conflict):
                await older
    polls = [(c.caller, c.status) for c in emu.call_log if c.method == "getUpdates"]
    assert polls == [("p1", 409), ("p2", 200)]
    assert {c.caller for c in emu.call_log if c.method == "getMe"} == {"p1", "p2"}
