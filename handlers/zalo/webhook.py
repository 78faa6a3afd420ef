"""Zalo posting updates to the bot, through handlers.telegram.posts (the same server as Telegram's).

Every request must carry the configured secret in X-Bot-Api-Secret-Token, compared in constant
time; anything else gets 403 and is not read, so only Zalo can hand the bot updates. An update
is answered once it is handled, or set aside when it cannot be read (handlers.zalo.channel),
so Zalo does not post it again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from handlers.telegram.posts import SecretPosts
from handlers.zalo.api import ZaloApi

SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret


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
        self._posts = SecretPosts(
            self._take,
            platform="Zalo",
            header=SECRET_HEADER,
            url=url,
            secret=secret,
            listen=listen,
            port=port,
        )
        self.stop = self._posts.stop

    async def _take(self, posted: object) -> web.Response:
        await self._receive(posted)
        return web.json_response({"ok": True})

    async def start(self, api: ZaloApi) -> int:
        """Listen, then tell Zalo where to post; returns the port listened on."""
        port = await self._posts.listen()
        await api.call("setWebhook", {"url": self._posts.url, "secret_token": self._posts.secret})
        return port
