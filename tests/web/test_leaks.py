"""Nothing personal and nothing unpublished leaves through any endpoint, on any page.

Every path a visitor or an app can reach is fetched, every page of every list followed, every
code of the world (published or not) asked for; no body may carry a hidden case's code, a
contact's or filer's name, phone or address, or any phone number at all.
"""

from __future__ import annotations

import re

import pytest

from handlers.web import cases
from tests.web.conftest import Client
from tests.web.world import SECRETS, World

PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[ .\-]?\d){8,10}(?!\d)")
V2 = "/open311/v2"


async def _crawl(site: Client, start: str, seen: dict[str, str]) -> None:
    """Fetch `start` and every same-site link in it, page after page."""
    waiting = [start]
    while waiting:
        path = waiting.pop()
        if path in seen:
            continue
        response = await site.get(path)
        body = (await response.read()).decode(errors="replace")
        seen[path] = body
        link = response.headers.get("Link")
        if link:
            following = link[1 : link.index(">")]
            waiting.append(following[following.index(V2) :])
        if response.content_type == "text/html":
            links = re.findall(r'(?:href|src)="(/[^"]*)"', body)
            waiting += [link.replace("&amp;", "&") for link in links]


async def test_no_response_reveals_anything_hidden(
    site: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases, "PAGE_SIZE", 1)
    seen: dict[str, str] = {}
    starts = [
        "/",
        "/?tinh-trang=da-giai-quyet",
        "/?tinh-trang=dang-giai-quyet",
        "/?linh-vuc=dat-dai",
        "/?linh-vuc=thai-do-can-bo",
        f"{V2}/services.json",
        f"{V2}/requests.json?page_size=1",
        f"{V2}/requests.json?status=open&start_date=2000-01-01",
        f"{V2}/requests.json?status=closed&end_date=2100-01-01",
        f"{V2}/requests.json?service_code=dat-dai",
        f"{V2}/requests.json?service_code=thai-do-can-bo",
        f"{V2}/requests.json?service_request_id=" + ",".join(world.hidden_codes),
    ]
    every = [t.code for t in world.published] + world.hidden_codes
    starts += [f"/ho-so/{code}" for code in every]
    starts += [f"{V2}/requests/{code}.json" for code in every]
    for start in starts:
        await _crawl(site, start, seen)
    assert {"/thong-ke", "/lich", "/thong-bao"} <= set(seen)
    assert len([p for p in seen if "sau=" in p]) >= 2  # the list's pages were followed
    for path, body in seen.items():
        for code in world.hidden_codes:
            # A 404 may repeat the code it was asked for; nothing else may name it.
            if code not in path:
                assert code not in body, (path, code)
        for secret in SECRETS:
            assert secret not in body, (path, secret)
        assert PHONE.search(body) is None, (path, PHONE.search(body))
    published = {t.code for t in world.published}
    assert all(any(code in body for body in seen.values()) for code in published)
    # The photos: only those an officer let out of a published case, by their hash.
    photos = sorted(path.removeprefix("/anh/") for path in seen if path.startswith("/anh/"))
    assert photos == sorted(world.public_photos)
    assert world.hidden_photo not in " ".join(seen.values())
    assert (await site.get(f"/anh/{world.hidden_photo}")).status == 404
