"""Writing a case on Telegram: a persistent ConversationHandler around the intake dialog.

Every step takes the same handlers because every step must answer every kind of input (a sticker
at the name step gets a kind word, not silence); the dialog decides what the input means. The
draft keeps its own step too, because a callback cannot ask the ConversationHandler which state
it is in, and resuming or re-showing a question needs it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from pydantic import ValidationError
from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs import intake
from bot.dialogs.intake import Outcome, Turn
from bot.dialogs.menu import MENU_REF, LinkTarget, MenuItem, WaitingLinks, menu_prompt
from bot.dialogs.notices import day, holder_label
from bot.domain.chats import is_local_id
from bot.domain.deadlines import due_on_receipt_is_acceptance
from bot.domain.draft import PHONE_STEPS, Draft, Step
from bot.domain.tickets import Ticket
from bot.messages import Prompt
from bot.services.intake import file_draft, may_file
from bot.texts import t
from handlers.citizen.links import AgreedToOpenForm, OpensLink
from handlers.officer.desk import answer_staff
from handlers.telegram.accounts import citizen_of, officer_of
from handlers.telegram.context import DRAFT_KEY, Context
from handlers.telegram.render import (
    event_of,
    parse_button,
    reply_target,
    retire_buttons,
    send_prompt,
    send_text,
    show_next,
)

_LOGGER = logging.getLogger(__name__)
FILED_KEY = "filed"  # the code of the case the last draft became
END = ConversationHandler.END


def _draft(context: Context) -> Draft | None:
    raw = (context.user_data or {}).get(DRAFT_KEY)
    if raw is None:
        return None
    if isinstance(raw, dict) and "keyboard" not in raw:
        # Kept before the phone's keyboard became a choice: it showed at every location and
        # phone step, and must be taken away on leaving, not left under later questions.
        raw = {**raw, "keyboard": raw.get("step") in PHONE_STEPS}
    try:
        return Draft.model_validate(raw)
    except ValidationError:
        _LOGGER.warning("dropping a stored draft that no longer fits the model")
        return None


def _keep(context: Context, draft: Draft) -> str:
    context.question_kept = True
    if context.user_data is not None:
        context.user_data[DRAFT_KEY] = draft.model_dump(mode="json")
    return draft.step.value


def _drop(context: Context) -> int:
    if context.user_data is not None:
        context.user_data.pop(DRAFT_KEY, None)
    return END


def _asks_device(draft: Draft, context: Context) -> bool:
    return intake.prompt(draft, context.services.config).request is not None


async def begin(update: Update, context: Context) -> str | int:
    """Start a new case, or pick up the one left half-way."""
    return await _open(update, context, pressed=True)


async def begin_typed(update: Update, context: Context) -> str | int:
    """The menu's "send" typed: an officer's typed number is not the citizens' menu (their
    form opens by /guidon), so they get their commands."""
    officer = await officer_of(update, context)
    message = update.effective_message
    if officer is not None and message is not None:
        await answer_staff(message, officer, context, t("staff.not_understood"))
        return END
    return await begin(update, context)


async def open_after_consent(update: Update, context: Context) -> str | int:
    """A new-case link's form, once its person agreed to the privacy notice; the consent gate
    has answered the press and taken its buttons away (Telegram takes one answer)."""
    return await _open(update, context)


async def open_with_content(update: Update, context: Context, content: str) -> str | int:
    """A new case whose content is what the citizen typed before choosing to file it (the
    offer for unmatched text); the content step then shows it, to keep or rewrite."""
    return await _open(update, context, pressed=True, content=content)


async def _open(
    update: Update, context: Context, *, pressed: bool = False, content: str | None = None
) -> str | int:
    """`pressed`: the menu's button opened the form, and its press is still to be answered
    (the consent gate answers a press it lets through itself)."""
    message = reply_target(update)
    draft = _draft(context)
    if context.user_data is not None:
        context.user_data.pop(FILED_KEY, None)
    show = show_next if pressed else _send
    if draft is None and not await _may_file(update, context):
        if message is not None:
            limit = context.services.config.limits.cases_per_day
            await show(update, message, menu_prompt(t("limits.cases_per_day", limit=limit)))
        elif pressed and update.callback_query is not None:
            await update.callback_query.answer()
        return END
    notice = t("intake.resume") if draft else None
    chat = update.effective_chat
    # A Zalo chat cannot send the phone's location or number: it is never offered there.
    draft = draft or intake.new_draft(
        phone_buttons=chat is not None and not is_local_id(chat.id),
        publication=context.services.config.web.enabled,
        content=content,
    )
    if message is not None:
        await show(update, message, intake.prompt(draft, context.services.config), notice=notice)
    elif pressed and update.callback_query is not None:
        await update.callback_query.answer()
    return _keep(context, draft)


async def _send(
    update: Update,
    message: Message,
    prompt: Prompt,
    *,
    notice: str | None = None,
    had_keyboard: bool = False,
) -> None:
    """show_next's shape for a question that is asked below, whatever came before it."""
    await send_prompt(message, prompt, notice=notice, had_keyboard=had_keyboard)


