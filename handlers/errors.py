"""The last resort: log what broke with the update id, apologise, keep the draft."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.texts import t
from handlers.context import Context

_LOGGER = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    _LOGGER.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, t("error.busy"))
    except TelegramError:
        _LOGGER.warning("could not tell chat of update %s about the error", update_id)
