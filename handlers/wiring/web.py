"""The public page and Open311 API on [web] listen:port, while the bot runs."""

from __future__ import annotations

from aiohttp import web

from bot.config import WebConfig
from bot.services import Services
from handlers.web.app import build_web_app


class PublicWeb:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._runner: web.AppRunner | None = None

    async def start(self, config: WebConfig) -> None:
        # No access log: a visitor's address and what they read are nobody's business.
        self._runner = web.AppRunner(build_web_app(self._services), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, config.listen, config.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
