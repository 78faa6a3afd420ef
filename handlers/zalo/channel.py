"""Zalo updates into the Application, once each, also across a crash.

Zalo's getUpdates hands an update over once and never again, and a webhook post is answered
before nothing else can be done with it; so each update is written to the inbox first, then
handed to the Application as a Telegram-shaped update, and the Application records its id as
handled once the handlers are done (handlers.wiring.application.DurableApplication). After a crash
in between, the next start hands over what is still in the inbox; a re-delivered update (the same
event name and message id) is the same inbox row, so it is handled once.

On a shared database the inbox is shared too: what a process took in and then died with is
picked up by the others (`pick_up`), and people's turns keep it from being handled twice
(handlers.wiring.application.DurableApplication).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, Update

from bot.clock import Clock
from bot.services import chats, quarantine
from handlers.zalo.api import ZaloApi
from handlers.zalo.inbound import CHANNEL, ZaloEvent, parse_event, telegram_update, unreadable
from handlers.zalo.outbound import Outlet
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
Feed = Callable[[Update], Awaitable[None]]
# How often each process looks for Zalo updates another took in and never handled, and how old
# they must be: older than most updates take to be handled (one that is only slow is found
# handled, or waits for its turn).
PICK_UP_EVERY = timedelta(seconds=30)


class ZaloChannel:
    """Receives raw Zalo updates (from polling or the webhook) and feeds them to the app."""

    def __init__(
        self, bot: Bot, db: Database, clock: Clock, api: ZaloApi, outlet: Outlet, feed: Feed
    ) -> None:
        self.api = api
        self.feed = feed
        self._bot = bot
        self._db = db
        self._clock = clock
        self._outlet = outlet

    async def receive(self, raw: Any) -> None:
        event = parse_event(raw)
        if event is None:
            if error := unreadable(raw):
                text = json.dumps(raw, ensure_ascii=False)
                await quarantine.set_aside(self._db, self._clock, CHANNEL, None, text, error)
            else:
                _LOGGER.info("a Zalo update from a bot or a group was ignored")
            return
        payload = json.dumps(raw, ensure_ascii=False)
        arrival = await chats.arrive(self._db, self._clock, CHANNEL, event.key, payload)
        if arrival.handled:
            _LOGGER.info("Zalo update %s was already handled; skipped", arrival.update_id)
            return
        await self._hand_over(arrival.update_id, event)

    async def catch_up(self) -> int:
        """Hand over what arrived before the last stop and was never handled."""
        handed = await self._hand_over_waiting()
        if handed:
            _LOGGER.info("%s Zalo updates from before the restart handled", handed)
        return handed

    async def pick_up(self, stop: asyncio.Event, every: timedelta = PICK_UP_EVERY) -> None:
        """Until `stop`, every `every`, hand over what arrived longer than `every` ago and is
        still not handled: on a shared database, another process took it in and died. What
        is only slow is handed over twice, and found handled the second time. A database of
        its own has no other process, so nothing to pick up."""
        if not self._db.shared:
            return
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every.total_seconds())
            if stop.is_set():
                return
            try:
                if handed := await self._hand_over_waiting(self._clock.now() - every):
                    _LOGGER.info("%s Zalo updates left by another process picked up", handed)
            except Exception:
                # The database may be back by the next round; the rows wait until then.
                _LOGGER.exception("Zalo updates could not be picked up")

    async def _hand_over_waiting(self, received_before: datetime | None = None) -> int:
        waiting = await chats.waiting(self._db, CHANNEL, received_before)
        for arrival in waiting:
            event = parse_event(json.loads(arrival.payload or "null"))
            if event is not None:
                await self._hand_over(arrival.update_id, event)
        return len(waiting)

    async def _hand_over(self, update_id: int, event: ZaloEvent) -> None:
        local = await chats.local_id(self._db, self._clock, CHANNEL, event.sender)
        shown = await chats.recall(self._db, local)
        data = telegram_update(
            event,
            update_id=update_id,
            user_id=local,
            message_id=self._outlet.next_message_id(),
            shown=shown,
            bot=bot_user(self._bot),
        )
        await self.feed(Update.de_json(data, self._bot))


def bot_user(bot: Bot) -> dict[str, Any]:
    """The bot as the sender of its own messages; its real account once PTB asked getMe."""
    try:
        return bot.bot.to_dict()
    except RuntimeError:  # not initialised yet
        return {"id": 1, "is_bot": True, "first_name": "Nghe Dân"}
