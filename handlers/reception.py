"""Reception days on Telegram: /lich to see and book, /dangky and /huydangky for reminders,
/lichtiep for leaders and admins to add or cancel a session."""

from __future__ import annotations

import re
from datetime import date, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.base import Text
from bot.domain.choices import Nav, match_nav
from bot.domain.people import Officer
from bot.services import reception
from bot.services.refusal import CaseworkError
from bot.texts import t
from handlers.accounts import citizen_of
from handlers.context import Context
from handlers.officer import current_officer, staff_desk
from handlers.render import button_data, event_of, parse_button, refuse_long, reply_target

SUBSCRIBE_REF = "rcps"
BOOK_REF = "rcpb"
CANCEL_REF = "rcpx"
PENDING = "reception"
END = ConversationHandler.END
WRITE = "write"
_ADD = re.compile(
    r"^them\s+(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(.*)$",
    re.IGNORECASE,
)


async def show_schedule(update: Update, context: Context) -> None:
    """The coming sessions, a button to book each, and the reminder switch.

    From the menu's button too, whose press the menu has already answered (a second answer
    is refused by Telegram)."""
    message = reply_target(update)
    if message is None:
        return
    services = context.services
    sessions = await reception.next_sessions(services.db, services.clock, services.config)
    if not sessions:
        contact = services.config.commune.office_contact
        await message.reply_text(t("reception.empty", office=f", {contact}" if contact else ""))
        return
    rows = [
        [
            InlineKeyboardButton(
                t("reception.book", day=s.day.strftime("%d/%m")),
                callback_data=button_data(BOOK_REF, s.key),
            )
        ]
        for s in sessions
    ]
    citizen = await citizen_of(update, context)
    if citizen is not None:
        on = await reception.is_subscribed(services.db, citizen)
        label, key = ("reception.unsubscribe", "off") if on else ("reception.subscribe", "on")
        rows.append([InlineKeyboardButton(t(label), callback_data=button_data(SUBSCRIBE_REF, key))])
    lines = [t("reception.title"), *(reception.describe(s) for s in sessions)]
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def _switch(update: Update, context: Context, on: bool) -> None:
    message = reply_target(update)
    services = context.services
    citizen = await citizen_of(update, context)
    if message is None or citizen is None:
        return
    changed = await reception.subscribe(services.db, services.clock, citizen, on)
    if on:
        key = "reception.subscribed" if changed else "reception.already_subscribed"
    else:
        key = "reception.unsubscribed" if changed else "reception.not_subscribed"
    await message.reply_text(t(key))


async def subscribe_command(update: Update, context: Context) -> None:
    await _switch(update, context, True)


async def unsubscribe_command(update: Update, context: Context) -> None:
    await _switch(update, context, False)


async def subscribe_button(update: Update, context: Context) -> None:
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    if query is None:
        return
    if choice is None or choice.key not in ("on", "off"):
        await query.answer(t("error.button"))
        return
    await query.answer()
    await _switch(update, context, choice.key == "on")


def _remember(context: Context, **values: object) -> None:
    if context.user_data is not None:
        context.user_data[PENDING] = values


def _pending(context: Context) -> dict[str, object]:
    value = (context.user_data or {}).get(PENDING)
    return value if isinstance(value, dict) else {}


def _end(context: Context) -> int:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    return END


async def begin_booking(update: Update, context: Context) -> str | int | None:
    """A refused press (a session gone, a forged button) changes nothing: a topic question
    already asked stays open (None keeps the conversation's state)."""
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    message = reply_target(update)
    if query is None:
        return None
    if choice is None or message is None:
        await query.answer(t("error.button"))
        return None
    await query.answer()
    services = context.services
    session = await reception.find_session(services.db, services.clock, services.config, choice.key)
    if session is None:
        await message.reply_text(t("reception.gone"))
        return None
    _remember(context, action="book", key=session.key)
    await message.reply_text(t("reception.ask_topic", when=reception.when(session)))
    return WRITE


