"""Công khai (issue #21): the public page and the Open311 API over years of cases.

The scale dataset (bench/dataset.py) with a realistic share published: 3 of every 8 phản ánh
and kiến nghị, about 30% of all cases. The site is served as `serve` serves it (its own
aiohttp server on 127.0.0.1, the rate limit lifted) and asked through real HTTP, one request at
a time: the list's first page and the pages after it by their "Trang sau" links, with each
filter; requests.json with its default window, by status, by service and the pages after; the
figures, as the first visitor waits for them and then from their cache.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web

from bench.configs import write_config
from bench.dataset import generate, size_mb
from bench.stats import latency
from bot.clock import SystemClock
from bot.config import Config, load_config
from bot.domain.request_rate import RequestRate
from bot.services import Services
from handlers.web.app import build_web_app
from storage.sqlite import SqliteDatabase

PORT = 18_321
CATEGORIES = ("giao-thong", "moi-truong", "dat-dai", "ho-tich")
STATUSES = ("dang-giai-quyet", "da-giai-quyet")
_NEXT = re.compile(r'<a href="(/\?[^"]*sau=[^"]+)">')


def publish_share(path: Path) -> tuple[int, int]:
    """Mark 3 in 8 phản ánh and kiến nghị published since they were filed; (published, all)."""
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE tickets SET public_since = created_at "
            "WHERE kind IN ('feedback', 'petition') AND id % 8 < 3"
        )
        conn.execute("ANALYZE")  # what PRAGMA optimize gives a database in use for years
        published = conn.execute(
            "SELECT count(*) FROM tickets WHERE public_since IS NOT NULL"
        ).fetchone()[0]
        total = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
    return int(published), int(total)


def _paths(chooser: random.Random, requests: int) -> dict[str, list[str]]:
    """The first pages asked for: the list plain and filtered, and requests.json."""
    pages = []
    for _ in range(requests):
        query = []
        if chooser.random() < 0.5:
            query.append(f"linh-vuc={chooser.choice(CATEGORIES)}")
        if chooser.random() < 0.5:
            query.append(f"tinh-trang={chooser.choice(STATUSES)}")
        if chooser.random() < 0.3:
            query.append(f"thang=2026-{chooser.randint(1, 11):02d}")
        pages.append("/?" + "&".join(query))
    api = []
    for _ in range(requests):
        query = [f"page_size={chooser.choice((50, 100, 1000))}"]
        if chooser.random() < 0.4:
            query.append(f"status={chooser.choice(('open', 'closed'))}")
        if chooser.random() < 0.4:
            query.append(f"service_code={chooser.choice(CATEGORIES)}")
        api.append("/open311/v2/requests.json?" + "&".join(query))
    return {"page": pages, "open311": api}


async def _timed(session: ClientSession, url: str) -> tuple[float, str, str | None, int]:
    start = time.perf_counter()
    async with session.get(url) as response:
        body = await response.text()
        seconds = time.perf_counter() - start
        return seconds, body, response.headers.get("Link"), response.status


async def _ask(base: str, paths: dict[str, list[str]]) -> dict[str, Any]:
    """Each first page, then up to two pages after it by the link it gives."""
    times: dict[str, list[float]] = {"page": [], "open311": [], "open311_page_1000": []}
    statuses: set[int] = set()
    rows = 0
    async with ClientSession(base) as session:
        # The site starts making the figures at once; measured from its start, before the
        # pages, so those are timed as the site runs once it is up.
        made = (await _timed(session, "/thong-ke"))[0]
        for first in paths["page"]:
            path = first
            for _ in range(3):
                seconds, body, _, status = await _timed(session, path)
                times["page"].append(seconds)
                statuses.add(status)
                rows += body.count("<article>")
                found = _NEXT.search(body)
                if found is None:
                    break
                path = found.group(1).replace("&amp;", "&")
        for first in paths["open311"]:
            path = first
            for _ in range(3):
                seconds, _, link, status = await _timed(session, path)
                times["open311_page_1000" if "page_size=1000" in path else "open311"].append(
                    seconds
                )
                statuses.add(status)
                if link is None:
                    break
                path = link[1 : link.index(">")].removeprefix(base)
        figures = [(await _timed(session, "/thong-ke"))[0] for _ in range(20)]
    return {
        **{name: latency(values) for name, values in times.items()},
        "figures_first_ms": round(made * 1000, 1),
        "figures_cached": latency(figures),
        "invariants": {"every_request_answered_200": statuses == {200}, "pages_had_rows": rows > 0},
    }


async def serve_and_ask(config: Config, requests: int) -> dict[str, Any]:
    db = await SqliteDatabase.open(config.storage.path)
    try:
        services = Services(config=config, db=db, clock=SystemClock())
        app: web.Application = build_web_app(services, RequestRate(rate=1e9, burst=1e9))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", PORT).start()
        try:
            return await _ask(f"http://127.0.0.1:{PORT}", _paths(random.Random(21), requests))
        finally:
            await runner.cleanup()
    finally:
        await db.close()


async def run_publication(folder: Path, cases: int, citizens: int, requests: int) -> dict[str, Any]:
    config = load_config(write_config(folder))
    await asyncio.to_thread(generate, config, cases, citizens)
    published, stored = await asyncio.to_thread(publish_share, config.storage.path)
    results = {
        "cases": stored,
        "published": published,
        "database_mb": size_mb(config.storage.path),
        **await serve_and_ask(config, requests),
    }
    results["invariants"]["all_cases_stored"] = stored == cases
    return results