async def _may_file(update: Update, context: Context) -> bool:
    services = context.services
    citizen = await citizen_of(update, context)
    return citizen is None or await may_file(services.db, services.clock, services.config, citizen)


async def resume(update: Update, context: Context) -> str | int | None:
    """/guidon or an old button during a draft: show where the citizen is."""
    query = update.callback_query
    if query is not None:
        _LOGGER.info("button %r pressed during a draft", (query.data or "")[:80])
        await query.answer(t("error.button"))
    draft = _draft(context)
    message = reply_target(update)
    if draft is None:
        return _drop(context)
    await show_again(context, message, draft)
    return None


async def show_again(context: Context, message: Message | None, draft: Draft | None = None) -> None:
    """The draft's question again, last, once something else was answered in between: a
    number typed next answers this question, not one shown before."""
    draft = draft or _draft(context)
    context.question_kept = True
    if message is not None and draft is not None:
        config = context.services.config
        await send_prompt(message, intake.prompt(draft, config), notice=t("intake.resume"))


async def cancel(update: Update, context: Context) -> int:
    draft = _draft(context)
    message = reply_target(update)
    if message is not None:
        had_keyboard = draft is not None and _asks_device(draft, context)
        await send_text(message, t("intake.cancelled"), had_keyboard=had_keyboard)
        await send_prompt(message, menu_prompt())
    return _drop(context)


async def on_answer(update: Update, context: Context) -> str | int:
    """One answer to the current step, whatever its form."""
    # Whatever comes of it (an error too: the draft is kept, the citizen tries again), this
    # update was the draft's: its question is not asked again after it.
    context.question_kept = True
    draft = _draft(context)
    message = reply_target(update)
    if draft is None or message is None:
        return _drop(context)
    event = event_of(update)
    query = update.callback_query
    config = context.services.config
    if event is None:
        if query is not None:
            await query.answer()
        await send_prompt(message, intake.prompt(draft, config), notice=t("error.button"))
        return _keep(context, draft)
    turn = intake.answer(draft, event, config)
    moved = turn.draft.step is not draft.step
    # A press that moves on is answered with the next question (show_next), at once.
    next_shown = turn.outcome is Outcome.SUBMIT or (turn.outcome is Outcome.CONTINUE and moved)
    if query is not None and not next_shown:
        await query.answer()
        if moved:
            await retire_buttons(update)
    had_keyboard = _asks_device(draft, context)
    if turn.outcome is Outcome.CONTINUE:
        prompt = intake.prompt(turn.draft, config)
        show = show_next if moved else _send
        await show(update, message, prompt, notice=turn.notice, had_keyboard=had_keyboard)
        return _keep(context, turn.draft)
    if turn.outcome is Outcome.SUBMIT:
        return await _submit(update, context, message, turn)
    lead = t("intake.cancelled") if turn.outcome is Outcome.CANCELLED else None
    if had_keyboard:
        await send_prompt(message, menu_prompt(), notice=lead, had_keyboard=True)
    else:
        await send_prompt(message, menu_prompt(lead))
    return _drop(context)


