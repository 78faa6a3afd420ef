"""Contract tests of the Zalo Bot Platform emulator, through a plain HTTP client.

Why: the bot's Zalo channel is tested end to end against this emulator, so the emulator must
answer in the platform's documented shapes: string ids, millisecond dates, one event per
getUpdates, 408 after an empty long poll, webhook pushes with the secret header.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from localapi.zalo import ZaloApiEmulator, ZaloSent

TOKEN = "123:zalo-test"
USER = "zu9f3a1c"
OTHER = "zu77be02"
SECRET = "xa-Son-Ninh-zalo-2026"


@pytest.fixture
async def emu() -> AsyncIterator[ZaloApiEmulator]:
    async with ZaloApiEmulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    emu: ZaloApiEmulator,
    method: str,
    token: str = TOKEN,
    **params: Any,
) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{emu.base_url}/bot{token}/{method}", json=params) as response:
        body: dict[str, Any] = await response.json()
        return response.status, body


def now_ms() -> int:
    return int(time.time() * 1000)


class Receiver:
    """The bot's webhook endpoint: records each POST and answers the next queued status."""

    def __init__(self) -> None:
        self.posts: list[tuple[str | None, dict[str, Any]]] = []
        self.statuses: list[int] = []
        self.got = asyncio.Event()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _post(self, request: web.Request) -> web.Response:
        self.posts.append((request.headers.get("X-Bot-Api-Secret-Token"), await request.json()))
        self.got.set()
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/zalo", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/zalo"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def wait_for_posts(self, count: int) -> None:
        async with asyncio.timeout(15):
            while len(self.posts) < count:
                self.got.clear()
                await self.got.wait()


async def test_get_me_unknown_token_and_unknown_method(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, emu, "getMe")
    assert status == 200
    assert body["ok"] is True
    me = body["result"]
    assert isinstance(me["id"], str)
    assert me["account_type"] == "BASIC"
    assert me["can_join_groups"] is False
    assert isinstance(me["account_name"], str)

    status, body = await call(http, emu, "getMe", token="123:wrong")
    assert (status, body["ok"], body["error_code"]) == (401, False, 401)
    assert body["description"]
    status, body = await call(http, emu, "sendSticker", chat_id=USER)
    assert (status, body["ok"], body["error_code"]) == (404, False, 404)


