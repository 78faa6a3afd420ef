"""❓ Hỏi xã on Telegram (and Zalo through it): the citizen writes a question, reads it back and
sends it; an approved FAQ answer that fits is shown first.

The question being written lives in the citizen's conversation data under KEY (plain JSON,
kept across restarts), not in a ConversationHandler, so it can start from the menu, from the
offer made for unmatched text (`ask_text`) or from any future entry point alike. It is filed
through the intake's own service, so it gets everything a case gets.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import filters

from bot.dialogs.menu import menu_prompt
from bot.dialogs.notices import day, holder_label
from bot.dialogs.questions import (
    EDIT,
    ENOUGH,
    QUESTION_REF,
    SEND,
    STILL,
    QuestionStep,
    checked,
    confirm_prompt,
    faq_prompt,
    new_question,
    question_draft,
    write_prompt,
)
from bot.domain.choices import Nav, Option, match_nav
from bot.messages import Choice, Prompt, Text
from bot.services import faq
from bot.services.intake import file_draft, may_file
from bot.texts import t
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import App, Context
from handlers.telegram.render import (
    chosen,
    event_of,
    parse_button,
    reply_target,
    retire_buttons,
    send_prompt,
    show_next,
)

KEY = "question"


class QuestionOpen(filters.MessageFilter):
    """Anything a citizen who is writing a question sends: it answers that question's step."""

    def __init__(self, app: App) -> None:
        super().__init__(name="QuestionOpen")
        self._app = app

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None or user.id not in self._app.user_data:
            return False
        return isinstance(self._app.user_data[user.id].get(KEY), dict)


def _state(context: Context) -> dict[str, Any] | None:
    state = (context.user_data or {}).get(KEY)
    return state if isinstance(state, dict) and isinstance(state.get("ref"), str) else None


def _keep(context: Context, state: dict[str, Any]) -> None:
    context.question_kept = True
    if context.user_data is not None:
        context.user_data[KEY] = state


def _drop(context: Context) -> None:
    context.question_kept = True
    if context.user_data is not None:
        context.user_data.pop(KEY, None)


def _prompt(state: dict[str, Any]) -> Prompt:
    ref, text = str(state["ref"]), state.get("text")
    if state.get("step") == QuestionStep.CONFIRM and isinstance(text, str):
        return confirm_prompt(ref, text)
    return write_prompt(ref, again=bool(text))


async def begin(context: Context, message: Message) -> None:
    """The menu's "❓ Hỏi xã" (its press already answered): ask what the citizen wants to know."""
    state = new_question()
    _keep(context, state)
    await send_prompt(message, _prompt(state))


async def ask_text(update: Update, context: Context, message: Message, text: str) -> None:
    """A question whose words the citizen typed already (the offer for unmatched text)."""
    await _written(update, context, message, new_question(), text)


async def show_again(context: Context, message: Message) -> None:
    """The question's step again, last, once something else was answered in between."""
    state = _state(context)
    if state is not None:
        context.question_kept = True
        await send_prompt(message, _prompt(state), notice=t("intake.resume"))


async def _written(
    update: Update, context: Context, message: Message, state: dict[str, Any], text: str
) -> None:
    """The question's words: refused with the reason, or an approved answer that fits shown
    first, or read back before it goes."""
    services = context.services
    question, error = checked(text, services.config)
    if question is None:
        _keep(context, {**state, "step": QuestionStep.WRITE.value})
        await send_prompt(message, write_prompt(str(state["ref"])), notice=error)
        return
    state = {**state, "text": question, "step": QuestionStep.CONFIRM.value}
    entry = await faq.find(services.db, question)
    if entry is not None:
        _keep(context, {**state, "step": QuestionStep.FAQ.value})
        await show_next(update, message, faq_prompt(str(state["ref"]), entry))
        return
    _keep(context, state)
    await show_next(update, message, _prompt(state))


def _options(state: dict[str, Any]) -> tuple[Option, ...]:
    step = state.get("step")
    if step == QuestionStep.CONFIRM:
        return (SEND, EDIT)
    if step == QuestionStep.FAQ:
        return (STILL, ENOUGH)
    return ()