async def begin_cancel(update: Update, context: Context) -> str | int:
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    message = reply_target(update)
    officer = await current_officer(update, context)
    if query is None or choice is None or message is None or officer is None:
        if query is not None:
            await query.answer(t("case.not_allowed"), show_alert=True)
        return END
    await query.answer()
    _remember(context, action="cancel", key=choice.key)
    await message.reply_text(t("reception.ask_reason"))
    return WRITE


async def on_words(update: Update, context: Context) -> str | int:
    message = update.effective_message
    event = event_of(update)
    pending = _pending(context)
    if message is None or not pending:
        return _end(context)
    if not isinstance(event, Text) or len(event.text.strip()) < 2:
        await message.reply_text(t("citizen.note.need_text"))
        return WRITE
    if match_nav(event.text) is Nav.CANCEL:
        await message.reply_text(t("officer.cancelled"))
        return _end(context)
    services = context.services
    key = str(pending.get("key"))
    cancelling = pending.get("action") == "cancel"
    limits = services.config.limits
    limit = limits.note_max if cancelling else limits.topic_max
    if await refuse_long(message, event.text, limit, staff=cancelling):
        return WRITE
    try:
        if cancelling:
            officer = await current_officer(update, context)
            if officer is None:
                return _end(context)
            session = await reception.cancel_session(
                services.db, services.clock, services.config, officer, key, event.text
            )
            await message.reply_text(t("reception.cancel_done", line=reception.describe(session)))
        else:
            citizen = await citizen_of(update, context)
            if citizen is None:
                return _end(context)
            session = await reception.book(
                services.db, services.clock, services.config, citizen, key, event.text
            )
            await message.reply_text(
                t("reception.booked", when=reception.when(session), place=session.place)
            )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
    return _end(context)


async def manage(update: Update, context: Context) -> None:
    """/lichtiep: the coming sessions with a cancel button; `/lichtiep them ...` adds one."""
    desk = await staff_desk(update, context)
    if desk is None:
        return
    officer, message = desk
    services = context.services
    typed = " ".join(context.args or [])
    if typed:
        await _add(message, officer, context, typed)
        return
    sessions = await reception.next_sessions(services.db, services.clock, services.config, 8)
    rows = [
        [
            InlineKeyboardButton(
                t("reception.cancel_button", day=s.day.strftime("%d/%m")),
                callback_data=button_data(CANCEL_REF, s.key),
            )
        ]
        for s in sessions
    ]
    lines = [
        t("reception.title"),
        *(reception.describe(s) for s in sessions),
        t("reception.manage_help"),
    ]
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def _add(message: Message, officer: Officer, context: Context, typed: str) -> None:
    match = _ADD.match(typed.strip())
    if match is None:
        await message.reply_text(t("reception.manage_help"))
        return
    d, m, y, h1, m1, h2, m2, title = match.groups()
    services = context.services
    try:
        session = await reception.add_session(
            services.db,
            services.clock,
            services.config,
            officer,
            date(int(y), int(m), int(d)),
            time(int(h1), int(m1)),
            time(int(h2), int(m2)),
            title.strip() or t("reception.default_title"),
        )
    except (ValueError, CaseworkError) as error:
        reason = error.reason if isinstance(error, CaseworkError) else "reception.bad_time"
        await message.reply_text(t(reason))
        return
    await message.reply_text(t("reception.add_done", line=reception.describe(session)))


def conversation() -> ConversationHandler[Context]:
    """The words a booking (a topic) or a cancellation (a reason) needs."""
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(begin_booking, pattern=rf"^{BOOK_REF}\|"),
            CallbackQueryHandler(begin_cancel, pattern=rf"^{CANCEL_REF}\|"),
        ],
        states={WRITE: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_words)]},
        fallbacks=[CommandHandler("huy", on_words)],
        name="reception",
        persistent=True,
        allow_reentry=True,
    )
