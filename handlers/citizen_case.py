"""The citizen's side of a case in progress: answering a question, adding information, rating.

The citizen writes to the bot, never to the officer: neither side sees the other's account.
"""

from __future__ import annotations

from enum import StrEnum

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.base import Prompt, Text
from bot.dialogs.menu import menu_prompt
from bot.dialogs.notices import ADD_REF, RATE_REF, REPLY_REF, parse_case_ref
from bot.domain.choices import Nav, Option, match_nav, match_option
from bot.domain.people import Person
from bot.services import citizen_replies
from bot.services.refusal import CaseworkError
from bot.texts import t
from handlers.accounts import citizen_of
from handlers.context import Context
from handlers.render import (
    event_of,
    parse_button,
    refuse_long,
    reply_target,
    retire_buttons,
    send_prompt,
)

NOTE = "note"
END = ConversationHandler.END
SKIP = Option("skip", t("citizen.note.skip"), ("bo qua", "khong"))


class Purpose(StrEnum):
    WRITE = "write"  # an answer or added information
    COMMENT = "comment"  # a comment after rating


async def _citizen(update: Update, context: Context) -> Person | None:
    return await citizen_of(update, context)


def _note_prompt(purpose: Purpose, code: str) -> Prompt:
    options = (SKIP,) if purpose is Purpose.COMMENT else ()
    return Prompt(
        text=t(f"citizen.note.ask_{purpose.value}", code=code),
        ref="note",
        options=options,
        cancel=True,
    )


async def begin_note(update: Update, context: Context) -> str | int | None:
    """ "✍️ Trả lời" under a question, or "➕ Bổ sung" under a case the citizen looked up."""
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    message = reply_target(update)
    citizen = await _citizen(update, context)
    if query is None:
        return None
    if choice is None or message is None or citizen is None:
        await query.answer(t("error.button"))
        return None
    ticket_id = parse_case_ref(choice.ref, REPLY_REF) or parse_case_ref(choice.ref, ADD_REF)
    await query.answer()
    try:
        ticket = await citizen_replies.case_of_citizen(
            context.services.db, context.services.config, citizen, ticket_id or 0
        )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return END
    if context.user_data is not None:
        context.user_data[NOTE] = {
            "ticket": ticket.id,
            "purpose": Purpose.WRITE.value,
            "code": ticket.code,
        }
    await send_prompt(message, _note_prompt(Purpose.WRITE, ticket.code))
    return Purpose.WRITE.value


async def rating_button(update: Update, context: Context) -> str | int | None:
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    message = reply_target(update)
    citizen = await _citizen(update, context)
    ticket_id = parse_case_ref(choice.ref, RATE_REF) if choice else None
    if query is None:
        return None
    if choice is None or message is None or citizen is None or ticket_id is None:
        await query.answer(t("error.button"))
        return None
    await query.answer()
    if choice.key not in ("satisfied", "unsatisfied"):
        await message.reply_text(t("error.button"))
        return END
    services = context.services
    try:
        ticket = await citizen_replies.rate(
            services.db,
            services.clock,
            services.config,
            citizen,
            ticket_id,
            choice.key == "satisfied",
        )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return END
    await retire_buttons(update)
    if context.user_data is not None:
        context.user_data[NOTE] = {
            "ticket": ticket.id,
            "purpose": Purpose.COMMENT.value,
            "code": ticket.code,
        }
    await message.reply_text(t(f"citizen.note.thanks_{choice.key}", code=ticket.code))
    await send_prompt(message, _note_prompt(Purpose.COMMENT, ticket.code))
    return Purpose.COMMENT.value


async def on_note(update: Update, context: Context) -> str | int:
    message = reply_target(update)
    note = (context.user_data or {}).get(NOTE) or {}
    citizen = await _citizen(update, context)
    if message is None or citizen is None or not note:
        return _end(context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    event = event_of(update)
    said = getattr(event, "key", None)
    if isinstance(event, Text):
        nav = match_nav(event.text)
        skip = match_option(event.text, (SKIP,)) is not None
        said = nav.value if nav else (SKIP.key if skip else None)
    purpose = Purpose(note["purpose"])
    if said in (Nav.CANCEL.value, SKIP.key):
        await retire_buttons(update)
        await send_prompt(message, menu_prompt(t("citizen.note.skipped")))
        return _end(context)
    if not isinstance(event, Text) or len(event.text.strip()) < 2:
        await message.reply_text(t("citizen.note.need_text"))
        return purpose.value
    services = context.services
    if await refuse_long(message, event.text, services.config.limits.note_max):
        return purpose.value
    try:
        if purpose is Purpose.COMMENT:
            await citizen_replies.comment_rating(
                services.db, services.clock, services.config, citizen, note["ticket"], event.text
            )
        else:
            await citizen_replies.citizen_writes(
                services.db, services.clock, services.config, citizen, note["ticket"], event.text
            )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return _end(context)
    await send_prompt(
        message, menu_prompt(t(f"citizen.note.sent_{purpose.value}", code=note["code"]))
    )
    return _end(context)


def _end(context: Context) -> int:
    if context.user_data is not None:
        context.user_data.pop(NOTE, None)
    return END


def conversation() -> ConversationHandler[Context]:
    notes: list[BaseHandler[Update, Context, object]] = [
        CallbackQueryHandler(on_note, pattern=r"^note\|"),
        MessageHandler(filters.ALL & ~filters.COMMAND, on_note),
    ]
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(begin_note, pattern=rf"^({REPLY_REF}|{ADD_REF})\.\d+\|"),
            CallbackQueryHandler(rating_button, pattern=rf"^{RATE_REF}\.\d+\|"),
        ],
        states={p.value: notes for p in Purpose},
        fallbacks=[CommandHandler("huy", on_note)],
        name="citizen_note",
        persistent=True,
        allow_reentry=True,
    )
