"""The message rate gate: a citizen who sends too fast is told once, then not heard for a while.

The windows live in memory, not in the database: writing every message down would itself be
the load a flood causes, and a restart only gives a flooder a fresh minute. What must survive a
restart (bans, the cases filed today) is read from the database instead. Only when several
processes share the database (PostgreSQL) do the windows live in it, one statement a message
(`storage.rate_windows`), so that a person writing to two processes is held to one rate; that
statement runs with the gates' other reads, before the handlers (bot.services.gates).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.domain.limits import Verdict
from bot.texts import t
from handlers.telegram.accounts import officer_of
from handlers.telegram.context import Context
from handlers.telegram.render import reply_target

_LOGGER = logging.getLogger(__name__)


async def limit_rate(update: Update, context: Context) -> None:
    """Runs before the consent gate; stops an update over the person's rate.

    Officers are never held back: only when someone is over the limit is it looked up whether
    they are an officer, so a flood costs no database reads.
    """
    user = update.effective_user
    if user is None:
        return
    services = context.services
    verdict = context.bot_data.opened.of(update).verdict
    if verdict is None:  # the windows are this process's, in memory
        now = services.clock.now().timestamp()
        verdict = context.bot_data.limiter.hit(str(user.id), now)
    if verdict is Verdict.ALLOW:
        return
    if await officer_of(update, context) is not None:
        return
    if verdict is Verdict.WARN:
        _LOGGER.warning("user %s is over the message rate; further updates dropped", user.id)
        limit = services.config.limits.messages_per_minute
        if update.callback_query is not None:
            await update.callback_query.answer()
        message = reply_target(update)
        if message is not None:
            await message.reply_text(t("limits.too_fast", limit=limit))
    raise ApplicationHandlerStop
