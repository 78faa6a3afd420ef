"""/giamsat: supervisors watch overdue and reopened cases, open one in its redacted form, and
send the leaders a recommendation after reading it back. Each press is checked again: a list
or a card may be old, and button data may be forged."""

from __future__ import annotations

import logging
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.config import Config
from bot.dialogs.notices import case_ref, parse_case_ref
from bot.dialogs.report_text import summary_text
from bot.dialogs.supervision import (
    OPEN_KEY,
    PREVIEW_OPTIONS,
    PREVIEW_REF,
    RECOMMEND_KEY,
    WATCH_REF,
    WRITE_REF,
    listed,
    open_button,
    preview_text,
    watched_case_text,
    watchlist_text,
)
from bot.domain.figures import Preset, preset_period
from bot.domain.people import Officer
from bot.domain.supervision import WatchedCase
from bot.domain.tickets import parse_code
from bot.domain.workflow import WATCHERS, Action, access, may
from bot.messages import Prompt, chunks
from bot.services import supervision
from bot.services.errors import CaseworkError
from bot.services.officers import actor
from bot.services.reporting import build_report
from bot.texts import t
from handlers.officer.desk import current_officer, refuse_press, staff_desk
from handlers.telegram.context import Context
from handlers.telegram.pending import Pending, wants_cancel
from handlers.telegram.render import (
    button_data,
    chosen,
    event_of,
    parse_button,
    reply_target,
    retire_buttons,
    send_prompt,
    send_text,
)

_LOGGER = logging.getLogger(__name__)
PENDING = Pending("recommendation", "supervision.cancelled", retire=True)


class Step(StrEnum):
    WRITE = "write"
    CONFIRM = "confirm"


async def _watcher(update: Update, context: Context) -> tuple[Officer, Message] | None:
    desk = await staff_desk(update, context)
    if desk is None:
        return None
    officer, message = desk
    if not officer.roles & WATCHERS:
        await message.reply_text(t("supervision.only"))
        return None
    return desk


