"""The public site served for real on 127.0.0.1 over a real SQLite file, with a world of
cases of every kind."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Config
from bot.domain.request_rate import RequestRate
from bot.services import Services
from handlers.web.app import build_web_app
from storage.database import Database
from tests.support.clock import FixedClock
from tests.web.world import World, build

Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def world(db: Database, clock: FixedClock, config: Config) -> World:
    return await build(db, clock, config)


@pytest.fixture
async def site(services: Services, world: World) -> AsyncIterator[Client]:
    """The site with a rate high enough never to refuse a test; the limit has its own test."""
    app = build_web_app(services, RequestRate(rate=10_000, burst=10_000))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client
