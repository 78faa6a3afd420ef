"""What monitoring asks the database: whether it answers, and the case and outbox figures."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from storage import monitoring
from storage.database import Database


@dataclass(frozen=True, slots=True)
class Figures:
    open_cases: int
    overdue_cases: int
    outbox_backlog: int


async def database_answers(db: Database) -> bool:
    """False rather than an exception: a health check reports a broken database, it does not
    fail with it."""
    try:
        return await monitoring.answers(db.reader)
    except Exception:
        return False


async def figures(db: Database, clock: Clock, config: Config) -> Figures:
    now = clock.now()
    today = now.astimezone(config.commune.zone).date()
    open_cases, overdue = await monitoring.open_and_overdue(db.reader, today)
    return Figures(open_cases, overdue, await monitoring.backlog(db.reader, now))
