"""/dulieu and /xoadulieu: a citizen sees what is stored about them and asks to erase it; the
Office completes the request from the button on its notice. Every press is checked again: a
notice may be old, and button data may be forged."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.privacy import (
    CONFIRM_REF,
    Confirm,
    confirm_options,
    confirm_prompt,
    personal_data_text,
)
from bot.domain.choices import Nav, match_nav
from bot.domain.people import Person
from bot.domain.privacy import ErasureRequest
from bot.messages import Choice, Text, parse_number
from bot.services import privacy
from bot.texts import t
from handlers.officer.desk import current_officer, refuse_press
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import Context
from handlers.telegram.render import (
    chosen,
    event_of,
    is_command,
    parse_button,
    reply_target,
    retire_buttons,
    send_prompt,
    send_text,
)

CONFIRM = "confirm"
END = ConversationHandler.END
PENDING = "erasure"
COMMANDS = ("dulieu", "xoadulieu")


def about_own_data(update: Update, context: Context) -> bool:
    """Whether the update belongs to a citizen's own-data commands or their confirmation."""
    if any(is_command(update, name) for name in COMMANDS):
        return True
    return bool((context.user_data or {}).get(PENDING))


async def _citizen(update: Update, context: Context) -> Person | None:
    return await citizen_of(update, context)


async def show_data(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    if await current_officer(update, context) is not None:
        await message.reply_text(t("privacy.citizens_only"))
        return
    person = await _citizen(update, context)
    if person is None:
        await message.reply_text(t("privacy.nothing"))
        return
    services = context.services
    data = await privacy.personal_data(services.db, services.config, person)
    await send_text(message, personal_data_text(data, services.config))


def _end(context: Context) -> int:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    return END


async def begin(update: Update, context: Context) -> str | int:
    message = update.effective_message
    if message is None:
        return END
    if await current_officer(update, context) is not None:
        await message.reply_text(t("privacy.citizens_only"))
        return END
    person = await _citizen(update, context)
    if person is None:
        await message.reply_text(t("privacy.nothing"))
        return END
    services = context.services
    data = await privacy.personal_data(services.db, services.config, person)
    if data.erasure is not None:
        await _tell_filed(update, context, data.erasure, "privacy.already")
        return _end(context)
    if context.user_data is not None:
        context.user_data[PENDING] = True
    await send_prompt(message, confirm_prompt(data, services.config))
    return CONFIRM


async def _tell_filed(update: Update, context: Context, request: ErasureRequest, key: str) -> None:
    message = reply_target(update)
    if message is None:
        return
    zone = context.services.config.commune.zone
    await message.reply_text(
        t(
            key,
            number=request.id,
            requested=request.requested_at.astimezone(zone).strftime("%H:%M %d/%m/%Y"),
            due=request.due_at.astimezone(zone).strftime("%d/%m/%Y"),
        )
    )


async def on_answer(update: Update, context: Context) -> str | int:
    """A button or a typed answer (a number, the words); anything else asks again."""
    query = update.callback_query
    event = event_of(update)
    if query is not None:
        await query.answer()
        if not isinstance(event, Choice) or event.ref != CONFIRM_REF:
            return CONFIRM
    message = reply_target(update)
    person = await _citizen(update, context)
    if message is None or person is None:
        return _end(context)
    option = chosen(event, confirm_options())
    if isinstance(event, Choice):
        cancelled = event.key == Nav.CANCEL
    else:
        cancelled = isinstance(event, Text) and match_nav(event.text) is Nav.CANCEL
    if cancelled or (option is not None and option.key == Confirm.KEEP):
        await retire_buttons(update)
        await message.reply_text(t("privacy.kept"))
        return _end(context)
    if option is None:
        await message.reply_text(t("privacy.not_understood"))
        return CONFIRM
    await retire_buttons(update)
    services = context.services
    request, new = await privacy.request_erasure(
        services.db, services.clock, services.config, person
    )
    await _tell_filed(update, context, request, "privacy.filed" if new else "privacy.already")
    return _end(context)


async def stop(update: Update, context: Context) -> int:
    message = update.effective_message
    if message is not None:
        await message.reply_text(t("privacy.kept"))
    return _end(context)


async def complete_button(update: Update, context: Context) -> None:
    """An Office officer or an admin erases the data the request is about."""
    query = update.callback_query
    if query is None:
        return
    choice = parse_button(query.data)
    request_id = parse_number(choice.key) if choice is not None else None
    officer = await current_officer(update, context)
    if officer is None or request_id is None:
        await query.answer(t("error.button"))
        return
    services = context.services
    done = await privacy.complete_erasure(
        services.db, services.clock, services.config, officer, request_id
    )
    if done.outcome is not privacy.Completion.DONE:
        await refuse_press(update, f"privacy.{done.outcome.value}")
        return
    await query.answer()
    await retire_buttons(update)
    account = done.user_id
    if account is not None:
        # The drafts in memory go with the ones in the database.
        context.application.drop_user_data(account)
        context.application.drop_chat_data(account)
    message = reply_target(update)
    if message is not None:
        await message.reply_text(t("privacy.done_officer", number=request_id))


def conversation() -> ConversationHandler[Context]:
    return ConversationHandler(
        entry_points=[CommandHandler("xoadulieu", begin)],
        states={
            CONFIRM: [
                CallbackQueryHandler(on_answer, pattern=rf"^{CONFIRM_REF}\|"),
                MessageHandler(~filters.COMMAND, on_answer),
            ]
        },
        fallbacks=[CommandHandler("huy", stop)],
        name="erasure",
        persistent=True,
        allow_reentry=True,
    )