async def _send(message: Message, text: str, rows: list[list[InlineKeyboardButton]]) -> None:
    """A long text in parts; the buttons under the last part."""
    *head, last = chunks(text, MessageLimit.MAX_TEXT_LENGTH)
    for part in head:
        await message.reply_text(part)
    await message.reply_text(last, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def show_case(
    message: Message, officer: Officer, watched: WatchedCase, config: Config
) -> None:
    """The case as supervisors read it, with the recommendation button for those who may."""
    ticket = watched.case.ticket
    rows = []
    if may(actor(officer), Action.RECOMMEND, access(ticket)):
        data = button_data(case_ref(WATCH_REF, ticket), RECOMMEND_KEY)
        rows.append([InlineKeyboardButton(t("supervision.recommend_button"), callback_data=data)])
    await _send(message, watched_case_text(watched, config), rows)


async def watch_command(update: Update, context: Context) -> None:
    """/giamsat: the year's figures, then the watch list; /giamsat CODE: one case."""
    desk = await _watcher(update, context)
    if desk is None:
        return
    officer, message = desk
    services = context.services
    typed = " ".join(context.args or []).strip()
    if typed:
        code = parse_code(typed)
        if code is None:
            await message.reply_text(t("supervision.usage"))
            return
        try:
            watched = await supervision.watched_case(services.db, services.config, officer, code)
        except CaseworkError as error:
            await message.reply_text(t(error.reason))
            return
        await show_case(message, officer, watched, services.config)
        return
    config = services.config
    today = services.clock.now().astimezone(config.commune.zone).date()
    # The year so far: a month's figures are often empty in a commune, the year's are not.
    year = preset_period(Preset.THIS_YEAR, today)
    report = await build_report(services.db, config, services.clock, year)
    await send_text(message, summary_text(report, config, breakdown=False))
    found = await supervision.watchlist(services.db, services.clock, config, officer)
    rows = []
    for ticket in listed(found):
        label, ref = open_button(ticket)
        rows.append([InlineKeyboardButton(label, callback_data=button_data(ref, OPEN_KEY))])
    await _send(message, watchlist_text(found, config), rows)


def _pressed(update: Update) -> tuple[int, str] | None:
    """The case and the key a supervision button names, or None for data never made here."""
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    ticket_id = parse_case_ref(choice.ref, WATCH_REF) if choice else None
    if choice is None or ticket_id is None or choice.key not in (OPEN_KEY, RECOMMEND_KEY):
        return None
    return ticket_id, choice.key


async def _pressing_watcher(update: Update, context: Context) -> tuple[Officer, int] | None:
    pressed = _pressed(update)
    officer = await current_officer(update, context)
    if pressed is None or officer is None or not officer.roles & WATCHERS:
        _LOGGER.warning(
            "refused: supervision button %r from %s",
            update.callback_query.data if update.callback_query else None,
            update.effective_user.id if update.effective_user else None,
        )
        await refuse_press(update, "case.not_allowed")
        return None
    return officer, pressed[0]


async def open_case_button(update: Update, context: Context) -> None:
    """A case pressed in the watch list."""
    pressing = await _pressing_watcher(update, context)
    message = reply_target(update)
    if pressing is None or message is None or update.callback_query is None:
        return
    officer, ticket_id = pressing
    services = context.services
    try:
        watched = await supervision.watched_by_id(services.db, services.config, officer, ticket_id)
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return
    await update.callback_query.answer()
    await show_case(message, officer, watched, services.config)


def _write_prompt(key: str, **values: object) -> Prompt:
    return Prompt(text=t(key, **values), ref=WRITE_REF, cancel=True)


async def begin(update: Update, context: Context) -> str | int | None:
    """ "Kiến nghị giám sát" pressed: ask for the words, if this person may recommend."""
    pressing = await _pressing_watcher(update, context)
    message = reply_target(update)
    if pressing is None or message is None or update.callback_query is None:
        return None
    officer, ticket_id = pressing
    try:
        ticket = await supervision.may_recommend(context.services.db, officer, ticket_id)
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return None
    await update.callback_query.answer()
    PENDING.start(context, ticket=ticket.id, code=ticket.code)
    await retire_buttons(update)
    await send_prompt(message, _write_prompt("supervision.write", code=ticket.code))
    return Step.WRITE.value


async def on_words(update: Update, context: Context) -> str | int:
    """The recommendation's words: read back before anything is sent."""
    resumed = await PENDING.resume(update, context)
    if isinstance(resumed, int):
        return resumed
    message, pending = resumed
    text = await PENDING.words(update, context, "supervision.need_words")
    if text is None:
        return Step.WRITE.value
    PENDING.add(context, text=text)
    preview = preview_text(str(pending.get("code", "")), text)
    await send_prompt(message, Prompt(preview, PREVIEW_REF, PREVIEW_OPTIONS, cancel=True))
    return Step.CONFIRM.value


async def on_confirm(update: Update, context: Context) -> str | int:
    if wants_cancel(update):
        return await PENDING.cancel(update, context)
    message = reply_target(update)
    if update.callback_query is not None:
        await update.callback_query.answer()
    answer = chosen(event_of(update), PREVIEW_OPTIONS)
    pending = PENDING.notes(context)
    officer = await current_officer(update, context)
    ticket_id = pending.get("ticket")
    if message is None or officer is None or not isinstance(ticket_id, int):
        return PENDING.end(context)
    if answer is None:
        preview = preview_text(str(pending.get("code", "")), str(pending.get("text", "")))
        prompt = Prompt(preview, PREVIEW_REF, PREVIEW_OPTIONS, cancel=True)
        await send_prompt(message, prompt, notice=t("staff.pick_again"))
        return Step.CONFIRM.value
    await retire_buttons(update)
    if answer.key == "edit":
        await send_prompt(message, _write_prompt("supervision.write_again"))
        return Step.WRITE.value
    services = context.services
    try:
        ticket = await supervision.recommend(
            services.db, services.clock, officer, ticket_id, str(pending.get("text", ""))
        )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return PENDING.end(context)
    await message.reply_text(t("supervision.sent", code=ticket.code))
    return PENDING.end(context)


def conversation() -> ConversationHandler[Context]:
    """A recommendation: the words, then the read-back."""
    words: list[BaseHandler[Update, Context, object]] = [
        CallbackQueryHandler(on_words, pattern=rf"^{WRITE_REF}\|"),
        MessageHandler(~filters.COMMAND, on_words),
    ]
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(begin, pattern=rf"^{WATCH_REF}\.\d+\|{RECOMMEND_KEY}$")],
        states={
            Step.WRITE.value: words,
            Step.CONFIRM.value: [
                CallbackQueryHandler(on_confirm, pattern=rf"^{PREVIEW_REF}\|"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_confirm),
            ],
        },
        fallbacks=[CommandHandler("huy", PENDING.cancel)],
        name="supervision",
        persistent=True,
        allow_reentry=True,
    )
