"""Building the Application: one python-telegram-bot Application serves both channels.

Zalo chats reach it as Telegram-shaped updates (handlers.zalo) and are answered through a request
that routes their calls to Zalo; each person's updates are handled in order, once, and their
drafts saved in the transaction that remembers the update. The life cycle is
handlers.wiring.serving.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

from telegram import LinkPreviewOptions, Update
from telegram.constants import FloodLimit
from telegram.error import BadRequest
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

from bot.config import sealer
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.domain.limits import RateLimiter
from bot.domain.people import SEALED_CHANNEL
from bot.domain.turns import NOBODY
from bot.services import Services, gates, guide
from bot.services.case_files import CaseFiles
from bot.services.file_keeping import FileKeeper
from bot.services.file_stores import open_file_store
from bot.services.gates import Arrival
from bot.services.outbox import BUDGET_CHANNEL, Deliverer, Limits, Sender, SystemTimer, Timer
from bot.services.sealed_sender import SealedSender
from bot.services.send_budget import SendBudget, take_prepaid
from bot.services.send_order import SendOrder, in_background
from bot.services.turns import Turn, Turns, TurnUnavailableError
from bot.services.updates import UpdateLog
from handlers.citizen.latest_question import notice_shown
from handlers.telegram.accounts import update_account
from handlers.telegram.context import App, BotData, ChatData, Context, UserData
from handlers.telegram.errors import log_disk_full
from handlers.telegram.metrics import SKIPPED, Metrics
from handlers.telegram.persistence import SqlitePersistence, keys_of
from handlers.telegram.quarantine import QuarantiningBot
from handlers.telegram.sender import TelegramSender
from handlers.telegram.update_order import (
    ConfirmAfterHandled,
    HandledBeforeConfirmed,
    OnePersonAtATime,
    person_of,
)
from handlers.telegram.uploads import bot_files_key
from handlers.wiring.downloads import ChannelFiles
from handlers.wiring.monitoring import default_instance
from handlers.wiring.routes import register
from handlers.zalo.api import ZaloApi
from handlers.zalo.channel import ZaloChannel, bot_user
from handlers.zalo.inbound import CHANNEL as ZALO_CHANNEL
from handlers.zalo.outbound import Outlet, ZaloRoute
from handlers.zalo.sender import ZaloSender
from storage.connection import Connection
from storage.database import is_disk_full

_LOGGER = logging.getLogger(__name__)
# Telegram's 30 a second may come in a burst of this many at most: a smaller burst than a whole
# second's leaves room for the requests to arrive less evenly than they left (no 429).
BURST = 20
# Of the burst, this many are kept for replies: background sends (the outbox) never take them.
REPLIES_RESERVE = 5


class DurableApplication(
    Application[ExtBot[None], Context, UserData, ChatData, BotData, JobQueue[Context]]
):
    """An Application that handles each update once and saves its drafts right away.

    Telegram delivers an update again when the bot stops before confirming it; the update id
    is remembered once the update is handled, so a second delivery changes nothing. Drafts and
    conversation states are written after every update rather than every minute, in the
    transaction that remembers the update, so `kill -9` loses at most the updates in flight,
    which Telegram then delivers again, and never keeps one without the other. Different
    people's updates are handled at once (handlers.telegram.update_order), so each update's
    transaction takes only its own person's drafts and states: another's may be half-way through
    theirs.

    On a shared database (several processes, `Database.shared`) any process may have received
    a person's previous update, or this very one (a webhook post repeated to another process).
    So the update is handled under its person's turn (bot.services.turns), taken in the one
    round trip that also asks the database whether the update was handled and reads the
    person's draft and conversation states again (bot.services.gates), and given back in the
    unit that marks the update handled.
    """

    async def process_update(self, update: object) -> None:
        if not isinstance(update, Update):
            await super().process_update(update)
            return
        handled = True
        try:
            await self._handle_once(update)
        except TurnUnavailableError as error:
            handled = False
            _LOGGER.warning("update %s left for a later delivery: %s", update.update_id, error)
        finally:
            self._queue.finished(update, handled=handled)

    async def _handle_once(self, update: Update) -> None:
        """The gates' reads first, in one unit (bot.services.gates), then the handlers; on a
        shared database all of it under the person's turn, taken in that same unit."""
        services = self.bot_data.services
        account = await update_account(services.db, update)
        user = update.effective_user
        arrival = Arrival(
            channel=account.channel if account else TELEGRAM_CHANNEL,
            update_id=update.update_id,
            account=account,
            user=user.id if user else None,
            conversations=list(self._conversation_handler_conversations),
            keys=keys_of(update),
        )
        if not services.db.shared:
            handled = await self._updates.handled(arrival.channel, update.update_id)
            opened = await gates.open_alone(services.db, arrival, handled=handled)
            if not self._skipped(update, opened):
                await self._handle(update, arrival, opened)
            return
        turns = self.bot_data.turns
        times = turns.times
        patience = (
            times.post_patience if self._queue.answered_on_handling(update) else times.patience
        )
        person = person_of(update) or NOBODY

        def attempt() -> Awaitable[gates.Opened | None]:
            return gates.open_shared(
                services.db,
                services.clock,
                arrival,
                turn_of=person,
                holder=turns,
                limiter=self.bot_data.limiter,
                sealer=self._persistence.sealer,
            )

        async with turns.opened(person, patience, attempt) as turn:
            opened = turn.opened
            if self._skipped(update, opened):
                return
            self._persistence.refresh_conversations(
                self._conversation_handler_conversations, arrival.keys, opened.states or {}
            )
            if arrival.user is not None:
                self._persistence.reload_user_data(
                    arrival.user, self._user_data[arrival.user], opened.draft or {}
                )
            await self._handle(update, arrival, opened, turn)

    def _skipped(self, update: Update, opened: gates.Opened) -> bool:
        if not opened.handled:
            return False
        _LOGGER.info("update %s was already handled; skipped", update.update_id)
        self.bot_data.metrics.mark(update, SKIPPED)
        return True

    async def _handle(
        self,
        update: Update,
        arrival: Arrival,
        opened: gates.Opened,
        turn: Turn[gates.Opened] | None = None,
    ) -> None:
        """The handlers, then one unit writes what they changed, marks the update handled and
        gives the person's turn back (on a shared database)."""
        chat = update.effective_chat
        ids = {person_of(update), chat.id if chat else None} - {None}
        with self.bot_data.opened.during(update, opened):
            await super().process_update(update)
        await super().update_persistence()
        due = True  # unless the unit that marks the update says nothing is
        if turn is not None:
            await turn.stop_keeping()
        try:
            async with self._persistence.pending(lambda key: not ids.isdisjoint(key)) as drafts:

                async def along(conn: Connection) -> None:
                    await drafts(conn)
                    if turn is not None:
                        await turn.give_back_in(conn)

                due = await self._updates.mark(arrival.channel, update.update_id, along)
            if turn is not None:
                turn.given_back()
        except sqlite3.OperationalError as error:
            # Raising here would end PTB's update loop; the bot must go on once there is room.
            if not is_disk_full(error):
                raise
            log_disk_full(error, f"what update {update.update_id} changed, and that it was handled")
        if self.running and due:
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
    """AIORateLimiter's group limits, and Telegram's 30 a second with replies first.

    The overall rate is `order`'s (bot.services.send_order) instead of AIORateLimiter's first
    come, first served: a request made while handling a person's update goes before the
    outbox's notices and announcements that wait (the outbox marks its own).

    A press answered by a process since killed is not an error: an update whose handling was
    cut short by a kill is handled again after the restart; if the killed process had already
    answered its button press, Telegram refuses a second answer ("query is too old"). That
    refusal must not stop the rest of the handling, which the killed process may never have
    done.

    With a `budget` (a database shared by several processes) a message to a chat takes its
    moment from the budget all the processes share instead of this process's own 30 a second,
    unless the outbox reserved it already (bot.services.send_budget.prepaid); `order` then
    only keeps this process's background sends behind its replies that wait for the budget.
    """

    def __init__(
        self, order: SendOrder, *, max_retries: int = 0, budget: SendBudget | None = None
    ) -> None:
        super().__init__(overall_max_rate=0, max_retries=max_retries)
        self._order = order
        self._budget = budget

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        # As AIORateLimiter's own overall limit: messages to chats only.
        if data.get("chat_id") is not None:
            await self._moment()
        try:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        except BadRequest as error:
            if endpoint != "answerCallbackQuery" or "query is too old" not in error.message.lower():
                raise
            _LOGGER.info("a press was already answered (handled again after a restart)")
            return True

    async def _moment(self) -> None:
        urgent = not in_background()
        if self._budget is None:
            await self._order.turn(urgent)
        elif not take_prepaid():
            if urgent:
                async with self._order.urgent():
                    await self._budget.take()
            else:
                await self._order.after_replies()
                await self._budget.take()


