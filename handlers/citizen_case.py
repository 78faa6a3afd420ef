"""The citizen's side of a case in progress: answering a question, adding information, rating.

The citizen writes to the bot, never to the officer: neither side sees the other's account.
"""

from __future__ import annotations

from enum import StrEnum

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.base import Notice, Prompt, Text
from bot.dialogs.menu import menu_prompt
from bot.dialogs.notices import ADD_REF, RATE_REF, REPLY_REF, parse_case_ref, rating_options
from bot.domain.choices import Nav, Option, match_nav, match_option
from bot.domain.people import Person
from bot.services import citizen_replies
from bot.services.refusal import CaseworkError
from bot.texts import t
from handlers.accounts import citizen_of
from handlers.context import App, Context
from handlers.render import (
    event_of,
    parse_button,
    refuse_long,
    reply_target,
    retire_buttons,
    send_prompt,
)

NOTE = "note"
RATING_ASKED = "rating_asked"
END = ConversationHandler.END
SKIP = Option("skip", t("citizen.note.skip"), ("bo qua", "khong"))
# Refusals worded for officers, as a citizen reads them.
_CITIZEN_REASONS = {
    "case.not_now": "case.not_rateable",
    "case.not_allowed": "case.not_found_citizen",
    "case.not_found": "case.not_found_citizen",
}


class Purpose(StrEnum):
    WRITE = "write"  # an answer or added information
    COMMENT = "comment"  # a comment after rating


async def _citizen(update: Update, context: Context) -> Person | None:
    return await citizen_of(update, context)


def _note_prompt(purpose: Purpose, code: str) -> Prompt:
    """The comment question's way out is "Bỏ qua" alone ("hủy" typed still works): as a second
    numbered choice, "✖️ Hủy" would be what a repeated "2" (the rating, sent twice on a slow
    phone) picks, ending the question the first "2" asked."""
    comment = purpose is Purpose.COMMENT
    return Prompt(
        text=t(f"citizen.note.ask_{purpose.value}", code=code),
        ref="note",
        options=(SKIP,) if comment else (),
        cancel=not comment,
    )


def _in_question(context: Context) -> bool:
    return bool((context.user_data or {}).get(NOTE))


async def _refuse(update: Update, context: Context, message: Message, reason: str) -> None:
    """Answer a press or a typed choice that no longer applies, changing nothing.

    A question in progress stays the last message (the pop-up on the button says it); else the
    answer is a message. The caller then keeps the conversation where it was: a double tap on
    a rating must not end the comment question the first tap asked.
    """
    query = update.callback_query
    text = t(_CITIZEN_REASONS.get(reason, reason))
    if query is not None and _in_question(context):
        await query.answer(text)
        return
    if query is not None:
        await query.answer()
    await message.reply_text(text)


def ask_rating(context: Context, ticket_id: int) -> None:
    """The rating was just asked in this chat (a look-up of a resolved case): until the
    citizen's next message, a typed "2" or "chưa hài lòng" answers it."""
    if context.user_data is not None:
        context.user_data[RATING_ASKED] = {"ticket": ticket_id, "fresh": True}


def rating_shown(app: App, chat_id: int, notice: Notice) -> None:
    """A notice was delivered to `chat_id`: a result notice makes its rating the latest
    question until the citizen's next message; a notice with other choices replaces it."""
    ticket_id = parse_case_ref(notice.ref, RATE_REF)
    if ticket_id is None and not notice.options:
        return
    data = app.user_data[chat_id]
    if ticket_id is None:
        data.pop(RATING_ASKED, None)
    else:
        data[RATING_ASKED] = {"ticket": ticket_id, "fresh": False}
    app.mark_data_for_update_persistence(user_ids=[chat_id])


