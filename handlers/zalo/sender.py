"""Delivering outbox notices to Zalo citizens.

A notice for a Zalo account goes to its local id through the bot's TelegramSender: the bot's
request object carries it to Zalo (handlers.zalo.outbound), so a notice is rendered exactly as
a handler's message is (choices numbered and remembered, long texts split), and Zalo's refusals
become RetryLaterError or UndeliverableError exactly as Telegram's do.

An account with no local id any more (its person was erased; the last notice tells them so)
is sent the plain text straight through the Zalo API, so no link to it is made again.
"""

from __future__ import annotations

from dataclasses import replace

from bot.clock import Clock
from bot.messages import Notice, chunks
from bot.services import chats
from bot.services.outbox import RetryLaterError, Sender, UndeliverableError
from handlers.zalo.api import ZaloApi, ZaloRefusedError, ZaloUnreachableError
from handlers.zalo.inbound import CHANNEL
from handlers.zalo.outbound import RETRY_SECONDS, TEXT_LIMIT
from storage.database import Database


class ZaloSender:
    def __init__(self, telegram: Sender, api: ZaloApi, db: Database, clock: Clock) -> None:
        self._telegram = telegram
        self._api = api
        self._db = db
        self._clock = clock

    async def send(self, recipient: str, notice: Notice) -> None:
        if notice.attachment is not None:
            # Zalo takes no upload (handlers.zalo.outbound says so in words): the file goes by
            # the channel's reference, and no answer of Zalo's is kept as a Telegram file id.
            notice = replace(notice, attachment=None)
        local = await chats.linked(self._db, CHANNEL, recipient)
        if local is not None:
            await self._telegram.send(str(local), notice)
            return
        try:
            for part in chunks(notice.text, TEXT_LIMIT):
                await self._api.call("sendMessage", {"chat_id": recipient, "text": part})
        except ZaloUnreachableError as error:
            raise RetryLaterError(RETRY_SECONDS, str(error)) from None
        except ZaloRefusedError as error:
            if error.code == 429 or error.code >= 500:
                raise RetryLaterError(RETRY_SECONDS, str(error)) from None
            whole_chat = error.code in (401, 403, 404)
            raise UndeliverableError(str(error), whole_chat=whole_chat) from None
