"""The last resort: log what broke with the update id, apologise, keep the draft.

A full disk is told apart: the transaction was rolled back, the draft is still in memory (and
as last saved in the database), so the citizen is asked to try again later, and the log says
plainly what to do.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.texts import t
from handlers.telegram.context import Context
from handlers.telegram.metrics import FAILED
from storage.database import is_disk_full

_LOGGER = logging.getLogger(__name__)


def log_disk_full(error: BaseException | None, what: str) -> None:
    """One line an administrator can act on, instead of a traceback that hides the cause."""
    _LOGGER.error(
        "the disk holding the database or the file store is full: %s was not saved (%s); "
        "nothing was damaged, "
        "free some space and the bot carries on by itself",
        what,
        error,
    )


async def on_error(update: object, context: Context) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    if update_id is not None:  # a job's error has no update to count
        context.bot_data.metrics.mark(update, FAILED)
    if is_disk_full(context.error):
        log_disk_full(
            context.error, "a background write" if update_id is None else f"update {update_id}"
        )
    else:
        _LOGGER.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, t("error.busy"))
    except TelegramError:
        _LOGGER.warning("could not tell chat of update %s about the error", update_id)
