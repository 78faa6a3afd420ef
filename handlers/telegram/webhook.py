"""Telegram posting updates to the bot: a small aiohttp server at the webhook's path.

PTB's own webhook server answers 400 to a post it cannot read, so Telegram posts it again and
again, and it logs the post, which holds what a person wrote. This one, after PTB's pattern
for a custom webhook, reads each post through the bot (handlers.telegram.quarantine): what cannot be
read is set aside and answered 200 like the rest. A request without the configured secret in
X-Telegram-Bot-Api-Secret-Token (compared in constant time) gets 403 and is not read. An update
is answered once it is handled (handlers.telegram.update_order), since the answer confirms it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from handlers.telegram.quarantine import QuarantiningBot

_LOGGER = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name
LARGEST_UPDATE = 1024 * 1024


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
        self._url = url
        self._secret = secret.encode()
        self._listen = listen
        self._port = port
        self._runner: web.AppRunner | None = None

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            _LOGGER.warning("a webhook request without the right secret was refused")
            return web.Response(status=403)
        update = await self._bot.read(_loads((await request.read()).decode(errors="replace")))
        if update is not None:
            self._bot.insert_callback_data(update)
            await self._queue.put(update)
        return web.Response()

    async def start(self) -> None:
        """Listen, then tell Telegram where to post."""
        app = web.Application(client_max_size=LARGEST_UPDATE)
        app.router.add_post(urlsplit(self._url).path or "/", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()
        await self._bot.set_webhook(
            self._url, secret_token=self._secret.decode(), allowed_updates=Update.ALL_TYPES
        )
        _LOGGER.info("webhook listening on %s:%s", self._listen, self._port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _loads(body: str) -> object:
    """The post's JSON; a body that is not JSON is read (and set aside) as the text it is."""
    try:
        return json.loads(body)
    except ValueError:
        return body
