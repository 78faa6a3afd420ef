"""A citizen looks up their own cases: a paged list, or one case by its code."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit

from bot.dialogs.notices import ADD_REF, case_ref, parse_case_ref, rating_prompt
from bot.dialogs.summary import case_detail, case_line
from bot.domain.people import Person
from bot.domain.publication import is_public
from bot.domain.tickets import Status, format_code, parse_code
from bot.domain.workflow import CLOSED
from bot.messages import chunks, parse_number
from bot.services.lookup import my_case, my_cases
from bot.services.publication import withdraw
from bot.texts import t
from handlers.citizen.latest_question import asked
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import Context
from handlers.telegram.render import button_data, parse_button, reply_target, send_prompt

LOOKUP_REF = "lookup"
UNPUBLISH_REF = "unpub"
_PAGE = "p"


async def _citizen(update: Update, context: Context) -> Person | None:
    return await citizen_of(update, context)


async def show_list(message: Message, citizen: Person, context: Context, page: int = 1) -> None:
    services = context.services
    found = await my_cases(
        services.db, services.config, citizen, page, services.config.intake.page_size
    )
    if not found.tickets:
        await message.reply_text(t("lookup.empty"))
        return
    zone = services.config.commune.zone
    lines = [t("lookup.title", page=found.page, pages=found.pages)]
    lines += [case_line(ticket, zone) for ticket in found.tickets]
    lines.append(t("lookup.open_hint"))
    rows = [
        [InlineKeyboardButton(ticket.code, callback_data=button_data(LOOKUP_REF, ticket.code))]
        for ticket in found.tickets
    ]
    turns = []
    if found.page > 1:
        turns.append((t("lookup.previous"), found.page - 1))
    if found.page < found.pages:
        turns.append((t("lookup.next"), found.page + 1))
    if turns:
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=button_data(LOOKUP_REF, f"{_PAGE}{n}"))
                for label, n in turns
            ]
        )
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def show_case(message: Message, citizen: Person, context: Context, typed: str) -> None:
    """One case, only if it is this citizen's; another person's code is simply not found.

    A resolved case not rated yet ends with the rating question.
    """
    services = context.services
    code = parse_code(typed)
    if code is None:
        example = format_code(services.config.commune.code, services.clock.now().year, 42)
        await message.reply_text(t("lookup.bad_code", example=example))
        return
    ticket = await my_case(services.db, services.config, citizen, code)
    if ticket is None:
        await message.reply_text(t("lookup.not_found", code=code))
        return
    rows = []
    if ticket.status not in CLOSED:
        data = button_data(case_ref(ADD_REF, ticket), "go")
        rows.append([InlineKeyboardButton(t("citizen.add_button"), callback_data=data)])
    if is_public(ticket, services.config.routing.conduct_category):
        data = button_data(case_ref(UNPUBLISH_REF, ticket), "go")
        rows.append([InlineKeyboardButton(t("lookup.public.withdraw"), callback_data=data)])
    markup = InlineKeyboardMarkup(rows) if rows else None
    *head, last = chunks(case_detail(ticket, services.config), MessageLimit.MAX_TEXT_LENGTH)
    for part in head:
        await message.reply_text(part)
    await message.reply_text(last, reply_markup=markup)
    if ticket.status is Status.RESOLVED and ticket.rating is None:
        # The result notice may never have arrived, or be long scrolled away: the rating is
        # asked here too, and a typed "2" answers it like the notice's buttons.
        prompt = rating_prompt(ticket)
        await send_prompt(message, prompt)
        asked(context, prompt.ref)


async def lookup_command(update: Update, context: Context) -> None:
    """/tracuu lists the citizen's cases; /tracuu CODE shows one."""
    citizen = await _citizen(update, context)
    message = update.effective_message
    if citizen is None or message is None:
        return
    typed = " ".join(context.args or [])
    if typed:
        await show_case(message, citizen, context, typed)
    else:
        await show_list(message, citizen, context)


async def lookup_button(update: Update, context: Context) -> None:
    query = update.callback_query
    citizen = await _citizen(update, context)
    message = reply_target(update)
    choice = parse_button(query.data if query else None)
    if query is None:
        return
    if citizen is None or message is None or choice is None:
        await query.answer(t("error.button"))
        return
    await query.answer()
    page = parse_number(choice.key.removeprefix(_PAGE))
    if choice.key.startswith(_PAGE) and page is not None:
        await show_list(message, citizen, context, page)
    else:
        await show_case(message, citizen, context, choice.key)


async def unpublish_button(update: Update, context: Context) -> None:
    """ "Thôi đăng công khai" under /tracuu CODE: only the case's own citizen can press it."""
    query = update.callback_query
    if query is None:
        return
    citizen = await _citizen(update, context)
    message = reply_target(update)
    choice = parse_button(query.data)
    ticket_id = parse_case_ref(choice.ref, UNPUBLISH_REF) if choice else None
    services = context.services
    ticket = None
    if citizen is not None and ticket_id is not None:
        ticket = await withdraw(services.db, services.clock, services.config, citizen, ticket_id)
    if ticket is None or message is None:
        await query.answer(t("error.button"))
        return
    # The message keeps its buttons ("➕ Bổ sung thông tin" stays useful); a second press
    # says the same again and records nothing.
    await query.answer()
    await message.reply_text(t("lookup.public.withdrawn", code=ticket.code))
