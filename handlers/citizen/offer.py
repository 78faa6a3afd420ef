"""Typed text that matched nothing becomes an offer, by number: send it to the commune as a
question, file it as a case, or see the menu; never a bare "chưa hiểu".

The text waits in the citizen's conversation data (OFFER_KEY, kept across restarts) until they
choose; the buttons carry only the offer's short random reference. A typed number answers the
offer while it is the latest question (handlers.citizen.latest_question).
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import ConversationHandler

from bot.dialogs.menu import menu_prompt
from bot.dialogs.questions import OFFER_REF, OfferChoice, new_ref, offer_prompt
from bot.messages import Choice
from bot.texts import t
from handlers.citizen import intake, questions
from handlers.citizen.latest_question import TypedAnswer, asked, latest_ref, typed_button
from handlers.telegram.context import App, Context
from handlers.telegram.render import (
    button_data,
    parse_button,
    reply_target,
    retire_buttons,
    send_prompt,
)

OFFER_KEY = "offer"
END = ConversationHandler.END


class TypedOffer(TypedAnswer):
    """A typed number or words picking one of `choices` of the offer just shown."""

    def __init__(self, app: App, choices: frozenset[OfferChoice]) -> None:
        super().__init__(app, f"TypedOffer({'|'.join(sorted(choices))})")
        self._choices = choices

    def answers(self, data: dict[Any, Any], text: str) -> bool:
        choice = _typed(data, text)
        return choice is not None and OfferChoice(choice.key) in self._choices


def _typed(data: object, text: str) -> Choice | None:
    ref = latest_ref(data)
    if not ref.startswith(f"{OFFER_REF}."):
        return None
    picked = parse_button(typed_button(data, ref, text))
    return picked if picked is not None and picked.key in set(OfferChoice) else None


async def offer(context: Context, message: Message, text: str) -> None:
    """What to do with `text`, which matched no menu word, case code or search."""
    ref = new_ref()
    if context.user_data is not None:
        context.user_data[OFFER_KEY] = {"ref": ref, "text": text}
    prompt = offer_prompt(ref, text)
    buttons = tuple((o.label, button_data(prompt.ref, o.key)) for o in prompt.options)
    asked(context, prompt.ref, buttons)
    await send_prompt(message, prompt)


def _picked(update: Update, context: Context) -> tuple[OfferChoice, str | None] | None:
    """The choice pressed or typed, and the kept text when it is this offer's; None for a
    press this bot did not make."""
    query = update.callback_query
    message = update.effective_message
    if query is not None:
        choice = parse_button(query.data)
    else:
        choice = _typed(context.user_data, message.text or "") if message else None
    if choice is None or choice.key not in set(OfferChoice):
        return None
    kept = (context.user_data or {}).get(OFFER_KEY)
    fits = isinstance(kept, dict) and choice.ref == f"{OFFER_REF}.{kept.get('ref')}"
    text = kept.get("text") if fits and isinstance(kept, dict) else None
    if fits and context.user_data is not None:
        context.user_data.pop(OFFER_KEY, None)
    return OfferChoice(choice.key), text if isinstance(text, str) else None


async def on_choice(update: Update, context: Context) -> None:
    """ "Gửi câu hỏi này cho xã" or "Xem menu", pressed or typed."""
    picked = _picked(update, context)
    message = reply_target(update)
    query = update.callback_query
    if picked is None or message is None:
        if query is not None:
            await query.answer(t("error.button"))
        return
    choice, text = picked
    if query is not None:
        await query.answer()
        await retire_buttons(update)
    if choice is OfferChoice.MENU:
        await send_prompt(message, menu_prompt())
    elif text is None:
        await send_prompt(message, menu_prompt(t("questions.offer.gone")))
    else:
        await questions.ask_text(update, context, message, text)


async def start_case(update: Update, context: Context) -> str | int:
    """ "Gửi phản ánh, kiến nghị": the intake opens with the text as the case's content."""
    picked = _picked(update, context)
    if picked is None:
        if update.callback_query is not None:
            await update.callback_query.answer(t("error.button"))
        return END
    _, text = picked
    if text is None:
        return await intake.begin(update, context)
    return await intake.open_with_content(update, context, text)
