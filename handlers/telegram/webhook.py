"""Telegram posting updates to the bot, through handlers.telegram.posts.

PTB's own webhook server answers 400 to a post it cannot read, so Telegram posts it again and
again, and it logs the post, which holds what a person wrote. This one, after PTB's pattern
for a custom webhook, reads each post through the bot (handlers.telegram.quarantine): what cannot be
read is set aside and answered 200 like the rest. A request without the configured secret in
X-Telegram-Bot-Api-Secret-Token (compared in constant time) gets 403 and is not read. An update
is answered once it is handled (handlers.telegram.update_order), since the answer confirms it;
one left unhandled (another process kept its person's turn too long, on a shared database) is
answered 500, so Telegram posts it again later.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from telegram import Update

from handlers.telegram.posts import SecretPosts
from handlers.telegram.quarantine import QuarantiningBot
from handlers.telegram.update_order import LeftUnhandledError

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name


class TelegramWebhook:
    def __init__(
        self,
        bot: QuarantiningBot,
        queue: asyncio.Queue[object],
        *,
        url: str,
        secret: str,
        listen: str,
        port: int,
    ) -> None:
        self._bot = bot
        self._queue = queue
        self._posts = SecretPosts(
            self._take,
            platform="Telegram",
            header=SECRET_HEADER,
            url=url,
            secret=secret,
            listen=listen,
            port=port,
        )
        self.stop = self._posts.stop

    async def _take(self, posted: object) -> web.Response:
        update = await self._bot.read(posted)
        if update is not None:
            self._bot.insert_callback_data(update)
            try:
                await self._queue.put(update)
            except LeftUnhandledError:
                return web.Response(status=500)
        return web.Response()

    async def start(self) -> None:
        """Listen, then tell Telegram where to post."""
        await self._posts.listen()
        await self._bot.set_webhook(
            self._posts.url, secret_token=self._posts.secret, allowed_updates=Update.ALL_TYPES
        )
