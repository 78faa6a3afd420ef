"""The work one process at a time does, each piece a `Role` held through a lease
(`bot.services.leases`): polling Telegram (Telegram answers 409 to a second getUpdates),
polling Zalo, and the periodic jobs. On SQLite the one process holds every role from the start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Job

from bot.domain.leases import Role as RoleName
from bot.services import Services
from bot.services.leases import RoleHolder
from handlers.telegram.context import App, Context
from handlers.zalo.polling import poll

_LOGGER = logging.getLogger(__name__)
Work = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Role:
    """A role's work: what starts it once the role is gained, what stops it once lost (also
    when its start was cut short)."""

    name: str
    start: Work
    stop: Work


@dataclass(frozen=True, slots=True)
class Periodic:
    """A job of the scheduler role: its callback, interval and first run after the gain."""

    callback: Callable[[Context], Coroutine[Any, Any, None]]
    interval: timedelta
    first: timedelta


@dataclass(frozen=True, slots=True)
class Held:
    """A role this process holds, as /healthz shows it. `renewed_at` is None on SQLite, where
    no lease is written."""

    role: str
    generation: int
    since: datetime
    renewed_at: datetime | None


def _polling_failed(error: TelegramError) -> None:
    """One line per failed poll instead of PTB's traceback: its polling loop retries forever,
    waiting 1 s, then half as long again each time up to 30 s, and resumes by itself."""
    _LOGGER.warning("Telegram unreachable while polling (%s); retrying", error)


def telegram_poller(app: App) -> Role:
    updater = app.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")

    async def start() -> None:
        await updater.start_polling(
            allowed_updates=Update.ALL_TYPES, error_callback=_polling_failed, bootstrap_retries=-1
        )
        _LOGGER.info("polling Telegram for updates")

    async def stop() -> None:
        if updater.running:
            await updater.stop()

    return Role(RoleName.TELEGRAM_POLLER, start, stop)


def zalo_poller(app: App, stopping: asyncio.Event) -> Role:
    channel = app.bot_data.zalo
    if channel is None:
        raise RuntimeError("Zalo polling without a Zalo channel")
    polling: list[asyncio.Task[None]] = []

    async def start() -> None:
        polling.append(asyncio.create_task(poll(channel.api, channel.receive, stopping)))
        _LOGGER.info("polling Zalo for updates")

    async def stop() -> None:
        while polling:
            task = polling.pop()
            task.cancel()  # a long poll may be in flight for 30 s more
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return Role(RoleName.ZALO_POLLER, start, stop)


def scheduler(app: App, plan: Work, periodic: Sequence[Periodic]) -> Role:
    """The periodic jobs; `plan` runs first at every gain, catching up on what the last
    holder may have left unplanned."""
    jobs = app.job_queue
    if jobs is None:
        raise RuntimeError("the application was built without a job queue")
    scheduled: list[Job[Context]] = []

    async def start() -> None:
        await plan()
        for job in periodic:
            scheduled.append(
                jobs.run_repeating(job.callback, interval=job.interval, first=job.first)
            )

    async def stop() -> None:
        while scheduled:
            scheduled.pop().schedule_removal()

    return Role(RoleName.SCHEDULER, start, stop)


class Roles:
    """This process's roles, each taken, renewed and given up on its own."""

    def __init__(self, services: Services, instance: str, roles: Sequence[Role]) -> None:
        self.instance = instance
        self.names = [role.name for role in roles]
        self._holders = [
            RoleHolder(
                services.db, services.clock, role.name, instance, gained=role.start, lost=role.stop
            )
            for role in roles
        ]

    async def start(self) -> None:
        for holder in self._holders:
            await holder.start()

    async def stop(self, *, release: bool) -> None:
        for holder in reversed(self._holders):
            await holder.stop(release=release)

    def held(self) -> list[Held]:
        return [
            Held(holder.role, holder.holding.generation, holder.holding.since, holder.renewed_at)
            for holder in self._holders
            if holder.holding is not None
        ]