async def test_get_updates_hands_out_one_event_per_call_with_string_ids_and_ms_dates(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    before = now_ms()
    first = emu.user_sends_text(USER, "Xin chào", display_name="Lan")
    second = emu.user_sends_text(OTHER, "Đường hỏng")
    assert isinstance(first, str)
    assert first != second

    status, body = await call(http, emu, "getUpdates", timeout="1")
    assert status == 200
    event = body["result"]
    assert event["event_name"] == "message.text.received"
    message = event["message"]
    assert "update_id" not in event
    assert message["message_id"] == first
    assert message["from"] == {"id": USER, "display_name": "Lan", "is_bot": False}
    assert message["chat"] == {"id": USER, "chat_type": "PRIVATE"}
    assert message["text"] == "Xin chào"
    assert before <= message["date"] <= now_ms()  # milliseconds, not seconds

    _, body = await call(http, emu, "getUpdates", timeout="1")
    assert body["result"]["message"]["message_id"] == second
    assert body["result"]["message"]["from"]["display_name"] == "Người dùng Zalo"
    emu.user_sends_text(USER, "Lan again, no name given")
    _, body = await call(http, emu, "getUpdates", timeout="1")
    assert body["result"]["message"]["from"]["display_name"] == "Lan"
    assert emu.pending == []


async def test_an_empty_long_poll_ends_with_408_and_an_arriving_event_ends_it_at_once(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, emu, "getUpdates", timeout="0")
    assert (status, body["ok"], body["error_code"]) == (408, False, 408)

    waiting = asyncio.create_task(call(http, emu, "getUpdates", timeout="30"))
    await emu.polled.wait()
    await asyncio.sleep(0.05)
    assert not waiting.done()
    sent = emu.user_sends_text(USER, "đang chờ")
    status, body = await asyncio.wait_for(waiting, 10)  # far below the poll's 30 s
    assert status == 200
    assert body["result"]["message"]["message_id"] == sent

    status, body = await call(http, emu, "getUpdates", timeout="soon")
    assert (status, body["error_code"]) == (400, 400)


async def test_image_sticker_and_unsupported_events_and_the_image_download(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu.user_sends_image(USER, b"\xff\xd8anh-o-ga\xff\xd9", caption="ổ gà")
    emu.user_sends_image(USER)
    emu.user_sends_sticker(USER)
    emu.user_sends_unsupported(USER)
    events = [(await call(http, emu, "getUpdates", timeout="1"))[1]["result"] for _ in range(4)]
    assert [e["event_name"] for e in events] == [
        "message.image.received",
        "message.image.received",
        "message.sticker.received",
        "message.unsupported.received",
    ]
    with_caption, plain, sticker, unsupported = (e["message"] for e in events)
    assert with_caption["caption"] == "ổ gà"
    assert "caption" not in plain
    async with http.get(with_caption["photo"]) as response:
        assert response.status == 200
        assert response.content_type == "image/jpeg"
        assert await response.read() == b"\xff\xd8anh-o-ga\xff\xd9"
    async with http.get(plain["photo"]) as response:
        default = await response.read()
    assert default.startswith(b"\xff\xd8")
    assert default.endswith(b"\xff\xd9")
    async with http.get(f"{emu.base_url}/media/missing.jpg") as response:
        assert response.status == 404
    assert isinstance(sticker["sticker"], str)
    assert not {"text", "photo", "sticker"} & set(unsupported)


async def test_send_message_and_photo_are_recorded_and_limits_refused(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu.user_sends_text(USER, "Xin chào")
    before = now_ms()
    status, body = await call(http, emu, "sendMessage", chat_id=USER, text="Chào ông/bà")
    assert status == 200
    result = body["result"]
    assert isinstance(result["message_id"], str)
    assert before <= result["date"] <= now_ms()
    _, body = await call(http, emu, "sendMessage", chat_id=USER, text="x" * 2000)
    assert body["ok"] is True
    photo = "https://example.org/bieu-do.jpg"
    _, body = await call(http, emu, "sendPhoto", chat_id=USER, photo=photo, caption="Báo cáo")
    assert body["ok"] is True
    _, body = await call(http, emu, "sendChatAction", chat_id=USER, action="typing")
    assert body["ok"] is True
    assert emu.chat_actions == [(USER, "typing")]

    refused = [
        ("sendMessage", {"chat_id": USER, "text": "x" * 2001}),
        ("sendMessage", {"chat_id": USER, "text": ""}),
        ("sendMessage", {"chat_id": USER}),
        ("sendMessage", {"chat_id": 123, "text": "id as a number"}),
        ("sendMessage", {"chat_id": "zu-never-wrote", "text": "hello"}),
        ("sendPhoto", {"chat_id": USER, "photo": "not a url"}),
        ("sendChatAction", {"chat_id": USER, "action": "dancing"}),
    ]
    for method, params in refused:
        status, body = await call(http, emu, method, **params)
        assert (status, body["ok"], body["error_code"]) == (400, False, 400), (method, params)
        assert body["description"]

    assert [(s.method, s.text, s.photo, s.caption) for s in emu.sent_to(USER)] == [
        ("sendMessage", "Chào ông/bà", "", ""),
        ("sendMessage", "x" * 2000, "", ""),
        ("sendPhoto", "", photo, "Báo cáo"),
    ]
    assert emu.sent_to(OTHER) == []


async def test_wait_for_returns_each_matching_message_once(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu.user_sends_text(USER, "Xin chào")
    for text in ("Đã nhận phản ánh 1", "Đã nhận phản ánh 2"):
        await call(http, emu, "sendMessage", chat_id=USER, text=text)
    first = await emu.wait_for(USER, "Đã nhận")
    second = await emu.wait_for(USER, "Đã nhận")
    assert isinstance(first, ZaloSent)
    assert (first.text, second.text) == ("Đã nhận phản ánh 1", "Đã nhận phản ánh 2")

    later = asyncio.create_task(emu.wait_for(USER, "Kết quả"))
    await call(http, emu, "sendPhoto", chat_id=USER, photo="https://x.org/a.jpg", caption="Kết quả")
    assert (await later).method == "sendPhoto"
    with pytest.raises(AssertionError, match="Kết quả"):
        await emu.wait_for(USER, "Kết quả", timeout=0.1)


async def test_redeliver_last_repeats_the_same_event(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    sent = emu.user_sends_text(USER, "một lần")
    _, first = await call(http, emu, "getUpdates", timeout="1")
    assert emu.redeliver_last(USER) == sent
    _, again = await call(http, emu, "getUpdates", timeout="1")
    assert again["result"] == first["result"]
    status, _ = await call(http, emu, "getUpdates", timeout="0")
    assert status == 408
    with pytest.raises(LookupError):
        emu.redeliver_last(OTHER)


async def test_webhook_pushes_with_the_secret_and_excludes_polling(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    queued = emu.user_sends_text(USER, "trước khi đặt webhook")
    async with Receiver() as receiver:
        for secret in ("short", "s" * 257):
            status, body = await call(
                http, emu, "setWebhook", url=receiver.url, secret_token=secret
            )
            assert (status, body["error_code"]) == (400, 400)
        status, body = await call(http, emu, "setWebhook", url=receiver.url, secret_token=SECRET)
        assert status == 200
        assert body["result"]["url"] == receiver.url
        _, body = await call(http, emu, "getWebhookInfo")
        assert body["result"]["url"] == receiver.url
        assert body["result"]["updated_at"] <= now_ms()

        status, body = await call(http, emu, "getUpdates", timeout="0")
        assert (status, body["ok"]) == (409, False)

        pushed = emu.user_sends_image(USER, caption="ảnh")
        await receiver.wait_for_posts(2)
        assert [secret for secret, _ in receiver.posts] == [SECRET, SECRET]
        assert [event["message"]["message_id"] for _, event in receiver.posts] == [queued, pushed]
        assert receiver.posts[1][1]["event_name"] == "message.image.received"
        assert "ok" not in receiver.posts[1][1]  # the event itself, not wrapped in ok/result

        status, body = await call(http, emu, "deleteWebhook")
        assert status == 200
        _, body = await call(http, emu, "getWebhookInfo")
        assert body["result"]["url"] == ""
    after = emu.user_sends_text(USER, "sau khi bỏ webhook")
    status, body = await call(http, emu, "getUpdates", timeout="1")
    assert status == 200
    assert body["result"]["message"]["message_id"] == after


async def test_webhook_retries_refused_posts_then_gives_up(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    async with Receiver() as receiver:
        await call(http, emu, "setWebhook", url=receiver.url, secret_token=SECRET)
        receiver.statuses = [500, 503]
        retried = emu.user_sends_text(USER, "lần ba mới được")
        await receiver.wait_for_posts(3)
        assert [e["message"]["message_id"] for _, e in receiver.posts] == [retried] * 3
        assert emu.deliveries_failed == []

        receiver.statuses = [403] * 4
        lost = emu.user_sends_text(USER, "bị từ chối mãi")
        then = emu.user_sends_text(USER, "rồi lại được")
        await receiver.wait_for_posts(8)  # pushed one by one: the lost one was given up first
        assert [e["message"]["message_id"] for _, e in receiver.posts[3:]] == [lost] * 4 + [then]
        assert [e["message"]["message_id"] for e in emu.deliveries_failed] == [lost]


async def test_sends_beyond_the_limit_get_429_with_retry_after(
    emu: ZaloApiEmulator, http: aiohttp.ClientSession
) -> None:
    emu.user_sends_text(USER, "Xin chào")
    emu.limit_per_second(2)
    answers = [
        await call(http, emu, "sendMessage", chat_id=USER, text=f"tin {i}") for i in range(5)
    ]
    refused = [body for status, body in answers if status == 429]
    assert refused
    assert refused[0] == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests",
        "parameters": {"retry_after": 1},
    }
    assert len(emu.sent_to(USER)) == 5 - len(refused)
    emu.limit_per_second(None)
    status, _ = await call(http, emu, "sendMessage", chat_id=USER, text="không giới hạn")
    assert status == 200