async def on_message(update: Update, context: Context) -> None:
    """Whatever the citizen sends while writing a question answers its current step."""
    state = _state(context)
    message = reply_target(update)
    event = event_of(update)
    if state is None or message is None:
        _drop(context)
        return
    if isinstance(event, Text) and match_nav(event.text) is Nav.CANCEL:
        await _cancel(context, message)
        return
    if state.get("step") == QuestionStep.WRITE:
        if isinstance(event, Text):
            await _written(update, context, message, state, event.text)
        else:
            _keep(context, state)
            await send_prompt(message, _prompt(state), notice=t("questions.only_text"))
        return
    option = chosen(event, _options(state))
    if option is None:
        _keep(context, state)
        prompt = confirm_prompt(str(state["ref"]), str(state.get("text")))
        if state.get("step") == QuestionStep.FAQ:
            entry = await faq.find(context.services.db, str(state.get("text")))
            prompt = faq_prompt(str(state["ref"]), entry) if entry else prompt
        await send_prompt(message, prompt, notice=t("intake.not_understood"))
        return
    await _choose(update, context, message, state, option.key)


async def on_button(update: Update, context: Context) -> None:
    """A press on the question's buttons; one of an earlier question says it is old."""
    query = update.callback_query
    if query is None:
        return
    choice = parse_button(query.data)
    state = _state(context)
    message = reply_target(update)
    if choice is None or state is None or message is None:
        await query.answer(t("questions.stale"))
        return
    if choice.ref != f"{QUESTION_REF}.{state['ref']}":
        await query.answer(t("questions.stale"))
        return
    if choice.key == Nav.CANCEL:
        await query.answer()
        await retire_buttons(update)
        await _cancel(context, message)
        return
    if chosen(Choice(choice.ref, choice.key), _options(state)) is None:
        await query.answer(t("questions.stale"))
        return
    await _choose(update, context, message, state, choice.key)


async def _choose(
    update: Update, context: Context, message: Message, state: dict[str, Any], key: str
) -> None:
    if key == SEND.key:
        await _file(update, context, message, state)
    elif key == STILL.key:
        state = {**state, "step": QuestionStep.CONFIRM.value}
        _keep(context, state)
        await show_next(update, message, _prompt(state))
    elif key == EDIT.key:
        state = {**state, "step": QuestionStep.WRITE.value}
        _keep(context, state)
        current = t("intake.current", value=state.get("text"))
        await show_next(update, message, _prompt(state), notice=current)
    else:
        _drop(context)
        await show_next(update, message, menu_prompt(t("questions.faq_thanks")))


async def _file(update: Update, context: Context, message: Message, state: dict[str, Any]) -> None:
    """Filed through the intake's service: code, receipt, routing, deadline, reminders."""
    services = context.services
    citizen = await citizen_of(update, context)
    if citizen is None:
        _drop(context)
        if update.callback_query is not None:
            await update.callback_query.answer()
        return
    draft = question_draft(str(state["draft"]), str(state["text"]))
    if not await may_file(services.db, services.clock, services.config, citizen):
        _drop(context)
        limit = services.config.limits.cases_per_day
        await show_next(update, message, menu_prompt(t("limits.cases_per_day", limit=limit)))
        return
    filing = await file_draft(services.db, services.clock, services.config, citizen, draft)
    _drop(context)
    ticket = filing.ticket
    if filing.earlier:
        await show_next(update, message, menu_prompt(t("questions.already_sent", code=ticket.code)))
        return
    receipt = t(
        "questions.sent",
        code=ticket.code,
        department=holder_label(filing.holder, services.config),
        due=day(ticket.due_on),
    )
    await show_next(update, message, menu_prompt(receipt))


async def _cancel(context: Context, message: Message) -> None:
    _drop(context)
    await send_prompt(message, menu_prompt(t("questions.cancelled")))


async def cancel_command(update: Update, context: Context) -> None:
    """/huy while writing a question."""
    message = reply_target(update)
    if message is not None:
        await _cancel(context, message)
