"""Zalo posting updates to the bot: a small aiohttp server at the webhook's path.

Every request must carry the configured secret in X-Bot-Api-Secret-Token, compared in constant
time; anything else gets 403 and is not read, so only Zalo can hand the bot updates. An update
is answered once it is handled, or set aside when it cannot be read (handlers.zalo.channel),
so Zalo does not post it again.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from handlers.zalo.api import ZaloApi

_LOGGER = logging.getLogger(__name__)
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret
LARGEST_UPDATE = 1024 * 1024


class ZaloWebhook:
    def __init__(
        self,
        receive: Callable[[Any], Awaitable[None]],
        *,
        url: str,
        secret: str,
        listen: str,
        port: int,
    ) -> None:
        self._receive = receive
        self._url = url
        self._secret = secret.encode()
        self._listen = listen
        self._port = port
        self._runner: web.AppRunner | None = None

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            _LOGGER.warning("a Zalo webhook request without the right secret was refused")
            return web.Response(status=403)
        body = (await request.read()).decode(errors="replace")
        try:
            update: object = json.loads(body)
        except ValueError:
            update = body  # unreadable: set aside as the text it is, and answered
        await self._receive(update)
        return web.json_response({"ok": True})

    async def start(self, api: ZaloApi) -> int:
        """Listen, then tell Zalo where to post; returns the port listened on."""
        app = web.Application(client_max_size=LARGEST_UPDATE)
        path = urlsplit(self._url).path or "/"
        app.router.add_post(path, self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._listen, self._port)
        await site.start()
        port = int(self._runner.addresses[0][1])
        await api.call("setWebhook", {"url": self._url, "secret_token": self._secret.decode()})
        _LOGGER.info("Zalo webhook listening on %s:%s", self._listen, port)
        return port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
