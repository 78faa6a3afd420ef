"""The citizen's side of a case in progress: answering a question, adding information, rating.

The citizen writes to the bot, never to the officer: neither side sees the other's account.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.media import attachment_of, files_word, refusal_of, refusal_text
from bot.dialogs.menu import menu_prompt
from bot.dialogs.notices import (
    ADD_REF,
    RATE_REF,
    REPLY_REF,
    parse_case_ref,
    rating_options,
)
from bot.domain.choices import Nav, Option, match_nav, match_option
from bot.domain.people import Person
from bot.domain.tickets import PHOTO, Attachment
from bot.messages import DocumentSent, PhotoSent, Prompt, Text, VoiceSent
from bot.services import citizen_replies
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.citizen.latest_question import (
    LATEST,
    NOTE,
    FilesForQuestion,
    TypedChoice,
    asked,
    latest_ref,
    typed_choices,
)
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import App, Context
from handlers.telegram.render import (
    event_of,
    parse_button,
    refuse_long,
    reply_target,
    retire_buttons,
    send_prompt,
)

END = ConversationHandler.END
SKIP = Option("skip", t("citizen.note.skip"), ("bo qua", "khong"))
DONE = Option("done", t("citizen.files.done"), ("xong", "da xong", "het"))
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


async def ask_note_again(message: Message, context: Context) -> None:
    """The open note's question once more, after something else was answered."""
    note = (context.user_data or {}).get(NOTE) or {}
    if note:
        await send_prompt(message, _note_prompt(Purpose(note["purpose"]), note["code"]))


def _in_question(context: Context) -> bool:
    return bool((context.user_data or {}).get(NOTE))


async def _refuse(update: Update, context: Context, message: Message, reason: str) -> None:
    """Answer a press or a typed choice that no longer applies, changing nothing.

    A question in progress stays the last message (the pop-up on the button says it); else the
    answer is a message, and the question is asked again after it (handlers.menu). The caller
    then keeps the conversation where it was: a double tap on a rating must not end the
    comment question the first tap asked.
    """
    query = update.callback_query
    text = t(_CITIZEN_REASONS.get(reason, reason))
    if query is not None and _in_question(context):
        context.question_kept = True
        await query.answer(text)
        return
    if query is not None:
        await query.answer()
    await message.reply_text(text)


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
    return await _begin_note(update, context, message, citizen, ticket_id or 0)


async def _begin_note(
    update: Update, context: Context, message: Message, citizen: Person, ticket_id: int
) -> str | None:
    try:
        ticket = await citizen_replies.case_of_citizen(
            context.services.db, context.services.config, citizen, ticket_id
        )
    except CaseworkError as error:
        await _refuse(update, context, message, error.reason)
        return None
    if update.callback_query is not None:
        await update.callback_query.answer()
    context.question_kept = True
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


async def typed_choice(update: Update, context: Context) -> str | int | None:
    """A choice of the latest question typed: the rating ("2", "chưa hài lòng") or "trả lời"."""
    message = update.effective_message
    citizen = await _citizen(update, context)
    ref = latest_ref(context.user_data)
    option = match_option(message.text or "", typed_choices(ref)) if message else None
    if message is None or citizen is None:
        return None
    if context.user_data is not None:
        context.user_data.pop(LATEST, None)
    rated = parse_case_ref(ref, RATE_REF)
    if rated is not None and option is not None:
        return await _rate(update, context, message, citizen, rated, option.key)
    if rated is not None:
        prompt = Prompt(t("citizen.rate_again"), ref, rating_options())
        await send_prompt(message, prompt, notice=t("menu.not_understood"))
        asked(context, ref)
        return None
    asking = parse_case_ref(ref, REPLY_REF) or 0
    if option is not None:
        return await _begin_note(update, context, message, citizen, asking)
    await _write(message, context, citizen, asking, message.text or "")
    return None


async def files_for_question(update: Update, context: Context) -> str | int | None:
    """Files sent under an officer's question, without "✍️ Trả lời" pressed: the answer."""
    message = update.effective_message
    citizen = await _citizen(update, context)
    event = event_of(update)
    asking = parse_case_ref(latest_ref(context.user_data), REPLY_REF)
    if message is None or citizen is None or asking is None:
        return None
    if not isinstance(event, PhotoSent | VoiceSent | DocumentSent):
        return None
    if context.user_data is not None:
        context.user_data.pop(LATEST, None)
    try:
        ticket = await citizen_replies.case_of_citizen(
            context.services.db, context.services.config, citizen, asking
        )
    except CaseworkError as error:
        await _refuse(update, context, message, error.reason)
        return None
    note = {"ticket": ticket.id, "purpose": Purpose.WRITE.value, "code": ticket.code}
    if context.user_data is not None:
        context.user_data[NOTE] = note
    return await _send_files(message, context, citizen, note, event)


