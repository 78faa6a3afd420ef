"""Contract tests: python-telegram-bot itself must accept every answer of the emulator.

Why: end-to-end tests are only as trustworthy as the fake Telegram they run against. Here a
real `telegram.Bot` (and once a whole `telegram.ext.Application`) talks to the emulator over
HTTP, so PTB's own request encoding and `de_json` parsing check the emulator's formats.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from localapi import BotApiEmulator, UploadedFile

TOKEN = "7000001:contract-test-token"
USER = 5550001


def _bot(emu: BotApiEmulator, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{emu.base_url}/bot", base_file_url=f"{emu.base_url}/file/bot")


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with _bot(emu) as telegram_bot:  # initialize() already called getMe
        yield telegram_bot


def _keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.title(), callback_data=d) for d in data]])


async def test_get_me_describes_the_bot_and_a_wrong_token_is_rejected(
    emu: BotApiEmulator, bot: Bot
) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (7000001, True, "nghe_dan_test_bot")
    assert me.first_name == "Nghe Dân"
    with pytest.raises(InvalidToken):  # __aenter__ calls getMe, and shuts down on failure
        async with _bot(emu, "7000001:wrong"):
            pass


async def test_updates_are_confirmed_by_offset_and_limited(emu: BotApiEmulator, bot: Bot) -> None:
    sent = [emu.user_sends_text(USER, text, first_name="Lan") for text in ("/start", "a", "b")]
    ids = [u["update_id"] for u in sent]
    assert ids == sorted(ids)
    assert len(set(ids)) == 3

    first = await bot.get_updates()
    assert [u.update_id for u in first] == ids
    message = first[0].message
    assert message is not None
    assert message.from_user is not None
    assert message.text == "/start"
    assert message.entities[0].type == MessageEntity.BOT_COMMAND
    assert (message.from_user.first_name, message.from_user.is_bot) == ("Lan", False)
    assert message.chat.type == ChatType.PRIVATE
    assert message.chat.id == USER
    assert abs((message.date - dt.datetime.now(dt.UTC)).total_seconds()) < 5
    assert [u.message.message_id for u in first if u.message] == [1, 2, 3]

    assert len(await bot.get_updates()) == 3  # nothing confirmed without an offset
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(offset=ids[1], limit=1)] == [ids[1]]
    assert emu.pending_update_ids == ids[1:]
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    await emu.wait_until_confirmed(timeout=0.5)


async def test_long_poll_returns_early_times_out_empty_and_yields_to_a_newer_poll(
    emu: BotApiEmulator, bot: Bot
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not waiting.done()
    started = asyncio.get_running_loop().time()
    emu.user_sends_text(USER, "xin chào")
    updates = await asyncio.wait_for(waiting, 2)
    assert asyncio.get_running_loop().time() - started < 1
    assert [u.message.text for u in updates if u.message] == ["xin chào"]

    started = asyncio.get_running_loop().time()
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=1) == ()
    assert asyncio.get_running_loop().time() - started >= 0.9

    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with _bot(emu) as second_instance:  # a Bot allows one getUpdates at a time itself
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
        await older


async def test_redelivered_update_arrives_again_with_the_same_id(
    emu: BotApiEmulator, bot: Bot
) -> None:
    update_id = emu.user_sends_text(USER, "một lần")["update_id"]
    assert len(await bot.get_updates()) == 1
    assert await bot.get_updates(offset=update_id + 1) == ()
    emu.redeliver(update_id)
    again = await bot.get_updates(offset=update_id + 1)
    assert [u.update_id for u in again] == [update_id]
    assert await bot.get_updates(offset=update_id + 1) == ()


async def test_inline_keyboard_edits_and_callback_answers(emu: BotApiEmulator, bot: Bot) -> None:
    emu.user_sends_text(USER, "/start")
    sent = await bot.send_message(
        USER, "Chọn <b>một</b>", parse_mode=ParseMode.HTML, reply_markup=_keyboard("yes", "no")
    )
    assert sent.message_id == 2
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    assert sent.text == "Chọn một"
    assert sent.entities[0].type == MessageEntity.BOLD
    assert sent.reply_markup == _keyboard("yes", "no")

    pressed = emu.user_presses(USER, sent.message_id, "yes")
    (update,) = await bot.get_updates(offset=pressed["update_id"])
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    assert (query.data, query.message.message_id, query.from_user.id) == ("yes", 2, USER)
    assert query.chat_instance == pressed["callback_query"]["chat_instance"]
    assert await bot.answer_callback_query(query.id, text="Đã ghi nhận", show_alert=True)
    assert emu.callback_answers[-1]["text"] == "Đã ghi nhận"
    assert emu.callback_answers[-1]["show_alert"] is True
    assert emu.unanswered_callback_queries == []
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)

    edited = await bot.edit_message_text("Cảm ơn!", chat_id=USER, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Cảm ơn!"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # editing text without reply_markup drops the keyboard
    relabelled = await bot.edit_message_reply_markup(
        USER, sent.message_id, reply_markup=_keyboard("ok")
    )
    assert not isinstance(relabelled, bool)
    assert relabelled.reply_markup == _keyboard("ok")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=_keyboard("ok"))
    assert await bot.edit_message_text("x", inline_message_id="AAAA") is True
    [stored] = emu.messages_to(USER)
    assert stored["text"] == "Cảm ơn!"
    assert stored["reply_markup"] == _keyboard("ok").to_dict()
    with pytest.raises(AssertionError, match="no button"):
        emu.user_presses(USER, sent.message_id, "yes")

    assert await bot.delete_message(USER, sent.message_id)
    assert emu.messages_to(USER) == []
    assert emu.deleted == [(USER, sent.message_id)]


async def test_reply_keyboard_contact_request_force_reply_and_removal(
    emu: BotApiEmulator, bot: Bot
) -> None:
    emu.user_sends_text(USER, "/start")
    button = KeyboardButton("Chia sẻ số điện thoại", request_contact=True)
    keyboard = ReplyKeyboardMarkup(
        [[button], ["Bỏ qua"]], resize_keyboard=True, one_time_keyboard=True
    )
    sent = await bot.send_message(USER, "Cho mình xin số nhé", reply_markup=keyboard)
    assert sent.reply_markup is None  # Telegram never echoes reply keyboards
    shown = emu.reply_keyboard_of(USER)
    assert shown is not None
    assert shown["keyboard"][0][0]["request_contact"] is True

    emu.user_taps_reply_button(USER, "Bỏ qua")
    emu.user_sends_contact(USER, "+84901234567", "Lan")
    *_, tapped, shared = await bot.get_updates()
    assert tapped.message is not None
    assert tapped.message.text == "Bỏ qua"
    assert shared.message is not None
    assert shared.message.contact is not None
    assert (shared.message.contact.phone_number, shared.message.contact.user_id) == (
        "+84901234567",
        USER,
    )

    await bot.send_message(USER, "Tên bạn?", reply_markup=ForceReply(input_field_placeholder="Tên"))
    assert emu.reply_keyboard_of(USER) is not None  # ForceReply leaves the keyboard alone
    await bot.send_message(USER, "Xong", reply_markup=ReplyKeyboardRemove())
    assert emu.reply_keyboard_of(USER) is None
    with pytest.raises(AssertionError, match="no reply button"):
        emu.user_taps_reply_button(USER, "Bỏ qua")
    assert [m["text"] for m in emu.messages_to(USER)] == ["Cho mình xin số nhé", "Tên bạn?", "Xong"]


async def test_photos_by_file_id_by_upload_and_download(emu: BotApiEmulator, bot: Bot) -> None:
    emu.user_sends_photo(USER, caption="ổ gà", data=b"\xff\xd8user-photo\xff\xd9")
    (update,) = await bot.get_updates()
    assert update.message is not None
    assert update.message.caption == "ổ gà"
    photo = update.message.photo
    assert [p.width for p in photo] == sorted(p.width for p in photo)
    assert len(photo) == 3
    file = await bot.get_file(photo[-1].file_id)
    assert file.file_size == len(b"\xff\xd8user-photo\xff\xd9")
    assert await file.download_as_bytearray() == bytearray(b"\xff\xd8user-photo\xff\xd9")

    echoed = await bot.send_photo(
        USER, photo[-1].file_id, caption="<i>Đã nhận</i>", parse_mode="HTML"
    )
    assert echoed.photo
    assert echoed.caption == "Đã nhận"
    assert echoed.caption_entities[0].type == MessageEntity.ITALIC
    uploaded = await bot.send_photo(USER, b"\x89PNG-bot-chart", filename="chart.png")
    assert isinstance(emu.calls[-1][1]["photo"], UploadedFile)
    assert emu.file_bytes(uploaded.photo[-1].file_id) == b"\x89PNG-bot-chart"
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(USER, "AgACnot-a-known-file")


async def test_location_contact_document_and_chat_action(emu: BotApiEmulator, bot: Bot) -> None:
    emu.user_sends_location(USER, 21.0285, 105.8542)
    emu.user_sends_sticker(USER)
    emu.user_sends_voice(USER)
    emu.user_sends_document(USER)
    location, sticker, voice, document = await bot.get_updates()
    assert location.message
    assert location.message.location
    assert location.message.location.latitude == pytest.approx(21.0285)
    assert sticker.message
    assert sticker.message.sticker
    assert sticker.message.sticker.emoji
    assert voice.message
    assert voice.message.voice
    assert voice.message.voice.mime_type == "audio/ogg"
    assert document.message
    assert document.message.document
    assert document.message.document.file_name == "tai-lieu.pdf"

    sent = await bot.send_location(USER, 10.7769, 106.7009)
    assert sent.location is not None
    assert sent.location.longitude == pytest.approx(106.7009)
    card = await bot.send_contact(USER, phone_number="1022", first_name="Tổng đài")
    assert card.contact is not None
    assert card.contact.first_name == "Tổng đài"
    doc = await bot.send_document(USER, b"a,b\n1,2\n", filename="bao-cao.csv")
    assert doc.document is not None
    assert doc.document.file_name == "bao-cao.csv"
    assert await bot.send_chat_action(USER, ChatAction.TYPING)
    assert [m["message_id"] for m in emu.messages_to(USER)] == [5, 6, 7]


async def test_commands_are_stored_per_scope_and_menu_button(emu: BotApiEmulator, bot: Bot) -> None:
    scope = BotCommandScopeChat(USER)
    commands = [BotCommand("start", "Bắt đầu"), BotCommand("report", "Báo cáo sự việc")]
    assert await bot.set_my_commands(commands, scope=scope)
    assert await bot.get_my_commands(scope=scope) == tuple(commands)
    assert await bot.get_my_commands() == ()
    assert emu.commands({"type": "chat", "chat_id": USER})[0]["command"] == "start"
    assert await bot.delete_my_commands(scope=scope)
    assert await bot.get_my_commands(scope=scope) == ()
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bắt_đầu", "x")])
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert emu.menu_buttons[None] == {"type": "commands"}
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""


async def test_errors_have_telegram_shape(emu: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(USER, "chưa ai bấm /start")
    emu.user_sends_text(USER, "/start")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "a < b và <x>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, " ")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=99)
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{emu.base_url}/bot{TOKEN}/noSuchMethod") as response,
    ):
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert emu.messages_to(USER) == []


async def test_json_and_query_string_requests_are_understood(emu: BotApiEmulator) -> None:
    emu.user_sends_text(USER, "/start")
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with aiohttp.ClientSession() as http:
        url = f"{emu.base_url}/bot{TOKEN}"
        body = {"chat_id": USER, "text": "json", "reply_markup": markup}
        async with http.post(f"{url}/sendMessage", json=body) as response:
            assert (await response.json())["result"]["reply_markup"] == markup
        async with http.get(
            f"{url}/SENDMESSAGE", params={"chat_id": str(USER), "text": "[1]"}
        ) as response:
            assert (await response.json())["result"]["text"] == "[1]"
    assert [m["text"] for m in emu.messages_to(USER)] == ["json", "[1]"]


async def test_flood_limit_raises_retry_after() -> None:
    async with BotApiEmulator(token=TOKEN, max_per_second=1) as emu, _bot(emu) as bot:
        emu.user_sends_text(USER, "/start")
        await bot.send_message(USER, "một")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "hai")
        assert caught.value.retry_after == dt.timedelta(seconds=1)
        assert [m["text"] for m in emu.messages_to(USER)] == ["một"]


async def test_blocked_chat_raises_forbidden(emu: BotApiEmulator, bot: Bot) -> None:
    emu.user_sends_text(USER, "/start")
    emu.block_chat(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER, "còn đó không?")
    emu.unblock_chat(USER)
    assert (await bot.send_message(USER, "chào lại")).text == "chào lại"


async def test_application_polling_answers_start(emu: BotApiEmulator) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Xin chào! Mình là Nghe Dân.")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        emu.user_sends_text(USER, "/start")
        [reply] = await emu.wait_for_messages(USER, 1, timeout=5)
        assert reply["text"] == "Xin chào! Mình là Nghe Dân."
        assert reply["from"]["id"] == 7000001
        assert reply["chat"]["type"] == "private"
        await emu.wait_until_confirmed(timeout=5)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    with pytest.raises(AssertionError, match="wanted 2 messages"):
        await emu.wait_for_messages(USER, 2, timeout=0.05)
