"""Each address is held to its rate: a burst passes, a flood gets 429 in the right format."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.domain.request_rate import RequestRate
from bot.services import Services
from bot.texts import t
from handlers.web.app import build_web_app


def test_a_burst_passes_then_the_rate_holds() -> None:
    rate = RequestRate(rate=10, burst=30)
    assert all(rate.allow("a", 100.0) for _ in range(30))
    assert not rate.allow("a", 100.0)
    assert rate.allow("b", 100.0)  # another address has its own bucket
    assert rate.retry_after("a") > 0
    assert rate.allow("a", 100.15)  # a tenth of a second brings one request back
    assert not rate.allow("a", 100.15)


def test_many_addresses_do_not_grow_memory_for_ever() -> None:
    rate = RequestRate(rate=10, burst=30)
    for n in range(25_000):
        rate.allow(f"10.0.{n // 256}.{n % 256}", float(n))
    assert len(rate._buckets) <= 10_000


async def test_a_flood_gets_429_html_or_open311_json(services: Services) -> None:
    app: web.Application = build_web_app(services, RequestRate(rate=0.01, burst=3))
    async with TestClient(TestServer(app, host="127.0.0.1")) as site:
        for _ in range(3):
            assert (await site.get("/lich")).status == 200
        page = await site.get("/lich")
        assert page.status == 429
        assert int(page.headers["Retry-After"]) >= 1
        assert await page.text() == t("web.too_many")
        api = await site.get("/open311/v2/services.json")
        assert api.status == 429
        assert await api.json() == [{"code": 429, "description": t("web.open311.too_many")}]
        # Behind the commune's proxy, the address it forwards is the one counted.
        other = await site.get("/lich", headers={"X-Forwarded-For": "203.0.113.9"})
        assert other.status == 200