async def forget_rating_question(update: Update, context: Context) -> None:
    """After each update: the rating stops being the latest question once the citizen did
    anything else (their next message got its own answer), unless this update asked it."""
    asked = (context.user_data or {}).get(RATING_ASKED)
    if context.user_data is None or not isinstance(asked, dict):
        return
    if asked.get("fresh"):
        context.user_data[RATING_ASKED] = {**asked, "fresh": False}
    else:
        context.user_data.pop(RATING_ASKED, None)


class RatingTyped(filters.MessageFilter):
    """A typed "1", "2" or "chua hai long" while the rating is the latest question."""

    def __init__(self, app: App) -> None:
        super().__init__(name="RatingTyped")
        self._app = app

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or not message.text or user.id not in self._app.user_data:
            return False
        asked = self._app.user_data[user.id].get(RATING_ASKED)
        return isinstance(asked, dict) and match_option(message.text, rating_options()) is not None


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
    try:
        ticket = await citizen_replies.case_of_citizen(
            context.services.db, context.services.config, citizen, ticket_id or 0
        )
    except CaseworkError as error:
        await _refuse(update, context, message, error.reason)
        return None
    await query.answer()
    if context.user_data is not None:
        context.user_data[NOTE] = {
            "ticket": ticket.id,
            "purpose": Purpose.WRITE.value,
            "code": ticket.code,
        }
    await send_prompt(message, _note_prompt(Purpose.WRITE, ticket.code))
    return Purpose.WRITE.value


async def rating_button(update: Update, context: Context) -> str | int | None:
    """ "👍 Hài lòng" or "👎 Chưa hài lòng" under a result notice or a looked-up case."""
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
    option = next((o for o in rating_options() if o.key == choice.key), None)
    if option is None:
        await _refuse(update, context, message, "error.button")
        return None
    return await _rate(update, context, message, citizen, ticket_id, option.key)


async def typed_rating(update: Update, context: Context) -> str | int | None:
    """The rating typed ("2", "chưa hài lòng") while it is the latest question."""
    message = update.effective_message
    citizen = await _citizen(update, context)
    asked = (context.user_data or {}).get(RATING_ASKED)
    option = match_option(message.text or "", rating_options()) if message else None
    if message is None or citizen is None or not isinstance(asked, dict) or option is None:
        return None
    return await _rate(update, context, message, citizen, int(asked["ticket"]), option.key)


async def _rate(
    update: Update, context: Context, message: Message, citizen: Person, ticket_id: int, key: str
) -> str | None:
    """One rating, by button or typed: one acknowledgement, then the comment question last."""
    services = context.services
    if context.user_data is not None:
        context.user_data.pop(RATING_ASKED, None)
    try:
        ticket = await citizen_replies.rate(
            services.db, services.clock, services.config, citizen, ticket_id, key == "satisfied"
        )
    except CaseworkError as error:
        await _refuse(update, context, message, error.reason)
        return None
    if update.callback_query is not None:
        await update.callback_query.answer()
    await retire_buttons(update)
    if context.user_data is not None:
        context.user_data[NOTE] = {
            "ticket": ticket.id,
            "purpose": Purpose.COMMENT.value,
            "code": ticket.code,
        }
    thanks = t(f"citizen.note.thanks_{key}", code=ticket.code)
    await send_prompt(message, _note_prompt(Purpose.COMMENT, ticket.code), notice=thanks)
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


def conversation(app: App) -> ConversationHandler[Context]:
    notes: list[BaseHandler[Update, Context, object]] = [
        CallbackQueryHandler(on_note, pattern=r"^note\|"),
        MessageHandler(filters.ALL & ~filters.COMMAND, on_note),
    ]
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(begin_note, pattern=rf"^({REPLY_REF}|{ADD_REF})\.\d+\|"),
            CallbackQueryHandler(rating_button, pattern=rf"^{RATE_REF}\.\d+\|"),
            MessageHandler(filters.TEXT & ~filters.COMMAND & RatingTyped(app), typed_rating),
        ],
        states={p.value: notes for p in Purpose},
        fallbacks=[CommandHandler("huy", on_note)],
        name="citizen_note",
        persistent=True,
        allow_reentry=True,
    )
