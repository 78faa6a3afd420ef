"""A published case's photos on the public page: the card's "🖼 Đăng ảnh lên trang công khai"
and "🙈 Thôi đăng ảnh công khai". The press names only the case; bot.services.publication
checks again who may decide it."""

from __future__ import annotations

from telegram import Update

from bot.dialogs.notices import CASE_REF, HIDE_PHOTOS_KEY, SHOW_PHOTOS_KEY, case_ref, parse_case_ref
from bot.domain.choices import Option
from bot.domain.tickets import PHOTO
from bot.messages import Prompt
from bot.services import publication
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.officer.desk import current_officer, refuse_press
from handlers.telegram.context import Context
from handlers.telegram.render import parse_button, reply_target, send_prompt

PATTERN = rf"^{CASE_REF}\.\d+\|({SHOW_PHOTOS_KEY}|{HIDE_PHOTOS_KEY})$"


async def photos_button(update: Update, context: Context) -> None:
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    ticket_id = parse_case_ref(choice.ref, CASE_REF) if choice else None
    officer = await current_officer(update, context)
    message = reply_target(update)
    if query is None or choice is None or ticket_id is None or officer is None:
        await refuse_press(update, "case.not_allowed")
        return
    services = context.services
    shown = choice.key == SHOW_PHOTOS_KEY
    try:
        ticket = await publication.show_photos(
            services.db, services.clock, officer, ticket_id, shown=shown
        )
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return
    await query.answer()
    if message is None:
        return
    photos = sum(1 for a in ticket.attachments if a.kind == PHOTO)
    base = services.config.web.base_url.rstrip("/")
    if ticket.photos_public:
        text = t("publication.photos_shown", count=photos, code=ticket.code, base=base)
        undo = Option(HIDE_PHOTOS_KEY, t(f"card.action.{HIDE_PHOTOS_KEY}"))
    else:
        text = t("publication.photos_hidden", code=ticket.code)
        undo = Option(SHOW_PHOTOS_KEY, t(f"card.action.{SHOW_PHOTOS_KEY}"))
    options = (undo,) if ticket.public else ()
    await send_prompt(message, Prompt(text=text, ref=case_ref(CASE_REF, ticket), options=options))
