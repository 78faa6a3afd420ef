"""Delivering outbox notices to Zalo citizens.

A notice for a Zalo account goes to its local id through the bot's TelegramSender: the bot's
request object carries it to Zalo (handlers.zalo.outbound), so a notice is rendered exactly as
a handler's message is (choices numbered and remembered, long texts split), and Zalo's refusals
become RetryLaterError or UndeliverableError exactly as Telegram's do.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.dialogs.base import Notice
from bot.services import chats
from bot.services.outbox import Sender
from handlers.zalo.inbound import CHANNEL
from storage.database import Database


class ZaloSender:
    def __init__(self, telegram: Sender, db: Database, clock: Clock) -> None:
        self._telegram = telegram
        self._db = db
        self._clock = clock

    async def send(self, recipient: str, notice: Notice) -> None:
        local = await chats.local_id(self._db, self._clock, CHANNEL, recipient)
        await self._telegram.send(str(local), notice)
