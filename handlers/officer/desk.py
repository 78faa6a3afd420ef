"""The officer's desk: /viec (my open cases), /hoso (one case and its history), the card."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.dialogs.audit import audit_text
from bot.dialogs.faq import propose_prompt
from bot.dialogs.history import history_text
from bot.dialogs.notices import (
    CASE_REF,
    attachment_notices,
    card_options,
    card_text,
    case_ref,
    identity_text,
    officer_update,
    parse_case_ref,
)
from bot.dialogs.report_text import status_label
from bot.dialogs.staff import staff_help
from bot.domain.files import Way
from bot.domain.people import Officer, Role
from bot.domain.tickets import Ticket
from bot.domain.workflow import Action, access, may, sees_identity
from bot.messages import Prompt
from bot.services import case_views, denouncers, faq
from bot.services.assignment import holder_now
from bot.services.audit import leaders_record
from bot.services.errors import CaseworkError
from bot.services.file_reading import may_see_files
from bot.services.officers import actor, all_officers
from bot.texts import t
from handlers.telegram.accounts import officer_of
from handlers.telegram.context import Context
from handlers.telegram.render import parse_button, reply_target, send_prompt, send_text
from handlers.telegram.uploads import send_case_file

_LOGGER = logging.getLogger(__name__)


async def current_officer(update: Update, context: Context) -> Officer | None:
    return await officer_of(update, context)


async def answer_staff(message: Message, officer: Officer, context: Context, lead: str) -> None:
    """What an officer reads where a citizen would get the menu: the lead, then their commands."""
    triage = context.services.config.routing.triage_department
    await message.reply_text(f"{lead}\n{staff_help(officer, triage)}")


async def refuse_press(update: Update, reason: str) -> None:
    """Tell the officer why nothing happened; never more than that."""
    query = update.callback_query
    if query is not None:
        await query.answer(t(reason), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(t(reason))


async def tell_officer(
    message: Message, officer: Officer, ticket: Ticket, key: str, **values: object
) -> None:
    """A line about what was done, with the buttons this officer may still press: none once
    the case is out of their sight, since every press first opens the case."""
    notice = officer_update(ticket, key, **values)
    who, case = actor(officer), access(ticket)
    sees = may(who, Action.VIEW, case)
    options = tuple(o for o in notice.options if sees and may(who, Action(o.key), case))
    await send_prompt(message, Prompt(text=notice.text, ref=notice.ref, options=options))


async def show_card(message: Message, officer: Officer, ticket: Ticket, context: Context) -> None:
    config = context.services.config
    show = sees_identity(actor(officer), access(ticket))
    held_by = await holder_now(context.services.db, ticket)
    text = card_text(ticket, config, holder=held_by, show_identity=show, title_key="card.view")
    options = card_options(ticket, show_identity=show)
    await send_prompt(message, Prompt(text=text, ref=case_ref(CASE_REF, ticket), options=options))


async def _show_record(message: Message, leader: Officer, ticket: Ticket, context: Context) -> None:
    """A leader's /hoso: the whole record, every note in full, with the card's buttons."""
    services = context.services
    try:
        record = await leaders_record(services.db, leader, ticket.code)
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return
    show = sees_identity(actor(leader), access(ticket))
    text = audit_text(record, services.config, show_identity=show)
    options = card_options(ticket, show_identity=show)
    await send_prompt(message, Prompt(text=text, ref=case_ref(CASE_REF, ticket), options=options))


async def staff_desk(update: Update, context: Context) -> tuple[Officer, Message] | None:
    """The officer asking and where to answer; anyone else is told the command is for staff."""
    officer = await current_officer(update, context)
    message = update.effective_message
    if message is not None and officer is None:
        await message.reply_text(t("officer.only_officers"))
    return (officer, message) if officer is not None and message is not None else None


async def admin_desk(update: Update, context: Context) -> tuple[Officer, Message] | None:
    """The admin asking and where to answer; anyone else is told the command is for admins."""
    officer = await current_officer(update, context)
    message = update.effective_message
    if message is None:
        return None
    if officer is None or not officer.has(Role.ADMIN):
        await message.reply_text(t("admin.only_admins"))
        return None
    return officer, message


async def my_work(update: Update, context: Context) -> None:
    """/viec: my open cases, the most urgent first."""
    desk = await staff_desk(update, context)
    if desk is None:
        return
    officer, message = desk
    work = await case_views.work_of(context.services.db, officer)
    unreached = await case_views.unreached_of(context.services.db, officer)
    if not work.total:
        await message.reply_text("\n".join([t("officer.no_work"), *_calls(officer, unreached)]))
        return
    lines = [t("officer.work_title", count=work.total)]
    lines += [
        t(
            "officer.work_line",
            code=c.code,
            kind=t(f"kind.{c.kind.value}.label"),
            status=status_label(c.status),
            due=c.due_on.strftime("%d/%m/%Y") if c.due_on else t("summary.none"),
        )
        for c in work.urgent
    ]
    rows = [
        [InlineKeyboardButton(c.code, callback_data=f"{case_ref(CASE_REF, c)}|open")]
        for c in work.urgent
    ]
    lines += _calls(officer, unreached)
    await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


def _calls(officer: Officer, unreached: case_views.Unreached) -> list[str]:
    """/viec's last section: results that never reached the citizen, with the phone they left
    where this officer may see it, so someone calls them."""
    if not unreached.total:
        return []
    lines = ["", t("officer.unreached_title", count=unreached.total)]
    for ticket in unreached.latest:
        shown = sees_identity(actor(officer), access(ticket)) and ticket.contact_phone
        if ticket.sealed:
            # The phone is there, sealed: only a leader's opening on the case shows it.
            lines.append(t("officer.unreached_sealed", code=ticket.code))
        elif shown:
            lines.append(t("officer.unreached_line", code=ticket.code, phone=ticket.contact_phone))
        else:
            lines.append(t("officer.unreached_no_phone", code=ticket.code))
    return lines


async def case_command(update: Update, context: Context) -> None:
    """/hoso CODE: one case with its whole history, if this officer may see it."""
    desk = await staff_desk(update, context)
    if desk is None:
        return
    officer, message = desk
    code = " ".join(context.args or []).strip().upper()
    if not code:
        await message.reply_text(t("officer.case_usage"))
        return
    try:
        ticket, history = await case_views.case_for(context.services.db, actor(officer), code)
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return
    if actor(officer).is_leader:
        await _show_record(message, officer, ticket, context)
    else:
        await show_card(message, officer, ticket, context)
        staff = await all_officers(context.services.db)
        names = {o.person_id: o.name for o in staff}
        zone = context.services.config.commune.zone
        await send_text(message, history_text(history, names, zone))
    await _send_files(message, officer, ticket, context)
    if await faq.may_offer(context.services.db, officer, ticket):
        # The answer's own message offered it once; it may have scrolled away since.
        await send_prompt(message, propose_prompt(ticket, t("faq.offer", code=ticket.code)))


async def _send_files(message: Message, officer: Officer, ticket: Ticket, context: Context) -> None:
    """/hoso's files as the card's go: from the store, by this bot's id after the first upload
    (handlers.telegram.uploads); a sealed case's to the leaders only, their look recorded."""
    services = context.services
    if not ticket.attachments:
        return
    if not await may_see_files(services.db, services.clock, officer, ticket):
        return
    for notice in attachment_notices(ticket, ticket.attachments):
        if notice.attachment is None:
            continue
        way = await send_case_file(
            context.bot, message.chat_id, context.bot_data.files, notice.attachment, notice.text
        )
        if way is Way.WAIT:
            await message.reply_text(f"{notice.text}\n{t('card.media.file_coming')}")
        elif way is Way.MISSING:
            await message.reply_text(f"{notice.text}\n{t('card.media.file_missing')}")


async def identity_button(update: Update, context: Context) -> None:
    """A leader's press on "Xem danh tính": the sealed identity, answered in this chat only
    (never queued in the database) and recorded in the case's history first."""
    query = update.callback_query
    officer = await current_officer(update, context)
    choice = parse_button(query.data if query else None)
    ticket_id = parse_case_ref(choice.ref, CASE_REF) if choice else None
    message = reply_target(update)
    if query is None or message is None or officer is None or ticket_id is None:
        await refuse_press(update, "case.not_allowed")
        return
    services = context.services
    try:
        shown = await denouncers.reveal(
            services.db, services.clock, services.config, officer, ticket_id
        )
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return
    await query.answer()
    await message.reply_text(identity_text(shown.ticket, shown.identity))
