"""The web chat's HTTP side: each pane acts as its person, and only as that person.

The bot here is python-telegram-bot's own `Bot`, so what a pane sends is checked to arrive as
updates PTB parses, and what the bot sends is checked to show up in the pane.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from localapi import BotApiEmulator, Person
from localapi.webchat import PHONE, PLACE

TOKEN = "7000002:webchat-test-token-000000"
CITIZEN = Person(3100001, "Hoàng Thị Mai", "Người dân")
OFFICER = Person(3100002, "Lê Văn Cường", "Công chức")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        emulator.add_people([CITIZEN, OFFICER])
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    base = emu.base_url
    async with Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot") as telegram:
        yield telegram


@pytest.fixture
async def web(emu: BotApiEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(emu.base_url) as session:
        yield session


async def _chat(web: aiohttp.ClientSession, person: Person) -> dict[str, object]:
    async with web.get(f"/chat/{person.user_id}") as response:
        assert response.status == 200
        chat: dict[str, object] = await response.json()
        return chat


async def test_the_page_and_its_people_are_served(web: aiohttp.ClientSession) -> None:
    async with web.get("/") as page:
        assert page.status == 200
        assert 'lang="vi"' in await page.text()
    for name in ("chat.js", "chat.css"):
        async with web.get(f"/chat/static/{name}") as asset:
            assert asset.status == 200
    async with web.get("/chat/static/..%2Fserver.py") as escape:
        assert escape.status == 404
    async with web.get("/chat/people") as people:
        assert await people.json() == [
            {
                "user_id": 3100001,
                "name": "Hoàng Thị Mai",
                "role": "Người dân",
                "channel": "telegram",
            },
            {
                "user_id": 3100002,
                "name": "Lê Văn Cường",
                "role": "Công chức",
                "channel": "telegram",
            },
        ]


async def test_the_page_comes_with_its_panes_the_first_one_shown(
    emu: BotApiEmulator, web: aiohttp.ClientSession
) -> None:
    """A phone shows one pane at a time: the first must be there before any script runs, not a
    blank page until chat.js has asked who the people are."""
    emu.add_people([Person(3100003, "<b>Bà Tư</b> & con", "Người dân")])
    async with web.get("/") as response:
        page = await response.text()
    panes = re.findall(r'<section class="([^"]*)" data-user="([^"]+)"', page)
    assert panes == [("pane active", "3100001"), ("pane", "3100002"), ("pane", "3100003")]
    tabs = re.findall(r'<button type="button" class="([^"]*)" data-user="([^"]+)">', page)
    assert tabs == [("active", "3100001"), ("", "3100002"), ("", "3100003")]
    assert '<strong class="name">Hoàng Thị Mai</strong>' in page
    assert '<small class="role">Công chức</small>' in page
    assert "&lt;b&gt;Bà Tư&lt;/b&gt; &amp; con" in page
    assert "<b>Bà Tư</b>" not in page


async def test_the_bot_may_write_to_the_people_before_they_write(bot: Bot) -> None:
    sent = await bot.send_message(OFFICER.user_id, "Hồ sơ mới")
    assert sent.chat.first_name == "Lê Văn Cường"


async def test_text_buttons_and_callbacks_become_updates(
    emu: BotApiEmulator, bot: Bot, web: aiohttp.ClientSession
) -> None:
    async with web.post(f"/chat/{CITIZEN.user_id}/text", json={"text": "/start"}) as response:
        assert response.status == 200
    (start,) = await bot.get_updates()
    assert start.message is not None
    assert start.message.text == "/start"
    assert start.message.from_user is not None
    assert start.message.from_user.first_name == CITIZEN.name
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Đồng ý", callback_data="consent")]])
    card = await bot.send_message(CITIZEN.user_id, "Xin đồng ý", reply_markup=markup)
    chat = await _chat(web, CITIZEN)
    assert [m["mine"] for m in chat["messages"]] == [True, False]  # type: ignore[index]
    press = {"message_id": card.message_id, "data": "consent"}
    async with web.post(f"/chat/{CITIZEN.user_id}/press", json=press) as response:
        assert response.status == 200
    forged = {"message_id": card.message_id, "data": "admin"}
    async with web.post(f"/chat/{CITIZEN.user_id}/press", json=forged) as response:
        assert response.status == 409
    (query,) = await bot.get_updates(offset=start.update_id + 1)
    assert query.callback_query is not None
    assert query.callback_query.data == "consent"
    assert emu.unanswered_callback_queries == [query.callback_query.id]


async def test_reply_keyboard_buttons_send_text_location_or_contact(
    bot: Bot, web: aiohttp.ClientSession
) -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("📍 Gửi vị trí", request_location=True)], ["Bỏ qua"]]
    )
    await bot.send_message(CITIZEN.user_id, "Ở đâu?", reply_markup=keyboard)
    chat = await _chat(web, CITIZEN)
    assert chat["keyboard"] == keyboard.to_dict()
    for label in ("📍 Gửi vị trí", "Bỏ qua", "Không có nút này"):
        async with web.post(f"/chat/{CITIZEN.user_id}/button", json={"text": label}) as response:
            assert response.status == (409 if label == "Không có nút này" else 200)
    located, skipped = await bot.get_updates()
    assert located.message is not None
    assert located.message.location is not None
    assert (located.message.location.latitude, located.message.location.longitude) == PLACE
    assert skipped.message is not None
    assert skipped.message.text == "Bỏ qua"
    await bot.send_message(
        OFFICER.user_id,
        "Số điện thoại?",
        reply_markup=ReplyKeyboardMarkup([[KeyboardButton("Gửi số", request_contact=True)]]),
    )
    async with web.post(f"/chat/{OFFICER.user_id}/button", json={"text": "Gửi số"}):
        pass
    (shared,) = await bot.get_updates(offset=skipped.update_id + 1)
    assert shared.message is not None
    assert shared.message.contact is not None
    assert shared.message.contact.phone_number == PHONE
    assert shared.message.contact.user_id == OFFICER.user_id


async def test_photos_go_up_and_documents_come_down(bot: Bot, web: aiohttp.ClientSession) -> None:
    form = aiohttp.FormData()
    form.add_field("photo", b"\xff\xd8pane-photo\xff\xd9", filename="a.jpg")
    form.add_field("caption", "Bãi rác")
    async with web.post(f"/chat/{CITIZEN.user_id}/photo", data=form) as response:
        assert response.status == 200
    (update,) = await bot.get_updates()
    assert update.message is not None
    assert update.message.caption == "Bãi rác"
    file = await bot.get_file(update.message.photo[-1].file_id)
    assert await file.download_as_bytearray() == bytearray(b"\xff\xd8pane-photo\xff\xd9")
    sent = await bot.send_document(CITIZEN.user_id, b"a,b\n", filename="bao-cao thang.csv")
    assert sent.document is not None
    async with web.get(f"/chat/file/{sent.document.file_id}") as download:
        assert await download.read() == b"a,b\n"
        assert "filename*=UTF-8''bao-cao%20thang.csv" in download.headers["Content-Disposition"]


async def test_only_the_pages_people_can_be_played(web: aiohttp.ClientSession) -> None:
    async with web.post("/chat/999/text", json={"text": "/start"}) as response:
        assert response.status == 404
    async with web.post(f"/chat/{CITIZEN.user_id}/text", json={"text": "  "}) as response:
        assert response.status == 400
    async with web.post(f"/chat/{CITIZEN.user_id}/text", data="not json") as response:
        assert response.status == 400
    async with web.get("/chat/file/nope") as response:
        assert response.status == 404


async def test_the_event_stream_names_each_chat_that_changed(
    bot: Bot, web: aiohttp.ClientSession
) -> None:
    async with web.get("/chat/events") as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        await bot.send_message(OFFICER.user_id, "Hồ sơ mới")
        line = await asyncio.wait_for(stream.content.readline(), 10)
        assert line == f"data: {OFFICER.user_id}\n".encode()
