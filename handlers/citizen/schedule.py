"""Reception days as a citizen sees them on Telegram: /lich with the coming sessions (numbered,
typeable, the citizen's own bookings marked) and the reminder switch (button or typed "bật/tắt
nhắc lịch"). Booking and cancelling a booking are in handlers.citizen.booking; leaders add or
cancel a session in handlers.leader.reception."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    filters,
)

from bot.dialogs.booking import BOOK_REF, UNBOOK_REF, read_reminder_switch, short_day
from bot.dialogs.schedule import describe
from bot.domain.reception import Session
from bot.services import reception
from bot.texts import t
from handlers.citizen import booking
from handlers.citizen.latest_question import TypedAnswer, asked, question_open, typed_button
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import App, Context
from handlers.telegram.render import button_data, parse_button, reply_target

SUBSCRIBE_REF = "rcps"
SCHEDULE_REF = "rcpl"  # the schedule as the latest question, for its typed numbers


class TypedSwitch(filters.MessageFilter):
    """Matches "bật nhắc lịch" / "tắt nhắc lịch" typed, so typing works like the switch."""

    def __init__(self) -> None:
        super().__init__(name="ReminderSwitch")

    def filter(self, message: Message) -> bool:
        return bool(message.text) and read_reminder_switch(message.text or "") is not None


class TypedPick(TypedAnswer):
    """A typed number or words picking a button of the schedule just shown, as on Zalo."""

    def __init__(self, app: App) -> None:
        super().__init__(app, "SchedulePick")

    def answers(self, data: dict[Any, Any], text: str) -> bool:
        return typed_button(data, SCHEDULE_REF, text) is not None


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
        line = describe(session)
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
