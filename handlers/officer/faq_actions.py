"""Hỏi đáp on the officers' side: "➕ Thêm vào hỏi đáp" under an answered question, and a
leader's "✅ Duyệt" / "❌ Không duyệt" on the proposal's card. Each press names only a number;
bot.services.faq checks again who may do it."""

from __future__ import annotations

from telegram import Update

from bot.dialogs.faq import APPROVE, DECIDE_REF, PROPOSE, PROPOSE_REF, REJECT
from bot.dialogs.notices import parse_case_ref
from bot.services import faq
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.officer.desk import current_officer, refuse_press
from handlers.telegram.context import Context
from handlers.telegram.render import parse_button, reply_target, retire_buttons


async def propose_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    choice = parse_button(query.data)
    ticket_id = parse_case_ref(choice.ref, PROPOSE_REF) if choice else None
    officer = await current_officer(update, context)
    message = reply_target(update)
    if officer is None or ticket_id is None or choice is None or choice.key != PROPOSE:
        await refuse_press(update, "case.not_allowed")
        return
    services = context.services
    try:
        _, code = await faq.propose(services.db, services.clock, officer, ticket_id)
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return
    await query.answer()
    await retire_buttons(update)
    if message is not None:
        await message.reply_text(t("faq.proposed", code=code))


async def decide_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    choice = parse_button(query.data)
    proposal_id = parse_case_ref(choice.ref, DECIDE_REF) if choice else None
    officer = await current_officer(update, context)
    message = reply_target(update)
    if (
        officer is None
        or proposal_id is None
        or choice is None
        or choice.key not in (APPROVE, REJECT)
    ):
        await refuse_press(update, "case.not_allowed")
        return
    services = context.services
    try:
        decided, code = await faq.decide(
            services.db, services.clock, officer, proposal_id, approve=choice.key == APPROVE
        )
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return
    await query.answer()
    await retire_buttons(update)
    if message is not None:
        key = "faq.approved" if choice.key == APPROVE else "faq.rejected"
        await message.reply_text(t(key, number=decided.id, code=code))
