"""The bot, reading each Telegram update on its own and setting aside what it cannot read.

python-telegram-bot reads a whole getUpdates batch at once: one update it fails on (a field of
a newer Bot API, a self-hosted server's quirk) fails the batch, the Updater keeps its offset,
and the same batch comes back on every poll while everyone in it waits. Here each update of a
batch is read on its own first; what cannot be read is set aside (bot.services.quarantine) and
PTB gets the rest. PTB's webhook server answered such a post 400, so Telegram posted it again
and again; the bot's own server (handlers.telegram.webhook) reads posts through `read` instead.

Every call of this process passes here, which makes it the place that knows the bot's last
message in each chat (handlers.telegram.last_message).
"""

from __future__ import annotations

import json
from typing import Any

from telegram import Update
from telegram.ext import ExtBot
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.services.quarantine import set_aside
from handlers.telegram.last_message import LastMessages, chat_of
from storage.database import Database


class QuarantiningBot(ExtBot[None]):
    def __init__(self, token: str, *, db: Database, clock: Clock, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self._db = db
        self._clock = clock
        # One past the highest update id a poll returned, readable or not. PTB's Updater asks
        # from past the last update it was given, so an unreadable one last in its batch
        # would come back on every poll; the next poll asks from here instead.
        self._past = 0
        self._last_messages = LastMessages(enabled=not db.shared)

    @property
    def last_messages(self) -> LastMessages:
        return self._last_messages

    async def read(self, raw: object) -> Update | None:
        """The update, or None once set aside."""
        try:
            update = Update.de_json(raw, self)  # type: ignore[arg-type]
            if update is None:
                raise ValueError("an empty update")
        except Exception as error:
            found = raw.get("update_id") if isinstance(raw, dict) else None
            update_id = found if isinstance(found, int) and not isinstance(found, bool) else None
            text = json.dumps(raw, ensure_ascii=False)
            await set_aside(self._db, self._clock, TELEGRAM_CHANNEL, update_id, text, error)
            # Someone wrote below the bot's last message, in a chat it cannot tell.
            self.last_messages.forget_all()
            return None
        return update

    async def _post(
        self,
        endpoint: str,
        data: dict[str, Any] | None = None,
        *,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> Any:
        if endpoint == "getUpdates" and data is not None:
            data = {**data, "offset": max(data.get("offset") or 0, self._past)}
        chat = chat_of(data)
        try:
            result = await super()._post(
                endpoint,
                data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
                api_kwargs=api_kwargs,
            )
        except Exception:
            if chat is not None:  # it may have arrived all the same
                self.last_messages.forget(chat)
            raise
        if chat is not None:
            self.last_messages.called(endpoint, chat, result)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        # PTB reads the readable ones again (~0.1 ms each): a poll's cost, not a handler's.
        readable = [item for item in result if await self.read(item) is not None]
        # Moved only once all are read or set aside: were the database to fail meanwhile,
        # the batch must come again rather than be skipped.
        ids = [item.get("update_id") for item in result if isinstance(item, dict)]
        self._past = max([self._past, *(i + 1 for i in ids if isinstance(i, int))])
        return readable
