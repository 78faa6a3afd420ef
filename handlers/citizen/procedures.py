"""Procedure guidance as a citizen meets it: the menu's "📋 Hướng dẫn thủ tục" with the
commonest procedures, free text at the top level searched in the catalog, the short answer,
the documents to bring, and "📅 Đặt lịch nộp hồ sơ" into the reception booking.

A button carries only "gd|<action>.<procedure id>"; the id is looked up again on every press,
so a forged one, or one left from a catalog since changed, gets the usual polite answer. Typed
numbers and words pick the buttons of the latest list or answer, as everywhere (on Zalo the
channel turns them into presses itself).
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from bot.config.procedures import Procedure
from bot.dialogs.menu import menu_prompt
from bot.dialogs.procedures import (
    GUIDE_REF,
    Action,
    answer_prompt,
    choose_prompt,
    documents_prompt,
    read_action,
)
from bot.domain.chats import TELEGRAM_CHANNEL, is_local_id
from bot.messages import Prompt
from bot.services import guide
from bot.texts import t
from handlers.citizen import questions
from handlers.citizen.latest_question import TypedAnswer, asked, question_open, typed_button
from handlers.telegram.context import App, Context
from handlers.telegram.render import button_data, parse_button, reply_target, send_prompt
from handlers.zalo.inbound import CHANNEL as ZALO_CHANNEL

# The guide's own buttons; "b." (booking) is the booking conversation's entry.
BUTTON_PATTERN = rf"^{GUIDE_REF}\|[{Action.PICK}{Action.DOCUMENTS}{Action.MENU}{Action.ASK}]\."
BOOK_PATTERN = rf"^{GUIDE_REF}\|{Action.BOOK}\."


class TypedPick(TypedAnswer):
    """A typed number or words picking a button of the guide's latest list or answer; with
    `booking`, only its "📅 Đặt lịch nộp hồ sơ" (the booking conversation's entry)."""

    def __init__(self, app: App, *, booking: bool) -> None:
        super().__init__(app, "GuideBook" if booking else "GuidePick")
        self._booking = booking

    def answers(self, data: dict[Any, Any], text: str) -> bool:
        choice = parse_button(typed_button(data, GUIDE_REF, text))
        if choice is None:
            return False
        action = read_action(choice.key)
        return action is not None and (action[0] is Action.BOOK) == self._booking


def booked_procedure(update: Update, context: Context) -> Procedure | None:
    """The procedure whose "📅 Đặt lịch nộp hồ sơ" was pressed or typed, if it still offers
    booking; the booking conversation then asks for the session."""
    query = update.callback_query
    message = update.effective_message
    if query is not None:
        data = query.data
    else:
        data = typed_button(context.user_data, GUIDE_REF, message.text or "") if message else None
    choice = parse_button(data)
    action = read_action(choice.key) if choice is not None else None
    if action is None or action[0] is not Action.BOOK:
        return None
    found = guide.procedure(context.services.config, action[1])
    return found if found is not None and found.booking else None


async def _ask(context: Context, message: Message, prompt: Prompt) -> None:
    """Send the list or answer; its buttons can then be typed, unless a draft's question is
    the one to answer (it is asked again after this)."""
    await send_prompt(message, prompt)
    if not question_open(context):
        shown = tuple((o.label, button_data(prompt.ref, o.key)) for o in prompt.options)
        asked(context, GUIDE_REF, shown)


async def show_common(update: Update, context: Context) -> None:
    """The menu's "📋 Hướng dẫn thủ tục": what procedure, with the commonest to pick."""
    message = reply_target(update)
    if message is None:
        return
    config = context.services.config
    if config.procedures.content is None:
        await send_prompt(message, menu_prompt(t("procedures.empty")))
        return
    await _ask(context, message, choose_prompt(guide.common(config), asking=True))


async def search(update: Update, context: Context, message: Message, text: str) -> bool:
    """Free text at the top level searched in the guide; False when nothing matched (the
    caller keeps its own answer for that)."""
    services = context.services
    index = context.bot_data.guide
    if not len(index):
        return False
    channel = ZALO_CHANNEL if is_local_id(message.chat_id) else TELEGRAM_CHANNEL
    found = await guide.look_up(services.db, services.clock, services.config, index, text, channel)
    procedures = tuple(
        p for p in (guide.procedure(services.config, e.id) for e in found.entries) if p
    )
    catalog = services.config.procedures.content
    if not procedures or catalog is None:
        return False
    if len(procedures) == 1:
        await _ask(context, message, answer_prompt(procedures[0], catalog))
    else:
        await _ask(context, message, choose_prompt(procedures, asking=False))
    return True


async def _act(context: Context, message: Message, key: str) -> bool:
    """Do what a guide button says; False for a key or procedure that is not (any longer)."""
    config = context.services.config
    action = read_action(key)
    catalog = config.procedures.content
    if action is None or catalog is None:
        return False
    if action[0] is Action.MENU:
        await send_prompt(message, menu_prompt())
        return True
    if action[0] is Action.ASK:
        await questions.begin(context, message)
        return True
    procedure = guide.procedure(config, action[1])
    if procedure is None:
        return False
    if action[0] is Action.PICK:
        await _ask(context, message, answer_prompt(procedure, catalog))
    else:
        await _ask(context, message, documents_prompt(procedure, catalog))
    return True


async def guide_button(update: Update, context: Context) -> None:
    query = update.callback_query
    message = reply_target(update)
    choice = parse_button(query.data if query else None)
    if query is None:
        return
    if message is None or choice is None:
        await query.answer(t("error.button"))
        return
    if not await _act(context, message, choice.key):
        await query.answer(t("error.button"))
        return
    await query.answer()


async def typed_pick(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    choice = parse_button(typed_button(context.user_data, GUIDE_REF, message.text or ""))
    if choice is None or not await _act(context, message, choice.key):
        await send_prompt(message, menu_prompt(t("error.button")))
