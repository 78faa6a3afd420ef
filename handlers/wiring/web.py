"""The public page and Open311 API on [web] listen:port, while the bot runs.

The site reads through a database handle of its own: a visitor's costly read (a year of cases
for the figures takes seconds at a million cases) then never holds the connection the bot's
citizens and officers are answered through.
"""

from __future__ import annotations

import dataclasses

from aiohttp import web

from bot.services import Services
from handlers.web.app import build_web_app
from storage.backends import open_database
from storage.database import Database


class PublicWeb:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._runner: web.AppRunner | None = None
        self._db: Database | None = None

    async def start(self) -> None:
        config = self._services.config
        self._db = await open_database(config.storage.path, config.storage.url)
        services = dataclasses.replace(self._services, db=self._db)
        # No access log: a visitor's address and what they read are nobody's business.
        site = build_web_app(services, filing=self._services)
        self._runner = web.AppRunner(site, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, config.web.listen, config.web.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._db is not None:
            await self._db.close()
            self._db = None