def _senders(services: Services, telegram: Sender, zalo: ZaloApi | None) -> dict[str, Sender]:
    """Each channel's sender; messages to a denouncer's pseudonym go through their own."""
    direct: dict[str, Sender] = {TELEGRAM_CHANNEL: telegram}
    if zalo is not None:
        direct[ZALO_CHANNEL] = ZaloSender(telegram, zalo, services.db, services.clock)
    return {**direct, SEALED_CHANNEL: SealedSender(services.db, services.config, direct)}


def _shared_budget(services: Services, timer: Timer | None) -> SendBudget | None:
    """Telegram's 30 a second for every process's replies together, on a shared database."""
    if not services.db.shared:
        return None
    rate = FloodLimit.MESSAGES_PER_SECOND
    return SendBudget(services.db, BUDGET_CHANNEL, rate, timer or SystemTimer())


def build_application(
    services: Services,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    timer: Timer | None = None,
    rate_limiter: AIORateLimiter | None = None,
    instance: str | None = None,
) -> App:
    """The bot with every handler registered; tests pass an offline request instead of HTTP,
    and a timer to keep the outbox's limits without waiting in real time. The benchmark passes
    a rate limiter without the overall rate, to measure what the handlers themselves cost.
    `instance` names the process among those sharing the database (default: host and pid)."""
    config = services.config
    instance = instance or default_instance()
    token = config.telegram.token
    if token is None:
        raise ValueError("a bot token is required to build the application")
    base = config.telegram.base_url
    # On a shared database the moments are the budget's; the order only keeps replies first.
    order = SendOrder(
        timer or SystemTimer(),
        None if services.db.shared else FloodLimit.MESSAGES_PER_SECOND,
        burst=BURST,
        reserve=REPLIES_RESERVE,
    )
    queue = HandledBeforeConfirmed(answer_after_handled=config.telegram.mode == "webhook")
    metrics = Metrics(local_channel=ZALO_CHANNEL)
    zalo = config.zalo
    api = (
        ZaloApi(zalo.base_url, zalo.token.get_secret_value())
        if zalo.enabled and zalo.token
        else None
    )
    outlet = Outlet(api, services.db, services.clock, lambda: bot_user(app.bot)) if api else None
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
        get_updates_request=ConfirmAfterHandled(polls, queue, on_poll=metrics.polled),
        # AIORateLimiter paces every request under Telegram's 30/s, replies and outbox alike.
        # Its max_retries would answer a 429 by sleeping retry_after inside the request (while
        # holding every other request) and retrying; the outbox must hear the 429 instead, to
        # postpone the message in the database and pause itself (RetryLaterError). So none: a
        # reply that meets flood control fails like a reply that meets a network error.
        rate_limiter=rate_limiter
        or Limiter(order, max_retries=0, budget=_shared_budget(services, timer)),
    )
    builder = (
        ApplicationBuilder()
        .application_class(DurableApplication)
        .context_types(ContextTypes(context=Context, bot_data=BotData))
        .bot(bot)
        .persistence(SqlitePersistence(services.db, sealer(services.config)))
        .update_queue(queue)
        .concurrent_updates(OnePersonAtATime(metrics=metrics))
    )
    app: App = builder.build()  # type: ignore[assignment]
    if api is not None and outlet is not None:
        app.bot_data.zalo = ZaloChannel(
            app.bot, services.db, services.clock, api, outlet, queue.hand_over
        )
    app.bot_data.services = services
    app.bot_data.metrics = metrics
    app.bot_data.turns = Turns(services.db, services.clock, instance)
    app.bot_data.guide = guide.build_index(config)
    app.bot_data.limiter = RateLimiter(limit=config.limits.messages_per_minute, period=60.0)
    store = open_file_store(config.storage)
    files = CaseFiles(services.db, store, sealer(services.config), sender=bot_files_key(app.bot))
    app.bot_data.files = files
    telegram = TelegramSender(app.bot, functools.partial(notice_shown, app), files)
    app.bot_data.deliverer = Deliverer(
        services.db,
        services.clock,
        _senders(services, telegram, api),
        limits=Limits(**config.outbox.model_dump()),
        timer=timer,
        failures=metrics,
        instance=instance,
        order=order,
    )
    app.bot_data.keeper = FileKeeper(
        services.db,
        services.clock,
        store,
        ChannelFiles(app.bot),
        instance=instance,
        sealer=sealer(services.config),
    )
    register(app)
    return app
