"""A chat platform posting updates to the bot: a small aiohttp server at the webhook's path.

Telegram and Zalo post the same way: each request must carry the configured secret in a header
(compared in constant time), or it gets 403 and is not read, so only the platform can hand the
bot updates. The body is read as JSON, or, when it is not JSON, as the text it is, so that the
receiver can set it aside (handlers.telegram.quarantine, handlers.zalo.channel) and answer it
like the rest: a platform posts again whatever is not answered 200.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

_LOGGER = logging.getLogger(__name__)
LARGEST_UPDATE = 1024 * 1024


class SecretPosts:
    """Posts to `url`'s path on `listen`:`port`, each handed to `receive`, which answers it."""

    def __init__(
        self,
        receive: Callable[[object], Awaitable[web.Response]],
        *,
        platform: str,
        header: str,
        url: str,
        secret: str,
        listen: str,
        port: int,
    ) -> None:
        self._receive = receive
        self._platform = platform
        self._header = header
        self.url = url
        self.secret = secret
        self._listen = listen
        self._port = port
        self._runner: web.AppRunner | None = None

    async def _post(self, request: web.Request) -> web.Response:
        given = request.headers.get(self._header, "").encode()
        if not hmac.compare_digest(given, self.secret.encode()):
            _LOGGER.warning(
                "a %s webhook request without the right secret was refused", self._platform
            )
            return web.Response(status=403)
        return await self._receive(_loads((await request.read()).decode(errors="replace")))

    async def listen(self) -> int:
        """Start listening; the port listened on (the one asked for, or the one given for 0)."""
        app = web.Application(client_max_size=LARGEST_UPDATE)
        app.router.add_post(urlsplit(self.url).path or "/", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._listen, self._port).start()
        port = int(self._runner.addresses[0][1])
        _LOGGER.info("%s webhook listening on %s:%s", self._platform, self._listen, port)
        return port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def _loads(body: str) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return body