async def _write(
    message: Message, context: Context, citizen: Person, ticket_id: int, text: str
) -> bool:
    """The citizen's answer to an officer's question, or information they add, to the case's
    officer; False when it is too long, to be shortened at the same question (a case that no
    longer takes it is said so, and done with)."""
    services = context.services
    if await refuse_long(message, text, services.config.limits.note_max):
        return False
    try:
        ticket = await citizen_replies.citizen_writes(
            services.db, services.clock, services.config, citizen, ticket_id, text
        )
    except CaseworkError as error:
        await message.reply_text(t(_CITIZEN_REASONS.get(error.reason, error.reason)))
        return True
    await _close(message, context, t("citizen.note.sent_write", code=ticket.code))
    return True


async def _close(message: Message, context: Context, lead: str) -> None:
    """The last words of a note; the menu comes with them unless a draft is open, whose
    question is then asked again instead (handlers.menu.ask_open_question)."""
    if context.draft_open():
        await message.reply_text(lead)
    else:
        await send_prompt(message, menu_prompt(lead))


async def _rate(
    update: Update, context: Context, message: Message, citizen: Person, ticket_id: int, key: str
) -> str | None:
    """One rating, by button or typed: one acknowledgement, then the comment question last."""
    services = context.services
    if context.user_data is not None:
        context.user_data.pop(LATEST, None)
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
    context.question_kept = True
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
    comment = purpose is Purpose.COMMENT
    if isinstance(event, Text) and note.get("files") and match_option(event.text, (DONE,)):
        said = DONE.key
    if said == Nav.CANCEL.value or (comment and said == SKIP.key) or said == DONE.key:
        await retire_buttons(update)
        _end(context)
        await _close(message, context, t("citizen.note.skipped"))
        return END
    if not comment and isinstance(event, PhotoSent | VoiceSent | DocumentSent):
        return await _send_files(message, context, citizen, note, event)
    # An answer may be one character ("1": the first of what the officer asked about).
    shortest = 2 if comment else 1
    if not isinstance(event, Text) or len(event.text.strip()) < shortest:
        context.question_kept = True
        if comment:
            prompt = _note_prompt(purpose, note["code"])
            await send_prompt(message, prompt, notice=t("citizen.note.need_comment"))
        else:
            await message.reply_text(t("citizen.note.need_text"))
        return purpose.value
    if not comment:
        written = await _write(message, context, citizen, note["ticket"], event.text)
        context.question_kept = not written
        return _end(context) if written else purpose.value
    services = context.services
    if await refuse_long(message, event.text, services.config.limits.note_max):
        context.question_kept = True
        return purpose.value
    try:
        await citizen_replies.comment_rating(
            services.db, services.clock, services.config, citizen, note["ticket"], event.text
        )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return _end(context)
    _end(context)
    await _close(message, context, t("citizen.note.sent_comment", code=note["code"]))
    return END


async def _send_files(
    message: Message,
    context: Context,
    citizen: Person,
    note: dict[str, Any],
    event: PhotoSent | VoiceSent | DocumentSent,
) -> str | int:
    """A photo, voice note or document sent as the answer or added information: it goes to
    the officer at once, and the question stays open for more (an album comes as several
    messages) until "Xong"; a refused file changes nothing."""
    services = context.services
    context.question_kept = True
    if isinstance(event, PhotoSent):
        file = Attachment(PHOTO, event.file_id, event.file_unique_id)
    else:
        file = attachment_of(event)
        refusal = refusal_of(event, services.config)
        if refusal is not None:
            await message.reply_text(refusal_text(refusal, event, services.config))
            return Purpose.WRITE.value
    caption = event.caption if event.caption and event.caption.strip() else None
    if caption is not None and await refuse_long(message, caption, services.config.limits.note_max):
        return Purpose.WRITE.value
    try:
        ticket = await citizen_replies.citizen_adds_files(
            services.db,
            services.clock,
            services.config,
            citizen,
            note["ticket"],
            [file],
            caption,
        )
    except CaseworkError as error:
        reasons = {**_CITIZEN_REASONS, "case.not_now": "citizen.files.closed"}
        await message.reply_text(t(reasons.get(error.reason, error.reason)))
        return _end(context)
    if context.user_data is not None:
        context.user_data[NOTE] = {**note, "files": True}
    sent = t("citizen.files.sent", what=files_word([file]), code=ticket.code)
    await send_prompt(message, Prompt(text=sent, ref="note", options=(DONE,)))
    return Purpose.WRITE.value


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
            MessageHandler(filters.TEXT & ~filters.COMMAND & TypedChoice(app), typed_choice),
            MessageHandler(FilesForQuestion(app), files_for_question),
        ],
        states={p.value: notes for p in Purpose},
        fallbacks=[CommandHandler("huy", on_note)],
        name="citizen_note",
        persistent=True,
        allow_reentry=True,
    )
