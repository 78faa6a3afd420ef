"""The bot's life cycle: open the database, reach Telegram (and Zalo), run the periodic jobs,
stop cleanly on SIGINT/SIGTERM. `nghe-dan run` calls `serve`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, cast

from telegram.error import NetworkError

from bot.clock import SystemClock
from bot.config import Config, TelegramConfig, ZaloConfig, takes_denunciations
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.services import Services, denouncers, rate_windows
from bot.services.officers import sync_from_config
from bot.services.privacy import apply_retention
from bot.services.quarantine import forget_old as forget_quarantined
from bot.services.reminders import fire_due, plan_ahead
from bot.services.updates import forget_old
from bot.texts import t
from handlers.leader.announcements import show_progress
from handlers.telegram.context import App, Context
from handlers.telegram.menus import announce_commands
from handlers.telegram.quarantine import QuarantiningBot
from handlers.telegram.webhook import TelegramWebhook
from handlers.wiring.application import build_application
from handlers.wiring.monitoring import OUTBOX_INTERVAL, Monitoring, default_instance
from handlers.wiring.roles import Periodic, Role, Roles, scheduler, telegram_poller, zalo_poller
from handlers.wiring.web import PublicWeb
from handlers.zalo.api import ZaloRefusedError, ZaloUnreachableError
from handlers.zalo.webhook import ZaloWebhook
from storage.backends import open_database

_LOGGER = logging.getLogger(__name__)
PROGRESS_INTERVAL = timedelta(seconds=5)  # how often announcement progress messages are edited
RETENTION_INTERVAL = timedelta(hours=1)
# How often the file keeper looks for due downloads: a case's photos are kept within about a
# second of the filing (make bench, files); a look that finds nothing is one indexed query.
FILES_INTERVAL = timedelta(seconds=1)


async def _forget_old_updates(context: Context) -> None:
    services = context.services
    removed = await forget_old(services.db, services.clock)
    idle = await rate_windows.forget_idle(
        services.db, context.bot_data.limiter, services.clock.now().timestamp()
    )
    _LOGGER.info("forgot %s old handled update ids and %s idle rate windows", removed, idle)


async def _deliver(context: Context) -> None:
    """One delivery run; after a full batch, the next run starts at once.

    A paced run of a full batch outlasts the interval, and waiting for the next tick after it
    left the channel idle for up to the interval every batch: a fifth of the allowed rate in a
    burst of thousands of messages (make bench, fan-out).
    """
    context.bot_data.metrics.outbox_ticked()
    deliverer = context.bot_data.deliverer
    if deliverer.busy:
        return
    jobs = cast(App, context.application).job_queue
    if await deliverer.deliver_due() >= deliverer.batch and jobs is not None:
        jobs.run_once(_deliver, when=0)


async def _keep_files(context: Context) -> None:
    """One run of the file keeper; after a full batch, the next run starts at once."""
    keeper = context.bot_data.keeper
    jobs = cast(App, context.application).job_queue
    if await keeper.keep_due() >= keeper.batch and jobs is not None:
        jobs.run_once(_keep_files, when=0)


async def _remind(context: Context) -> None:
    """Fire what is due, then send it: reminders go through the outbox like everything else."""
    services = context.services
    if await fire_due(services.db, services.clock, services.config):
        await context.bot_data.deliverer.deliver_due()


async def _retain(context: Context) -> None:
    services = context.services
    await apply_retention(services.db, services.clock, services.config)
    await forget_quarantined(services.db, services.clock, services.config)


async def _announce_progress(context: Context) -> None:
    await show_progress(context.bot, context.services)


async def _receive_telegram(
    app: App, telegram: TelegramConfig
) -> Callable[[], Coroutine[Any, Any, None]]:
    """Serve a webhook that answers 403 to a post without the secret token, so only Telegram
    can hand the bot updates (polling is a role); returns what stops it."""
    if telegram.mode == "polling":
        return _nothing
    if telegram.webhook_url is None or telegram.secret_token is None:
        raise ValueError("webhook mode needs webhook_url and secret_token (checked in config)")
    webhook = TelegramWebhook(
        cast(QuarantiningBot, app.bot),
        app.update_queue,
        url=telegram.webhook_url,
        secret=telegram.secret_token.get_secret_value(),
        listen=telegram.listen,
        port=telegram.port,
    )
    await webhook.start()
    return webhook.stop


def freeze_start_up_heap() -> None:
    """Keep what start-up made out of the garbage collector's full passes.

    Modules, the Application, its handlers and the config live as long as the process, yet a
    full collection walked all of them (~140,000 objects) whenever a report's 22,000 cases
    pushed the collector into one: ~100 ms of a monthly report at 1,000,000 cases
    (BENCHMARKS.md). Collected first, so no garbage is kept for good.
    """
    gc.collect()
    gc.freeze()


async def _receive_zalo(app: App, zalo: ZaloConfig) -> Callable[[], Coroutine[Any, Any, None]]:
    """Hand over what Zalo sent before the last stop, then serve Zalo's webhook (polling is a
    role); returns what stops it."""
    channel = app.bot_data.zalo
    if channel is None:
        return _nothing
    await channel.catch_up()
    if zalo.mode == "polling":
        return _nothing
    if zalo.webhook_url is None or zalo.secret_token is None:
        raise ValueError(
            "Zalo's webhook mode needs webhook_url and secret_token (checked in config)"
        )
    webhook = ZaloWebhook(
        channel.receive,
        url=zalo.webhook_url,
        secret=zalo.secret_token.get_secret_value(),
        listen=zalo.listen,
        port=zalo.port,
    )
    try:
        await webhook.start(channel.api)
    except (ZaloRefusedError, ZaloUnreachableError) as error:
        _LOGGER.warning("Zalo's webhook not set (%s); Zalo cannot reach the bot", error)
    return webhook.stop


async def _nothing() -> None:
    return None


def _pick_up_zalo(app: App, stop: asyncio.Event) -> asyncio.Task[None]:
    """Until `stop`, hand over Zalo updates other processes took in and never handled."""
    channel = app.bot_data.zalo
    return asyncio.create_task(
        channel.pick_up(stop) if channel is not None else _nothing(), name="zalo-pick-up"
    )


async def _end(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """Wait for a task that ends once `stop` is set; cancel it when serve was cancelled."""
    if not stop.is_set():
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _stop_app(app: App, stop: asyncio.Event) -> None:
    """Stop the updates and the jobs; on a clean stop hand the outbox messages and downloads
    this process claimed over at once, which a cancelled serve leaves to lapse, as a killed
    process does."""
    await app.stop()
    if stop.is_set():
        await app.bot_data.deliverer.release()
        await app.bot_data.keeper.release()


async def _reach_telegram(app: App, stop: asyncio.Event) -> bool:
    """Initialise (PTB asks Telegram who the bot is), waiting as polling does while Telegram
    is out of reach: after a power cut the machine is often up before the network. False when
    told to stop meanwhile."""
    wait = 1.0
    while not stop.is_set():
        try:
            await app.initialize()
        except NetworkError as error:
            _LOGGER.warning("Telegram unreachable at start (%s); retrying in %.0f s", error, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            wait = min(wait * 1.5, 30.0)
        else:
            return True
    return False


def _roles(app: App, services: Services, stop: asyncio.Event) -> list[Role]:
    """What one process at a time does; the rest (delivering the outbox, webhooks) every
    process does."""
    config = services.config
    tick = timedelta(seconds=config.reminders.tick_seconds)
    periodic = [
        Periodic(_forget_old_updates, interval=timedelta(hours=6), first=timedelta(minutes=1)),
        # The first tick catches up, once, on what came due while nobody held the role.
        Periodic(_remind, interval=tick, first=timedelta(seconds=1)),
        # Hourly is plenty for a period counted in days; the first run catches up.
        Periodic(_retain, interval=RETENTION_INTERVAL, first=timedelta(seconds=30)),
        Periodic(_announce_progress, interval=PROGRESS_INTERVAL, first=PROGRESS_INTERVAL),
    ]
    roles = [scheduler(app, lambda: plan_ahead(services.db, services.clock, config), periodic)]
    if config.telegram.mode == "polling":
        roles.insert(0, telegram_poller(app))
    if app.bot_data.zalo is not None and config.zalo.mode == "polling":
        roles.insert(-1, zalo_poller(app, stop))
    return roles


async def serve(
    config: Config, stop: asyncio.Event | None = None, *, instance: str | None = None
) -> None:
    """Run the bot until SIGINT/SIGTERM (or `stop`): open the database, take the roles this
    process may hold (polling, the periodic jobs), serve the webhooks (and /healthz and
    /metrics when [monitoring] is enabled, the public page and its Open311 API when [web] is),
    close cleanly, handing the roles and the outbox messages it claimed over at once.

    The database opens before the Application initialises, because the Application loads the
    saved drafts from it while initialising. A serve cancelled, not stopped, leaves its roles'
    leases to lapse, as a killed process does.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    db = await open_database(config.storage.path, config.storage.url)
    try:
        services = Services(config=config, db=db, clock=SystemClock())
        if not takes_denunciations(config):
            _LOGGER.warning(t("config.no_key_warning"))
        if clear := await denouncers.count_clear(db):
            _LOGGER.warning(t("config.clear_denunciations", count=clear))
        await sync_from_config(db, services.clock, config, TELEGRAM_CHANNEL)
        instance = instance or default_instance()
        app = build_application(services, instance=instance)
        if not await _reach_telegram(app, stop):
            return
        async with app:
            try:
                await announce_commands(app)
            except NetworkError as error:
                _LOGGER.warning("command menus not set, Telegram unreachable (%s)", error)
            if app.job_queue is not None:
                app.job_queue.run_repeating(_deliver, interval=OUTBOX_INTERVAL, first=1)
                app.job_queue.run_repeating(_keep_files, interval=FILES_INTERVAL, first=1)
            await app.start()
            roles = Roles(services, instance, _roles(app, services, stop))
            async with contextlib.AsyncExitStack() as running:
                # Undone in reverse order, also when cancelled (the tests' kill).
                running.push_async_callback(_stop_app, app, stop)
                watched = Monitoring(services, app.bot_data.metrics, roles)
                running.push_async_callback(watched.stop)
                if config.monitoring.enabled:
                    await watched.start(config.monitoring)
                public = PublicWeb(services)
                running.push_async_callback(public.stop)
                if config.web.enabled:
                    await public.start()
                running.push_async_callback(await _receive_telegram(app, config.telegram))
                running.push_async_callback(await _receive_zalo(app, config.zalo))
                running.push_async_callback(_end, _pick_up_zalo(app, stop), stop)
                running.push_async_callback(lambda: roles.stop(release=stop.is_set()))
                await roles.start()
                freeze_start_up_heap()
                _LOGGER.info("Nghe Dân is running for %s", config.commune.name)
                await stop.wait()
        if app.bot_data.zalo is not None:
            await app.bot_data.zalo.api.close()
    finally:
        await db.close()
