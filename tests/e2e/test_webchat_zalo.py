"""The web chat's Zalo panes: a person plays a Zalo citizen on the same page as the Telegram
panes. What the pane sends arrives at the Zalo API emulator as events the bot polls; what the
bot sends there shows up in the pane, announced on the page's one event stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from localapi import BotApiEmulator, Person
from localapi.zalo import ZaloApiEmulator

TOKEN = "7000003:webchat-zalo-test-token"
ZALO_TOKEN = "456:zalo-webchat"
OFFICER = Person(3100002, "Lê Văn Cường", "Công chức")
ZALO_CITIZEN = Person("zu4c1d9e", "Trần Văn Bình", "Người dân (Zalo)", channel="zalo")
PANE = f"/chat/zalo/{ZALO_CITIZEN.user_id}"


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloApiEmulator]:
    async with ZaloApiEmulator(token=ZALO_TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def emu(zalo: ZaloApiEmulator) -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        emulator.add_people([OFFICER])
        emulator.add_zalo_people(zalo, [ZALO_CITIZEN])
        yield emulator


@pytest.fixture
async def web(emu: BotApiEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(emu.base_url) as session:
        yield session


async def zalo_call(zalo: ZaloApiEmulator, method: str, **params: Any) -> dict[str, Any]:
    url = f"{zalo.base_url}/bot{ZALO_TOKEN}/{method}"
    async with aiohttp.ClientSession() as session, session.post(url, json=params) as response:
        body: dict[str, Any] = await response.json()
        return body


async def test_the_zalo_pane_is_listed_with_its_channel(web: aiohttp.ClientSession) -> None:
    async with web.get("/chat/people") as people:
        assert (await people.json())[-1] == {
            "user_id": "zu4c1d9e",
            "name": "Trần Văn Bình",
            "role": "Người dân (Zalo)",
            "channel": "zalo",
        }


async def test_the_bot_may_write_to_the_zalo_pane_before_it_writes(
    emu: BotApiEmulator, zalo: ZaloApiEmulator
) -> None:
    sent = await zalo_call(zalo, "sendMessage", chat_id=ZALO_CITIZEN.user_id, text="Chào ông")
    assert sent["ok"] is True


async def test_texts_and_photos_become_zalo_events_and_both_sides_show(
    zalo: ZaloApiEmulator, web: aiohttp.ClientSession
) -> None:
    async with web.post(f"{PANE}/text", json={"text": "/start"}) as response:
        assert response.status == 200
    form = aiohttp.FormData()
    form.add_field("photo", b"\xff\xd8zalo-pane\xff\xd9", filename="a.jpg")
    form.add_field("caption", "Cống tắc")
    async with web.post(f"{PANE}/photo", data=form) as response:
        assert response.status == 200

    text = (await zalo_call(zalo, "getUpdates", timeout="1"))["result"]
    assert text["event_name"] == "message.text.received"
    assert text["message"]["text"] == "/start"
    assert text["message"]["from"]["display_name"] == "Trần Văn Bình"
    image = (await zalo_call(zalo, "getUpdates", timeout="1"))["result"]
    assert image["event_name"] == "message.image.received"
    assert image["message"]["caption"] == "Cống tắc"
    async with aiohttp.ClientSession() as session, session.get(image["message"]["photo"]) as got:
        assert await got.read() == b"\xff\xd8zalo-pane\xff\xd9"

    await zalo_call(zalo, "sendMessage", chat_id=ZALO_CITIZEN.user_id, text="1. Phản ánh")
    async with web.get(PANE) as response:
        chat = await response.json()
    assert chat["keyboard"] is None
    assert chat["messages"] == [
        {"message_id": text["message"]["message_id"], "mine": True, "text": "/start"},
        {
            "message_id": image["message"]["message_id"],
            "mine": True,
            "caption": "Cống tắc",
            "photo_url": image["message"]["photo"],
        },
        {"message_id": chat["messages"][2]["message_id"], "mine": False, "text": "1. Phản ánh"},
    ]


async def test_only_the_pages_zalo_people_can_be_played(web: aiohttp.ClientSession) -> None:
    async with web.post("/chat/zalo/zu-stranger/text", json={"text": "hi"}) as response:
        assert response.status == 404
    async with web.get(f"/chat/zalo/{OFFICER.user_id}") as response:
        assert response.status == 404  # a Telegram person is no Zalo pane
    async with web.get(f"/chat/{OFFICER.user_id}") as response:
        assert response.status == 200
    async with web.post(f"{PANE}/text", json={"text": " "}) as response:
        assert response.status == 400
    async with web.post(f"{PANE}/photo", data={"caption": "no photo"}) as response:
        assert response.status == 400


async def test_the_event_stream_names_zalo_chats_with_their_prefix(
    zalo: ZaloApiEmulator, web: aiohttp.ClientSession
) -> None:
    async with web.get("/chat/events") as stream:
        await zalo_call(zalo, "sendMessage", chat_id=ZALO_CITIZEN.user_id, text="Đã nhận")
        line = await asyncio.wait_for(stream.content.readline(), 10)
        assert line == b"data: zalo:zu4c1d9e\n"
        async with web.post(f"/chat/{OFFICER.user_id}/text", json={"text": "/start"}):
            pass
        async with web.post(f"{PANE}/text", json={"text": "2"}):
            pass
        lines = {await asyncio.wait_for(stream.content.readline(), 10) for _ in range(4)}
        assert lines == {b"\n", f"data: {OFFICER.user_id}\n".encode(), b"data: zalo:zu4c1d9e\n"}
