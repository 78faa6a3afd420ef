"""Updates the bot cannot read: set aside, so that the updates behind them are still handled.

A chat library that fails on one update (a field added by a newer Bot API, a self-hosted
server's quirk) must not stop every person behind it: the update is kept with its error for an
administrator to look at, logged once by its id and the error's class only (its text is what a
person wrote), and confirmed to the platform like a handled one.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.clock import Clock
from bot.config import Config
from storage import quarantine
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


async def set_aside(
    db: Database,
    clock: Clock,
    channel: str,
    update_id: int | None,
    raw: str,
    error: BaseException,
) -> None:
    async with db.transaction() as conn:
        new = await quarantine.keep(
            conn, channel, update_id, raw, f"{type(error).__name__}: {error}", clock.now()
        )
    if new:
        _LOGGER.warning(
            "%s update %s could not be read (%s); set aside in quarantined_updates",
            channel,
            update_id,
            type(error).__name__,
        )


async def forget_old(db: Database, clock: Clock, config: Config) -> int:
    """Rows hold what people wrote and name no person an erasure could find them by, so they
    go once an erasure request made after them would be due (privacy.erasure_days)."""
    cutoff = clock.now() - timedelta(days=config.privacy.erasure_days)
    async with db.transaction() as conn:
        return await quarantine.forget_before(conn, cutoff)