async def _submit(update: Update, context: Context, message: Message, turn: Turn) -> int:
    """The press of "✅ Gửi" (still to be answered) or its words typed: the case is filed and
    the receipt becomes the next step."""
    services = context.services
    citizen = await citizen_of(update, context)
    if citizen is None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        return _drop(context)
    filing = await file_draft(services.db, services.clock, services.config, citizen, turn.draft)
    ticket = filing.ticket
    if filing.earlier:
        # Answered once already: the code again, not a second receipt read as a second case.
        await show_next(update, message, menu_prompt(t("intake.already_sent", code=ticket.code)))
        return _filed(context, ticket.code)
    holding = holder_label(filing.holder, services.config)
    await show_next(update, message, menu_prompt(_receipt(ticket, holding)))
    return _filed(context, ticket.code)


def _filed(context: Context, code: str) -> int:
    if context.user_data is not None:
        context.user_data[FILED_KEY] = code
    return _drop(context)


async def late_press(update: Update, context: Context) -> bool:
    """A draft's button pressed after the draft became a case (a double tap on "✅ Gửi"):
    that step is done and its receipt is on screen, so only the pop-up answers, with the code;
    a new message there would bury the receipt. False for any other press."""
    query = update.callback_query
    stored = context.user_data or {}
    code = stored.get(FILED_KEY)
    choice = parse_button(query.data if query else None)
    if query is None or choice is None or not isinstance(code, str) or DRAFT_KEY in stored:
        return False
    if not choice.ref.startswith(intake.REF_PREFIX):
        return False
    await query.answer(t("intake.already_sent", code=code))
    return True


def _receipt(ticket: Ticket, holding: str) -> str:
    due = day(ticket.due_on)
    if due_on_receipt_is_acceptance(ticket.kind):
        deadline = t("intake.due_accept", due=due)
    else:
        deadline = t("intake.due_reply", due=due)
    text = t("intake.submitted", code=ticket.code, department=holding, deadline=deadline)
    if ticket.kind.needs_identity:
        text += "\n" + t("intake.submitted_sign", kind=t(f"kind.{ticket.kind.value}.label").lower())
    return text


def conversation(
    send_typed: filters.BaseFilter,
    links: WaitingLinks,
    from_offer: Sequence[BaseHandler[Update, Context, object]] = (),
) -> ConversationHandler[Context]:
    """The intake conversation; `send_typed` recognises the menu's "send" typed as text,
    `links` the agreement to the privacy notice that a new-case link waited for, and
    `from_offer` the choice to file as a case a text that matched nothing."""
    answers: list[BaseHandler[Update, Context, object]] = [
        CallbackQueryHandler(on_answer, pattern=r"^in\."),
        MessageHandler(filters.ALL & ~filters.COMMAND, on_answer),
    ]
    new_case_link = OpensLink(LinkTarget.NEW_CASE)
    return ConversationHandler(
        entry_points=[
            *from_offer,
            AgreedToOpenForm(links, open_after_consent),
            CommandHandler("guidon", begin),
            CommandHandler("start", begin, filters=new_case_link),
            CallbackQueryHandler(begin, pattern=rf"^{MENU_REF}\|{MenuItem.SEND.value}$"),
            MessageHandler(filters.TEXT & ~filters.COMMAND & send_typed, begin_typed),
        ],
        states={step.value: answers for step in Step},
        fallbacks=[
            CommandHandler("huy", cancel),
            CommandHandler("guidon", resume),
            CommandHandler("start", resume, filters=new_case_link),
            CallbackQueryHandler(resume),
        ],
        name="intake",
        persistent=True,
    )
