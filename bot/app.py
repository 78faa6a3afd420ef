"""Wiring: the python-telegram-bot Application, its handlers and its life cycle."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import signal
import sqlite3
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, cast

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.clock import SystemClock
from bot.config import Config, TelegramConfig, ZaloConfig, sealer, takes_denunciations
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.domain.limits import RateLimiter
from bot.domain.people import SEALED_CHANNEL
from bot.services import Services
from bot.services.denouncers import SealedSender
from bot.services.officers import all_officers, retired_officers, sync_from_config
from bot.services.outbox import Deliverer, Limits, Sender, Timer
from bot.services.privacy import apply_retention
from bot.services.quarantine import forget_old as forget_quarantined
from bot.services.reminders import fire_due, plan_ahead
from bot.services.updates import UpdateLog, forget_old
from bot.texts import t
from handlers import register, staff_menus
from handlers.accounts import update_channel
from handlers.announcements import show_progress
from handlers.citizen_case import notice_shown
from handlers.context import App, BotData, ChatData, Context, UserData
from handlers.errors import log_disk_full
from handlers.persistence import SqlitePersistence
from handlers.quarantine import QuarantiningBot
from handlers.sender import TelegramSender
from handlers.update_order import (
    ConfirmAfterHandled,
    HandledBeforeConfirmed,
    OnePersonAtATime,
    person_of,
)
from handlers.webhook import TelegramWebhook
from handlers.zalo.api import ZaloApi, ZaloRefusedError, ZaloUnreachableError
from handlers.zalo.channel import ZaloChannel, bot_user
from handlers.zalo.inbound import CHANNEL as ZALO_CHANNEL
from handlers.zalo.outbound import Outlet, ZaloRoute
from handlers.zalo.polling import poll
from handlers.zalo.sender import ZaloSender
from handlers.zalo.webhook import ZaloWebhook
from storage import tickets
from storage.database import Database, is_disk_full

_LOGGER = logging.getLogger(__name__)
CITIZEN_COMMANDS = (
    "start",
    "guidon",
    "tracuu",
    "lich",
    "dangky",
    "huydangky",
    "thongbao",
    "dulieu",
    "xoadulieu",
    "huy",
    "trogiup",
)
OUTBOX_INTERVAL = timedelta(seconds=2)
PROGRESS_INTERVAL = timedelta(seconds=5)
RETENTION_INTERVAL = timedelta(hours=1)  # how often announcement progress messages are edited


class DurableApplication(
    Application[ExtBot[None], Context, UserData, ChatData, BotData, JobQueue[Context]]
):
    """An Application that handles each update once and saves its drafts right away.

    Telegram delivers an update again when the bot stops before confirming it; the update id
    is remembered once the update is handled, so a second delivery changes nothing. Drafts and
    conversation states are written after every update rather than every minute, in the
    transaction that remembers the update, so `kill -9` loses at most the updates in flight,
    which Telegram then delivers again, and never keeps one without the other. Different
    people's updates are handled at once (handlers.update_order), so each update's transaction
    takes only its own person's drafts and states: another's may be half-way through theirs.
    """

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        try:
            await self._handle_once(update)
        finally:
            self._queue.finished(update)

    async def _handle_once(self, update: Update) -> None:
        chat = update.effective_chat
        ids = {person_of(update), chat.id if chat else None} - {None}
        channel = await update_channel(self.bot_data.services.db, update)
        if await self._updates.handled(channel, update.update_id):
            _LOGGER.info("update %s was already handled; skipped", update.update_id)
            return
        await super().process_update(update)
        await super().update_persistence()
        try:
            async with self._persistence.pending(lambda key: not ids.isdisjoint(key)) as drafts:
                await self._updates.mark(channel, update.update_id, drafts)
        except sqlite3.OperationalError as error:
            # Raising here would end PTB's update loop; the bot must go on once there is room.
            if not is_disk_full(error):
                raise
            log_disk_full(error, f"what update {update.update_id} changed, and that it was handled")
        if self.running:
            # What the update queued for other people goes out now, off the update loop.
            self.create_task(self.bot_data.deliverer.deliver_due())

    async def update_persistence(self) -> None:
        """PTB's periodic and final runs: what they hand over is written at once, but for the
        people whose updates are being handled, which their own transactions will write."""
        await super().update_persistence()
        await self._persistence.flush(holding=self._processor.people)

    @property
    def _persistence(self) -> SqlitePersistence:
        return cast(SqlitePersistence, self.persistence)

    @property
    def _queue(self) -> HandledBeforeConfirmed:
        return cast(HandledBeforeConfirmed, self.update_queue)

    @property
    def _processor(self) -> OnePersonAtATime:
        return cast(OnePersonAtATime, self.update_processor)

    @functools.cached_property
    def _updates(self) -> UpdateLog:
        services = self.bot_data.services
        return UpdateLog(services.db, services.clock)


class Limiter(AIORateLimiter):
    """AIORateLimiter, and a press answered by a process since killed is not an error.

    An update whose handling was cut short by a kill is handled again after the restart; if
    the killed process had already answered its button press, Telegram refuses a second answer
    ("query is too old"). That refusal must not stop the rest of the handling, which the
    killed process may never have done.
    """

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        try:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        except BadRequest as error:
            if endpoint != "answerCallbackQuery" or "query is too old" not in error.message.lower():
                raise
            _LOGGER.info("a press was already answered (handled again after a restart)")
            return True


def _senders(services: Services, telegram: Sender, zalo: ZaloApi | None) -> dict[str, Sender]:
    """Each channel's sender; messages to a denouncer's pseudonym go through their own."""
    direct: dict[str, Sender] = {TELEGRAM_CHANNEL: telegram}
    if zalo is not None:
        direct[ZALO_CHANNEL] = ZaloSender(telegram, zalo, services.db, services.clock)
    return {**direct, SEALED_CHANNEL: SealedSender(services.db, services.config, direct)}


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    timer: Timer | None = None,
    rate_limiter: AIORateLimiter | None = None,
) -> App:
    """The bot with every handler registered; tests pass an offline request instead of HTTP,
    and a timer to keep the outbox's limits without waiting in real time. The benchmark passes
    a rate limiter without the overall rate, to measure what the handlers themselves cost."""
    config = services.config
    token = config.telegram.token
    if token is None:
        raise ValueError("a bot token is required to build the application")
    base = config.telegram.base_url
    queue = HandledBeforeConfirmed(answer_after_handled=config.telegram.mode == "webhook")
    zalo = config.zalo
    api = (
        ZaloApi(zalo.base_url, zalo.token.get_secret_value())
        if zalo.enabled and zalo.token
        else None
    )
    outlet = Outlet(api, services.db, services.clock, lambda: bot_user(app)) if api else None
    calls = request or HTTPXRequest(connection_pool_size=256)
    polls = get_updates_request or request or HTTPXRequest(connection_pool_size=1)
    bot = QuarantiningBot(
        token.get_secret_value(),
        db=services.db,
        clock=services.clock,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        defaults=Defaults(
            tzinfo=config.commune.zone,
            do_quote=False,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # Every call for a Zalo chat goes to Zalo; the rest to Telegram as before.
        request=ZaloRoute(calls, outlet) if outlet is not None else calls,
        get_updates_request=ConfirmAfterHandled(polls, queue),
        # AIORateLimiter paces every request under Telegram's 30/s, replies and outbox alike.
        # Its max_retries would answer a 429 by sleeping retry_after inside the request (while
        # holding every other request) and retrying; the outbox must hear the 429 instead, to
        # postpone the message in the database and pause itself (RetryLaterError). So none: a
        # reply that meets flood control fails like a reply that meets a network error.
        rate_limiter=rate_limiter or Limiter(max_retries=0),
    )
    builder = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .bot(bot)
        .persistence(SqlitePersistence(services.db, sealer(services.config)))
        .update_queue(queue)
        .concurrent_updates(OnePersonAtATime())
    )
    app: App = builder.build()  # type: ignore[assignment]
    if api is not None and outlet is not None:
        app.bot_data.zalo = ZaloChannel(
            app, services.db, services.clock, api, outlet, queue.hand_over
        )
    app.bot_data.services = services
    app.bot_data.limiter = RateLimiter(limit=config.limits.messages_per_minute, period=60.0)
    app.bot_data.deliverer = Deliverer(
        services.db,
        services.clock,
        _senders(services, TelegramSender(app.bot, functools.partial(notice_shown, app)), api),
        limits=Limits(**config.outbox.model_dump()),
        timer=timer,
    )
    register(app)
    return app


async def _forget_old_updates(context: Context) -> None:
    removed = await forget_old(context.services.db, context.services.clock)
    _LOGGER.info("forgot %s old handled update ids", removed)


async def announce_commands(app: App) -> None:
    """The command menu Telegram shows next to the text box: citizens' by default, each
    officer's own (with /canbo for admins) in their chat, and the default again in the chat of
    an officer retired while the bot was down (dropped from config)."""
    commands = [BotCommand(name, t(f"commands.{name}")) for name in CITIZEN_COMMANDS]
    await app.bot.set_my_commands(commands)
    triage = app.bot_data.services.config.routing.triage_department
    for officer in await all_officers(app.bot_data.services.db):
        await staff_menus.show(app.bot, officer, triage)
    for officer in await retired_officers(app.bot_data.services.db):
        await staff_menus.drop(app.bot, officer.channel, officer.external_id)


async def _deliver(context: Context) -> None:
    """One delivery run; after a full batch, the next run starts at once.

    A paced run of a full batch outlasts the interval, and waiting for the next tick after it
    left the channel idle for up to the interval every batch: a fifth of the allowed rate in a
    burst of thousands of messages (make bench, fan-out).
    """
    deliverer = context.bot_data.deliverer
    if deliverer.busy:
        return
    jobs = cast(App, context.application).job_queue
    if await deliverer.deliver_due() >= deliverer.batch and jobs is not None:
        jobs.run_once(_deliver, when=0)


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


def _polling_failed(error: TelegramError) -> None:
    """One line per failed poll instead of PTB's traceback: its polling loop retries forever,
    waiting 1 s, then half as long again each time up to 30 s, and resumes by itself."""
    _LOGGER.warning("Telegram unreachable while polling (%s); retrying", error)


async def _receive_updates(
    app: App, telegram: TelegramConfig
) -> Callable[[], Coroutine[Any, Any, None]]:
    """Poll, or serve a webhook that answers 403 to a post without the secret token, so only
    Telegram can hand the bot updates; returns what stops it."""
    if telegram.mode == "polling":
        updater = app.updater
        if updater is None:
            raise RuntimeError("the application was built without an updater")
        await updater.start_polling(
            allowed_updates=Update.ALL_TYPES, error_callback=_polling_failed, bootstrap_retries=-1
        )
        return updater.stop
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


async def _receive_zalo(
    app: App, zalo: ZaloConfig, stop: asyncio.Event
) -> Callable[[], Coroutine[Any, Any, None]]:
    """Hand over what Zalo sent before the last stop, then poll or serve Zalo's webhook;
    returns what stops it."""
    channel = app.bot_data.zalo
    if channel is None:
        return _nothing
    await channel.catch_up()
    if zalo.mode == "polling":
        task = asyncio.create_task(poll(channel.api, channel.receive, stop), name="zalo-polling")

        async def stop_polling() -> None:
            task.cancel()  # a long poll may be in flight for 30 s more
            with contextlib.suppress(asyncio.CancelledError):
                await task

        _LOGGER.info("polling Zalo for updates")
        return stop_polling
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


async def serve(config: Config, stop: asyncio.Event | None = None) -> None:
    """Run the bot until SIGINT/SIGTERM (or `stop`): open the database, poll or serve the
    webhook, close cleanly.

    The database opens before the Application initialises, because the Application loads the
    saved drafts from it while initialising.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    db = await Database.open(config.storage.path)
    try:
        services = Services(config=config, db=db, clock=SystemClock())
        if not takes_denunciations(config):
            _LOGGER.warning(t("config.no_key_warning"))
        if clear := await tickets.count_clear_denunciations(db.reader):
            _LOGGER.warning(t("config.clear_denunciations", count=clear))
        await sync_from_config(db, services.clock, config, TELEGRAM_CHANNEL)
        await plan_ahead(db, services.clock, config)
        app = build_application(services)
        if not await _reach_telegram(app, stop):
            return
        async with app:
            try:
                await announce_commands(app)
            except NetworkError as error:
                _LOGGER.warning("command menus not set, Telegram unreachable (%s)", error)
            if app.job_queue is not None:
                app.job_queue.run_repeating(
                    _forget_old_updates, interval=timedelta(hours=6), first=timedelta(minutes=1)
                )
                app.job_queue.run_repeating(_deliver, interval=OUTBOX_INTERVAL, first=1)
                # The first tick catches up, once, on what came due while the bot was down.
                tick = timedelta(seconds=config.reminders.tick_seconds)
                app.job_queue.run_repeating(_remind, interval=tick, first=1)
                # Hourly is plenty for a period counted in days; the first run catches up.
                app.job_queue.run_repeating(_retain, interval=RETENTION_INTERVAL, first=30)
                app.job_queue.run_repeating(
                    _announce_progress, interval=PROGRESS_INTERVAL, first=PROGRESS_INTERVAL
                )
            await app.start()
            stop_telegram = await _receive_updates(app, config.telegram)
            stop_zalo = await _receive_zalo(app, config.zalo, stop)
            freeze_start_up_heap()
            _LOGGER.info("Nghe Dân is running for %s", config.commune.name)
            await stop.wait()
            await stop_zalo()
            await stop_telegram()
            await app.stop()
        if app.bot_data.zalo is not None:
            await app.bot_data.zalo.api.close()
    finally:
        await db.close()
