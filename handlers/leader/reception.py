"""Reception days for leaders and admins: /lichtiep adds or cancels a session. What citizens see
(/lich, the reminder switch) is in handlers.citizen.schedule."""

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

from bot.dialogs.schedule import describe
from bot.dialogs.staff import sub_command
from bot.domain.people import Officer
from bot.services import reception
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.officer.desk import current_officer, staff_desk
from handlers.telegram.context import Context
from handlers.telegram.pending import END, Pending, wants_cancel
from handlers.telegram.render import button_data, parse_button, reply_target

CANCEL_REF = "rcpx"
PENDING = Pending("reception", "officer.cancelled")
WRITE = "write"
ADD = "them"
_ADD = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*(.*)$"
)


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
    PENDING.start(context, action="cancel", key=choice.key)
    await message.reply_text(t("reception.ask_reason"))
    return WRITE


async def on_words(update: Update, context: Context) -> str | int:
    """The reason a session is cancelled, which the booked citizens are told."""
    pending = PENDING.notes(context)
    if update.effective_message is None or not pending:
        return PENDING.end(context)
    if wants_cancel(update):
        return await PENDING.cancel(update, context)
    if pending.get("action") != "cancel":
        # A topic asked here before bookings had their own conversation (handlers.citizen.booking).
        await update.effective_message.reply_text(t("reception.not_booking"))
        return PENDING.end(context)
    officer = await current_officer(update, context)
    if officer is None:
        return PENDING.end(context)
    reason = await PENDING.words(update, context, "citizen.note.need_text")
    if reason is None:
        return WRITE
    services = context.services
    try:
        session = await reception.cancel_session(
            services.db, services.clock, services.config, officer, str(pending.get("key")), reason
        )
        await update.effective_message.reply_text(
            t("reception.cancel_done", line=describe(session))
        )
    except CaseworkError as error:
        await update.effective_message.reply_text(t(error.reason))
    return PENDING.end(context)


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
        *(describe(s) for s in sessions),
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
    await message.reply_text(t("reception.add_done", line=describe(session)))


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
