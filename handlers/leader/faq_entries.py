"""/hoidap for leaders: the FAQ entries citizens are answered from, each with "🗑 Gỡ", asked
once more before it is withdrawn, since nothing brings an entry back but a new question. Each
press names only an entry's number; bot.services.faq checks again who may withdraw it."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.dialogs.faq import CONFIRM, KEEP, WITHDRAW_REF, confirm_text, entry_pages
from bot.dialogs.notices import parse_case_ref
from bot.domain.faq import may_decide
from bot.services import faq
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.officer.desk import current_officer, refuse_press, staff_desk
from handlers.telegram.context import Context
from handlers.telegram.render import button_data, parse_button, reply_target, retire_buttons

LIST_PATTERN = rf"^{WITHDRAW_REF}\|\d+$"
CONFIRM_PATTERN = rf"^{WITHDRAW_REF}\.\d+\|({CONFIRM}|{KEEP})$"


async def list_command(update: Update, context: Context) -> None:
    desk = await staff_desk(update, context)
    if desk is None:
        return
    officer, message = desk
    if not may_decide(officer):
        await message.reply_text(t("faq.leaders_only_list"))
        return
    for text, entries in entry_pages(await faq.approved(context.services.db)):
        rows = [
            [
                InlineKeyboardButton(
                    t("faq.withdraw", number=e.id),
                    callback_data=button_data(WITHDRAW_REF, str(e.id)),
                )
            ]
            for e in entries
        ]
        await message.reply_text(text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def withdraw_button(update: Update, context: Context) -> None:
    """ "🗑 Gỡ mục N": the entry's question, and "Gỡ" / "Giữ lại"."""
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    officer = await current_officer(update, context)
    message = reply_target(update)
    if query is None or choice is None or officer is None or not may_decide(officer):
        await refuse_press(update, "case.not_allowed")
        return
    entry_id = int(choice.key)
    entry = next((e for e in await faq.approved(context.services.db) if e.id == entry_id), None)
    if entry is None:
        await refuse_press(update, "faq.entry_not_found")
        return
    await query.answer()
    ref = f"{WITHDRAW_REF}.{entry.id}"
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t("faq.withdraw_yes"), callback_data=button_data(ref, CONFIRM))],
            [InlineKeyboardButton(t("faq.withdraw_no"), callback_data=button_data(ref, KEEP))],
        ]
    )
    if message is not None:
        await message.reply_text(confirm_text(entry), reply_markup=keyboard)


async def confirm_button(update: Update, context: Context) -> None:
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    entry_id = parse_case_ref(choice.ref, WITHDRAW_REF) if choice else None
    officer = await current_officer(update, context)
    message = reply_target(update)
    if query is None or choice is None or entry_id is None or officer is None:
        await refuse_press(update, "case.not_allowed")
        return
    if choice.key == KEEP:
        await query.answer()
        await retire_buttons(update)
        if message is not None:
            await message.reply_text(t("faq.kept", number=entry_id))
        return
    services = context.services
    try:
        code = await faq.withdraw(services.db, services.clock, officer, entry_id)
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return
    await query.answer()
    await retire_buttons(update)
    if message is not None:
        await message.reply_text(t("faq.withdrawn", number=entry_id, code=code))
