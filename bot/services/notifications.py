"""Telling a person something through the outbox, by person id, inside the caller's
transaction; and the same held back until the quiet hours end, for what must not wake people."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.clock import Clock
from bot.config import Config
from bot.domain.reminders import quiet_until
from bot.messages import Notice
from bot.services.outbox import notify
from storage import officers, people
from storage.connection import Connection


async def tell(
    conn: Connection,
    clock: Clock,
    person_id: int | None,
    notice: Notice,
    key: str,
    *,
    not_before: datetime | None = None,
) -> None:
    """Queue a notice for anyone by person id (citizen or officer)."""
    if person_id is None:
        return
    person = await people.get(conn, person_id)
    if person is not None:
        await notify(conn, person, notice, f"{key}:{person_id}", clock, not_before=not_before)


# Tells one person something, by person id, under a key.
Say = Callable[[int | None, Notice, str], Awaitable[None]]


async def quiet_teller(conn: Connection, clock: Clock, config: Config) -> Say:
    """`tell`, holding messages back until the quiet hours end, except for officers who asked
    (/nhandem) to be reached at night: reminders must not wake people."""
    settings = config.reminders
    held = quiet_until(clock.now(), settings.quiet_start, settings.quiet_end, config.commune.zone)
    night = {o.person_id for o in await officers.active(conn) if o.night_ok}

    async def say(person_id: int | None, notice: Notice, key: str) -> None:
        hold = None if person_id in night else held
        await tell(conn, clock, person_id, notice, key, not_before=hold)

    return say
