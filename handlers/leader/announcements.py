"""Publication on Telegram: /thongbao for leaders and admins (write, read back, send), the list
of what the commune published with the citizen's switch, and the author's progress message.

Writing is a small persistent conversation: the text (with one photo or one document, the text
as its caption) is kept in the user's data at every step, so a restart, a second /thongbao or a
stray sticker loses nothing. Anyone else who types /thongbao gets the published list.

Why one module of ~415 lines: it holds both sides of one feature, the writing conversation and
the published list it ends in (marked as sections). The list is what citizens see, but the
writing conversation shows it to whoever may not publish; moved to citizen/, it would make
citizen/ and leader/ import each other.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any
from uuid import uuid4

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.announcements import (
    CONFIRM_REF,
    LIST_REF,
    WRITE_REF,
    Confirm,
    confirm_options,
    confirm_prompt,
    content_problem,
    day,
    empty_list,
    file_prompt,
    list_line,
    list_title,
    read_confirm,
    read_switch,
    starting_text,
    switch_label,
    switched,
    write_prompt,
)
from bot.dialogs.menu import menu_prompt
from bot.domain.people import Person
from bot.messages import Choice, Prompt, parse_number
from bot.services import Services, announcements
from bot.services.announcements import Content, ProgressMessage, may_publish
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.officer.desk import current_officer
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import Context
from handlers.telegram.pending import END, Pending, wants_cancel
from handlers.telegram.render import (
    button_data,
    chosen,
    event_of,
    parse_button,
    reply_target,
    retire_buttons,
    send_prompt,
)
from handlers.telegram.sender import TelegramSender

_LOGGER = logging.getLogger(__name__)
PENDING = Pending("announcement", "announce.cancelled", retire=True)
LIST_PATTERN = rf"^{LIST_REF}\|"  # the list's buttons, pressed at any time
_PAGE = "p"
_OPEN = "o"
_ON = "on"
_OFF = "off"
# Media an announcement cannot carry, even with a caption (an animation also has a document).
_NOT_CARRIED = ("animation", "video", "video_note", "audio", "voice", "sticker")


class Step(StrEnum):
    WRITE = "write"
    CONFIRM = "confirm"


class TypedSwitch(filters.MessageFilter):
    """Matches "bật thông báo" / "tắt thông báo" typed, so typing works like the switch."""

    def __init__(self) -> None:
        super().__init__(name="TypedSwitch")

    def filter(self, message: Message) -> bool:
        return bool(message.text) and read_switch(message.text or "") is not None


async def _person(update: Update, context: Context) -> Person | None:
    return await citizen_of(update, context)


# -- the published list and the switch ------------------------------------------------------


async def show_list(update: Update, context: Context, page: int = 1) -> None:
    """What the commune published, latest first, a page at a time, with the switch."""
    message = reply_target(update)
    if message is None:
        return
    services = context.services
    size = services.config.intake.page_size
    found = await announcements.published(services.db, page, size)
    person = await _person(update, context)
    subscribed = person is not None and await announcements.is_subscribed(services.db, person)
    zone = services.config.commune.zone
    first = (found.page - 1) * size + 1
    numbered = list(enumerate(found.items, start=first))
    if numbered:
        lines = [list_title(found.page, found.pages, subscribed)]
        lines += [list_line(n, a.published_at, a.text, zone) for n, a in numbered]
        lines.append(t("announce.open_hint"))
        text = "\n".join(lines)
    else:
        text = empty_list(subscribed)
    rows = [
        [
            InlineKeyboardButton(
                t("announce.open_button", n=n, date=day(a.published_at, zone)),
                callback_data=button_data(LIST_REF, f"{_OPEN}{a.id}"),
            )
        ]
        for n, a in numbered
    ]
    turns = []
    if found.page > 1:
        turns.append((t("announce.previous"), found.page - 1))
    if found.page < found.pages:
        turns.append((t("announce.next"), found.page + 1))
    if turns:
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=button_data(LIST_REF, f"{_PAGE}{n}"))
                for label, n in turns
            ]
        )
    if person is not None:
        key = _OFF if subscribed else _ON
        rows.append(
            [
                InlineKeyboardButton(
                    switch_label(subscribed), callback_data=button_data(LIST_REF, key)
                )
            ]
        )
    await message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def _switch(update: Update, context: Context, message: Message, on: bool) -> None:
    person = await _person(update, context)
    if person is None:
        return
    services = context.services
    changed = await announcements.switch(services.db, services.clock, person, on)
    if await current_officer(update, context) is not None:
        await message.reply_text(switched(on, changed))
    else:
        await send_prompt(message, menu_prompt(switched(on, changed)))


async def _open(message: Message, context: Context, announcement_id: int) -> None:
    """One announcement in full, its photo or document sent again."""
    services = context.services
    found = await announcements.find(services.db, announcement_id)
    if found is None:
        await message.reply_text(t("announce.not_found"))
        return
    notice = announcements.notice_of(found, services.config)
    await TelegramSender(message.get_bot()).send(str(message.chat_id), notice)


async def list_button(update: Update, context: Context) -> None:
    """A press on the list: open an item, turn a page, or the switch."""
    query = update.callback_query
    message = reply_target(update)
    if query is None:
        return
    if message is None:
        await query.answer(t("error.button"))
        return
    choice = parse_button(query.data)
    key = choice.key if choice is not None else ""
    number = parse_number(key[1:])
    if key in (_ON, _OFF):
        await query.answer()
        await _switch(update, context, message, key == _ON)
    elif key.startswith(_PAGE) and number is not None:
        await query.answer()
        await show_list(update, context, number)
    elif key.startswith(_OPEN) and number is not None:
        await query.answer()
        await _open(message, context, number)
    else:  # a button this bot never made: say so and show the list as it is
        await query.answer(t("error.button"))
        await show_list(update, context)


async def switch_typed(update: Update, context: Context) -> None:
    message = update.effective_message
    on = read_switch(message.text or "") if message is not None else None
    if message is not None and on is not None:
        await _switch(update, context, message, on)


# -- writing an announcement ----------------------------------------------------------------


def _cancels(update: Update) -> bool:
    return wants_cancel(update, keys=(Confirm.CANCEL.value,), captions=True)


def _keep(context: Context, pending: dict[str, Any], step: Step) -> str:
    PENDING.start(context, **{**pending, "step": step.value})
    return step.value


def _content(pending: dict[str, Any]) -> Content:
    return Content(
        text=str(pending.get("text") or ""),
        photo=pending.get("photo"),
        document=pending.get("document"),
    )


async def begin(update: Update, context: Context) -> str | int:
    """/thongbao: a leader or admin starts writing; anyone else sees the published list."""
    message = update.effective_message
    if message is None:
        return END
    officer = await current_officer(update, context)
    if not may_publish(officer):
        if officer is not None:
            await message.reply_text(t("announce.not_allowed"))
        await show_list(update, context)
        return END
    await send_prompt(message, write_prompt())
    return _keep(context, {"draft_id": uuid4().hex}, Step.WRITE)


async def _show_step(message: Message, context: Context, lead: str | None = None) -> str | int:
    """Ask again what the current step needs: the text, or Gửi / Sửa / Hủy."""
    pending = PENDING.notes(context)
    if pending.get("step") == Step.CONFIRM.value and pending.get("text"):
        return await _preview(message, context, pending, lead)
    await send_prompt(message, write_prompt(lead))
    return _keep(context, pending, Step.WRITE)


async def resume(update: Update, context: Context) -> str | int:
    """A second /thongbao half-way: carry on where the author was."""
    message = update.effective_message
    if message is None:
        return END
    if not PENDING.notes(context):
        return await begin(update, context)
    return await _show_step(message, context, t("announce.resume"))


async def on_write(update: Update, context: Context) -> str | int:
    """The text, a photo or a document (its caption the text), or a file then its text."""
    if _cancels(update):
        return await PENDING.cancel(update, context)
    message = reply_target(update)
    pending = PENDING.notes(context)
    if message is None or not pending:
        return PENDING.end(context)
    if update.callback_query is not None:  # a button of another step, or one made up
        await update.callback_query.answer(t("error.button"))
        return await _show_step(message, context)
    if any(getattr(message, kind, None) for kind in _NOT_CARRIED):
        return await _show_step(message, context, t("announce.unsupported"))
    if message.photo:
        pending.update(photo=message.photo[-1].file_id, document=None)
    elif message.document is not None:
        pending.update(photo=None, document=message.document.file_id)
    elif message.text is None:  # a location, a contact, a poll...
        return await _show_step(message, context, t("announce.unsupported"))
    words = message.text if message.text is not None else message.caption
    if words is None:
        await send_prompt(message, file_prompt("photo" if message.photo else "document"))
        return _keep(context, pending, Step.WRITE)
    problem = content_problem(words, context.services.config)
    if problem is not None:
        await send_prompt(message, Prompt(text=problem, ref=WRITE_REF, cancel=True))
        return _keep(context, pending, Step.WRITE)
    pending["text"] = words.strip()
    return await _preview(message, context, pending)


async def _preview(
    message: Message, context: Context, pending: dict[str, Any], lead: str | None = None
) -> str:
    """Exactly what citizens will receive, then who will receive it and Gửi / Sửa / Hủy."""
    services = context.services
    if lead is not None:
        await message.reply_text(lead)
    notice = announcements.preview(_content(pending), services.config, services.clock.now())
    await TelegramSender(message.get_bot()).send(str(message.chat_id), notice)
    count = await announcements.subscriber_count(services.db)
    held = announcements.held_until(services.clock, services.config)
    await send_prompt(message, confirm_prompt(count, held))
    return _keep(context, pending, Step.CONFIRM)


async def on_confirm(update: Update, context: Context) -> str | int:
    message = reply_target(update)
    pending = PENDING.notes(context)
    if message is None or not pending.get("text"):
        return PENDING.end(context)
    query = update.callback_query
    event = event_of(update)
    if isinstance(event, Choice) and event.ref != CONFIRM_REF:
        event = None  # a button of another step, or one made up
    answer = read_confirm(chosen(event, confirm_options()))
    if answer is None:
        if query is not None:
            await query.answer(t("error.button"))
        services = context.services
        count = await announcements.subscriber_count(services.db)
        held = announcements.held_until(services.clock, services.config)
        await send_prompt(message, confirm_prompt(count, held, t("announce.choose")))
        return Step.CONFIRM.value
    if answer is Confirm.CANCEL:
        return await PENDING.cancel(update, context)
    if query is not None:
        await query.answer()
    await retire_buttons(update)
    if answer is Confirm.EDIT:
        await send_prompt(message, write_prompt())
        return _keep(context, {"draft_id": pending["draft_id"]}, Step.WRITE)
    return await _send(update, context, message, pending)


async def _send(update: Update, context: Context, message: Message, pending: dict[str, Any]) -> int:
    """Publish: the progress message first, so the announcement is stored with it, in the one
    transaction that queues it for every subscriber."""
    services = context.services
    officer = await current_officer(update, context)
    draft_id = str(pending["draft_id"])
    if officer is None or not may_publish(officer):
        await message.reply_text(t("announce.not_allowed"))
        return PENDING.end(context)
    if await announcements.already_published(services.db, draft_id) is not None:
        await message.reply_text(t("announce.already_sent"))
        return PENDING.end(context)
    held = announcements.held_until(services.clock, services.config)
    if held is not None:  # the read-back may have come before the quiet hours began
        await message.reply_text(t("announce.held", at=held))
    text = starting_text(await announcements.subscriber_count(services.db))
    shown = await message.reply_text(text)
    progress = ProgressMessage(str(shown.chat_id), shown.message_id, text)
    try:
        await announcements.publish(
            services.db,
            services.clock,
            services.config,
            officer,
            draft_id,
            _content(pending),
            progress,
        )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
    return PENDING.end(context)


def conversation() -> ConversationHandler[Context]:
    """/thongbao for leaders and admins; every step answers every kind of input."""
    return ConversationHandler(
        entry_points=[CommandHandler("thongbao", begin)],
        states={
            Step.WRITE.value: [
                CallbackQueryHandler(on_write, pattern=r"^ann\."),
                MessageHandler(filters.ALL & ~filters.COMMAND, on_write),
            ],
            Step.CONFIRM.value: [
                CallbackQueryHandler(on_confirm, pattern=r"^ann\."),
                MessageHandler(filters.ALL & ~filters.COMMAND, on_confirm),
            ],
        },
        fallbacks=[CommandHandler("huy", PENDING.cancel), CommandHandler("thongbao", resume)],
        name="announce",
        persistent=True,
    )


# -- the author's progress message ------------------------------------------------------------


async def show_progress(bot: Bot, services: Services) -> None:
    """Bring every progress message up to date; run by a repeating job, and by tests.

    An edit Telegram refuses (the author deleted the message, or blocked the bot) is counted
    as shown: the same edit would be refused again. A network failure or flood wait leaves
    it for the next run.
    """
    for progress in await announcements.progress_due(services.db):
        if progress.changed:
            try:
                await bot.edit_message_text(
                    progress.text, chat_id=int(progress.chat), message_id=progress.message_id
                )
            except (BadRequest, Forbidden) as error:
                _LOGGER.warning("progress of announcement %s: %s", progress.announcement_id, error)
            except TelegramError as error:
                _LOGGER.info(
                    "progress of announcement %s later: %s", progress.announcement_id, error
                )
                continue
        await announcements.progress_shown(services.db, services.clock, progress)
