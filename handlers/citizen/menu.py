"""The main menu and everything a citizen may do outside of writing a case."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import filters

from bot.dialogs.menu import MenuItem, help_text, menu_prompt, read_menu
from bot.dialogs.staff import staff_help
from bot.domain.choices import Nav, match_nav
from bot.domain.people import Officer, Person
from bot.domain.tickets import parse_code
from bot.messages import (
    ContactSent,
    DocumentSent,
    Event,
    LocationSent,
    PhotoSent,
    Text,
    Unsupported,
    VoiceSent,
)
from bot.services import case_views, citizen_replies, faq
from bot.texts import t
from handlers.citizen import (
    booking,
    citizen_case,
    intake,
    latest_question,
    offer,
    privacy,
    procedures,
    questions,
    schedule,
)
from handlers.citizen.links import follow, link_in
from handlers.citizen.lookup import show_case, show_list
from handlers.leader import announcements, reception
from handlers.officer import actions as officer_actions
from handlers.officer.desk import answer_staff, current_officer
from handlers.supervisor import supervision
from handlers.telegram import menus
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import Context
from handlers.telegram.render import (
    event_of,
    parse_button,
    refuse_long,
    reply_target,
    send_prompt,
    send_text,
)

_LOGGER = logging.getLogger(__name__)


class MenuChoice(filters.MessageFilter):
    """Matches a typed menu choice ("1", "gửi đơn", "gui don"), so typing works like a button."""

    def __init__(self, item: MenuItem) -> None:
        super().__init__(name=f"MenuChoice({item.value})")
        self.item = item

    def filter(self, message: Message) -> bool:
        return bool(message.text) and read_menu(message.text or "") is self.item


async def start(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    officer = await current_officer(update, context)
    if officer is not None:
        # Cards sent before the officer first opened the bot could not be delivered: say what
        # is waiting, so nothing depends on those messages.
        waiting = (await case_views.work_of(context.services.db, officer, shown=1)).total
        parts = [t("staff.greeting", name=officer.name), t("staff.waiting", count=waiting)]
        triage = context.services.config.routing.triage_department
        await message.reply_text("\n\n".join([*parts, staff_help(officer, triage)]))
        # Their menu could not be set before they first opened the bot: set it now.
        await menus.show(context.bot, officer, triage)
        return
    link = link_in(message.text)
    if link is not None:
        # A link to a new case is the intake conversation's (registered before this).
        await follow(update, context, message, link)
        return
    lead = t("start.greeting", commune=context.services.config.commune.name)
    if context.draft_open():
        # The draft's question follows, last (ask_open_question), not the menu's numbers.
        await message.reply_text(lead)
        return
    await send_prompt(message, menu_prompt(lead))


async def show_help(update: Update, context: Context) -> None:
    message = reply_target(update)
    if message is not None:
        year = context.services.clock.now().year
        await send_text(message, help_text(context.services.config, year))


async def _do(item: MenuItem, update: Update, context: Context, message: Message) -> None:
    if item is MenuItem.LOOKUP:
        citizen = await citizen_of(update, context)
        if citizen is not None:
            await show_list(message, citizen, context)
    elif item is MenuItem.SCHEDULE:
        await schedule.show_schedule(update, context)
    elif item is MenuItem.ANNOUNCEMENTS:
        await announcements.show_list(update, context)
    elif item is MenuItem.HELP:
        await show_help(update, context)
    elif item is MenuItem.GUIDE:
        await procedures.show_common(update, context)
    elif item is MenuItem.QUESTION:
        await questions.begin(context, message)


async def menu_button(update: Update, context: Context) -> None:
    """Menu buttons other than "send", which starts the intake conversation."""
    query = update.callback_query
    message = reply_target(update)
    choice = parse_button(query.data if query else None)
    if query is None:
        return
    if message is None or choice is None:
        await query.answer(t("error.button"))
        return
    await query.answer()
    item = next((i for i in MenuItem if i.value == choice.key), None)
    if item is None:
        await send_prompt(message, menu_prompt(t("error.button")))
        return
    await _do(item, update, context, message)


async def anything_else(update: Update, context: Context) -> None:
    """Whatever reaches the top level: a menu word, a case code, or something to explain."""
    message = update.effective_message
    if message is None:
        return
    event = event_of(update)
    officer = await current_officer(update, context)
    if officer is not None:
        await _staff_top_level(message, officer, context, event)
        return
    if isinstance(event, Text):
        if match_nav(event.text) is Nav.CANCEL:
            await send_prompt(message, menu_prompt(t("intake.nothing_to_cancel")))
            return
        item = read_menu(event.text)
        if item is not None:
            await _do(item, update, context, message)
            return
        citizen = await citizen_of(update, context)
        if citizen is not None and parse_code(event.text) is not None:
            await show_case(message, citizen, context, event.text)
            return
        if citizen is not None and await _answered_question(message, citizen, context, event.text):
            return
        if await procedures.search(update, context, message, event.text):
            return
        if await faq.find(context.services.db, event.text) is not None:
            # Asked and answered before: the approved answer at once, with the question's
            # own "send it anyway" beside it.
            await questions.ask_text(update, context, message, event.text)
            return
        await offer.offer(context, message, event.text)
    elif isinstance(event, Unsupported):
        await send_prompt(message, menu_prompt(t(f"unsupported.{event.what}")))
    else:
        await send_prompt(message, menu_prompt(t(f"unsupported.{_outside_flow(event)}")))


async def _staff_top_level(
    message: Message, officer: Officer, context: Context, event: Event | None
) -> None:
    """An officer's words and numbers outside an action get their commands, never the citizens'
    menu: an officer who is also a citizen reaches it by its commands (/guidon, /tracuu)."""
    cancel = isinstance(event, Text) and match_nav(event.text) is Nav.CANCEL
    lead = t("intake.nothing_to_cancel") if cancel else t("staff.not_understood")
    await answer_staff(message, officer, context, lead)


async def _answered_question(
    message: Message, citizen: Person, context: Context, text: str
) -> bool:
    """Text typed without pressing "Trả lời", while exactly one case waits for the citizen's
    answer, is that answer: elderly people often just type back."""
    services = context.services
    waiting = await citizen_replies.waiting_cases(services.db, services.config, citizen)
    if len(waiting) != 1 or len(text.strip()) < 2:
        return False
    if await refuse_long(message, text, services.config.limits.note_max):
        return True
    ticket = await citizen_replies.citizen_writes(
        services.db, services.clock, services.config, citizen, waiting[0].id, text
    )
    await send_prompt(message, menu_prompt(t("citizen.note.sent_write", code=ticket.code)))
    return True


def _outside_flow(event: Event | None) -> str:
    """Which explanation fits something that only makes sense while writing a case."""
    if isinstance(event, PhotoSent):
        return "photo"
    if isinstance(event, LocationSent):
        return "location"
    if isinstance(event, ContactSent):
        return "contact"
    if isinstance(event, VoiceSent):
        return "voice"
    if isinstance(event, DocumentSent):
        return "document"
    return "other"


async def nothing_to_cancel(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    officer = await current_officer(update, context)
    if officer is not None:
        await answer_staff(message, officer, context, t("intake.nothing_to_cancel"))
        return
    await send_prompt(message, menu_prompt(t("intake.nothing_to_cancel")))


async def unknown_command(update: Update, context: Context) -> None:
    """Citizens get the menu; an officer gets the commands their roles allow."""
    message = update.effective_message
    if message is None:
        return
    officer = await current_officer(update, context)
    if officer is None:
        await send_prompt(message, menu_prompt(t("unsupported.command")))
        return
    await answer_staff(message, officer, context, t("unsupported.staff_command"))


async def unknown_button(update: Update, context: Context) -> None:
    """A button this bot did not make, or one from a flow that is over: say so, change nothing."""
    query = update.callback_query
    if query is None:
        return
    _LOGGER.info("unknown button %r from %s", (query.data or "")[:80], query.from_user.id)
    officer = await current_officer(update, context)
    if officer is not None:
        # A step of an officer's action that is over (a double tap on "✅ Gửi kết quả"): the
        # pop-up in their words; a message with their commands would bury what was done.
        await query.answer(t("staff.stale_button"))
        return
    if await intake.late_press(update, context):
        return
    message = reply_target(update)
    await query.answer(t("error.button"))
    if message is not None:
        await send_prompt(message, menu_prompt())


# What other conversations keep while their question is open: theirs stays the last message.
_OTHER_QUESTIONS = (
    booking.PENDING,
    privacy.PENDING,
    reception.PENDING.key,
    officer_actions.PENDING.key,
    supervision.PENDING.key,
    announcements.PENDING.key,
)


async def ask_open_question(update: Update, context: Context) -> None:
    """After an update answered outside an open question (/lich, /tracuu, an officer's question,
    the menu), that question is asked again as the last message: the rating's comment, else
    the draft's step. What the citizen types next answers the question they see last."""
    data = context.user_data
    message = reply_target(update)
    if context.question_kept or not data or message is None or update.effective_user is None:
        return
    latest = data.get(latest_question.LATEST)
    if isinstance(latest, dict) and latest.get("fresh"):
        return  # this update asked a question of its own (a looked-up case's rating)
    if any(data.get(key) for key in _OTHER_QUESTIONS):
        return
    if not (data.get(latest_question.NOTE) or context.draft_open() or data.get(questions.KEY)):
        return
    if await current_officer(update, context) is not None:
        return  # an officer's own questions (a report's period) are not kept in user data
    if data.get(latest_question.NOTE):
        await citizen_case.ask_note_again(message, context)
    elif data.get(questions.KEY):
        await questions.show_again(context, message)
    elif context.draft_open():
        await intake.show_again(context, message)
