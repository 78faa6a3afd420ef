"""Reception days on Telegram: /lich to see them and the citizen's own bookings, the reminder
switch (button or typed "bật/tắt nhắc lịch"), /lichtiep for leaders and admins to add or cancel
a session. Booking and cancelling a booking are in handlers.booking."""

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
from bot.dialogs.booking import read_reminder_switch, short_day
from bot.dialogs.staff import sub_command
from bot.domain.choices import Nav, match_nav
from bot.domain.people import Officer
from bot.domain.reception import Session
from bot.services import reception
from bot.services.refusal import CaseworkError
from bot.texts import t
from handlers import booking
from handlers.accounts import citizen_of
from handlers.booking import BOOK_REF, UNBOOK_REF
from handlers.citizen_case import asked, question_open, typed_button
from handlers.context import App, Context
from handlers.officer import current_officer, staff_desk
from handlers.render import button_data, event_of, parse_button, refuse_long, reply_target

SUBSCRIBE_REF = "rcps"
SCHEDULE_REF = "rcpl"  # the schedule as the latest question, for its typed numbers
CANCEL_REF = "rcpx"
PENDING = "reception"
END = ConversationHandler.END
WRITE = "write"
ADD = "them"
_ADD = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(.*)$"
)


class TypedSwitch(filters.MessageFilter):
    """Matches "bật nhắc lịch" / "tắt nhắc lịch" typed, so typing works like the switch."""

    def __init__(self) -> None:
        super().__init__(name="ReminderSwitch")

    def filter(self, message: Message) -> bool:
        return bool(message.text) and read_reminder_switch(message.text or "") is not None


class TypedPick(filters.MessageFilter):
    """A typed number or words picking a button of the schedule just shown, as on Zalo."""

    def __init__(self, app: App) -> None:
        super().__init__(name="SchedulePick")
        self._app = app

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or not message.text or user.id not in self._app.user_data:
            return False
        data = self._app.user_data[user.id]
        return typed_button(data, SCHEDULE_REF, message.text) is not None


def _session_button(session: Session, booked: bool) -> tuple[str, str]:
    label, ref = ("reception.unbook", UNBOOK_REF) if booked else ("reception.book", BOOK_REF)
    return t(label, day=short_day(session)), button_data(ref, session.key)


async def show_schedule(update: Update, context: Context) -> None:
    """The coming sessions, those the citizen booked marked, a button to book or cancel each,
    and the reminder switch.

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
    citizen = await citizen_of(update, context)
    booked = await reception.booked_keys(services.db, citizen) if citizen is not None else {}
    shown = [_session_button(s, s.key in booked) for s in sessions]
    if citizen is not None:
        on = await reception.is_subscribed(services.db, citizen)
        label, key = ("reception.unsubscribe", "off") if on else ("reception.subscribe", "on")
        shown.append((t(label), button_data(SUBSCRIBE_REF, key)))
    lines = [t("reception.title")]
    for session in sessions:
        line = reception.describe(session)
        lines.append(f"{line} {t('reception.booked_mark')}" if session.key in booked else line)
    rows = [
        [InlineKeyboardButton(f"{n}. {label}", callback_data=data)]
        for n, (label, data) in enumerate(shown, start=1)
    ]
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))
    if citizen is not None and not question_open(context):
        asked(context, SCHEDULE_REF, tuple(shown))


async def typed_pick(update: Update, context: Context) -> str | int | None:
    """A schedule's button picked by typing: booking's questions, or the reminder switch; a
    state for the booking conversation this is an entry of."""
    message = update.effective_message
    citizen = await citizen_of(update, context)
    data = typed_button(context.user_data, SCHEDULE_REF, message.text or "") if message else None
    choice = parse_button(data)
    if citizen is None or choice is None:
        return None
    if choice.ref == BOOK_REF:
        return await booking.ask_topic(update, context, citizen, choice.key)
    if choice.ref == UNBOOK_REF:
        return await booking.confirm(update, context, citizen, choice.key)
    await _switch(update, context, choice.key == "on")
    return None


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


async def switch_typed(update: Update, context: Context) -> None:
    message = update.effective_message
    on = read_reminder_switch(message.text or "") if message else None
    if on is not None:
        await _switch(update, context, on)


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
    if pending.get("action") != "cancel":
        # A topic asked here before bookings had their own conversation (handlers.booking).
        await message.reply_text(t("reception.not_booking"))
        return _end(context)
    officer = await current_officer(update, context)
    if officer is None:
        return _end(context)
    if await refuse_long(message, event.text, services.config.limits.note_max, staff=True):
        return WRITE
    try:
        session = await reception.cancel_session(
            services.db,
            services.clock,
            services.config,
            officer,
            str(pending.get("key")),
            event.text,
        )
        await message.reply_text(t("reception.cancel_done", line=reception.describe(session)))
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
    word, _, rest = typed.strip().partition(" ")
    match = _ADD.match(rest.strip()) if sub_command(word) == ADD else None
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
    """The reason a leader gives for cancelling a session."""
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(begin_cancel, pattern=rf"^{CANCEL_REF}\|"),
        ],
        states={WRITE: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_words)]},
        fallbacks=[CommandHandler("huy", on_words)],
        name="reception",
        persistent=True,
        allow_reentry=True,
    )
