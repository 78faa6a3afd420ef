"""The public page over HTTP: the list, its filters and pages, a case, the commune's pages."""

from __future__ import annotations

import re

import pytest

from bot.config import Config
from bot.texts import t
from handlers.web import cases
from tests.web.conftest import Client
from tests.web.world import PUBLIC_PHOTOS, World


def _codes(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/ho-so/([^"]+)">', html)


async def _get(site: Client, path: str, status: int = 200) -> str:
    response = await site.get(path)
    assert response.status == status, path
    return await response.text()


async def test_the_list_shows_only_published_cases_newest_first(site: Client, world: World) -> None:
    html = await _get(site, "/")
    newest_first = [ticket.code for ticket in reversed(world.published)]
    assert _codes(html) == newest_first
    assert t("web.rating_satisfied") in html
    assert "Đã thông cống" in html
    assert html.startswith('<!doctype html><html lang="vi">')
    assert "<script" not in html
    assert "http" not in html.replace("http://www.w3.org", "")


async def test_the_filters_narrow_the_list(site: Client, world: World, config: Config) -> None:
    solved, mapped, worded = world.published
    assert _codes(await _get(site, "/?tinh-trang=da-giai-quyet")) == [solved.code]
    assert _codes(await _get(site, "/?tinh-trang=dang-giai-quyet")) == [worded.code, mapped.code]
    assert _codes(await _get(site, "/?linh-vuc=moi-truong")) == [mapped.code]
    month = solved.created_at.astimezone(config.commune.zone).strftime("%Y-%m")
    assert len(_codes(await _get(site, f"/?thang={month}"))) == 3
    assert _codes(await _get(site, "/?thang=2020-01")) == []


async def test_junk_in_the_query_is_a_400_page_in_vietnamese(site: Client) -> None:
    for query in ("linh-vuc=none", "tinh-trang=x", "thang=2026-13", "sau=abc", "sau=1-x"):
        html = await _get(site, f"/?{query}", status=400)
        assert "Yêu cầu không hợp lệ" in html


async def test_pages_follow_one_another_by_keyset(
    site: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases, "PAGE_SIZE", 2)
    first = await _get(site, "/")
    following = re.search(r'<a href="(/\?sau=[^"]+)">', first)
    assert following is not None
    second = await _get(site, following.group(1).replace("&amp;", "&"))
    assert _codes(first) + _codes(second) == [t.code for t in reversed(world.published)]


async def test_a_case_page_has_its_dates_place_result_and_rating(
    site: Client, world: World
) -> None:
    solved, mapped, worded = world.published
    html = await _get(site, f"/ho-so/{solved.code}")
    assert solved.code in html
    assert t("web.rating_satisfied") in html
    assert "Đã thông cống" in html
    html = await _get(site, f"/ho-so/{mapped.code.lower()}")
    assert "https://www.openstreetmap.org/?mlat=20.250000&amp;mlon=105.970000" in html
    html = await _get(site, f"/ho-so/{worded.code}")
    assert "gần cầu" in html
    assert "Xóm Mít Bảy" not in html


async def test_a_case_shows_the_photos_its_officer_let_out_and_the_site_serves_them(
    site: Client, world: World
) -> None:
    solved, mapped, _ = world.published
    html = await _get(site, f"/ho-so/{solved.code}")
    sources = re.findall(r'<img src="(/anh/[0-9a-f]{64})" loading="lazy" alt="([^"]+)"', html)
    assert sources == [
        (f"/anh/{sha256}", f"Ảnh số {n} của hồ sơ {solved.code}")
        for n, sha256 in enumerate(world.public_photos, start=1)
    ]
    assert "<img" not in await _get(site, f"/ho-so/{mapped.code}")
    response = await site.get(f"/anh/{world.public_photos[1]}")
    assert response.status == 200
    assert response.content_type == "image/jpeg"
    assert await response.read() == PUBLIC_PHOTOS["w-cong-2"]
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert "img-src 'self'" in response.headers["Content-Security-Policy"]
    for other in (world.hidden_photo, "0" * 64, "x", world.public_photos[0].upper()):
        assert t("web.not_found") in await _get(site, f"/anh/{other}", status=404)


async def test_an_unpublished_case_is_a_404_like_an_unknown_code(
    site: Client, world: World
) -> None:
    unknown = await _get(site, "/ho-so/SN-2026-99999", status=404)
    junk = await _get(site, "/ho-so/<script>", status=404)
    for code in world.hidden_codes:
        assert await _get(site, f"/ho-so/{code}", status=404) == unknown
    assert junk == unknown
    assert t("web.not_found") in unknown
    assert t("web.not_found") in await _get(site, "/khong-co", status=404)


async def test_the_figures_count_every_case_with_a_chart(site: Client, world: World) -> None:
    html = await _get(site, "/thong-ke")
    assert "<svg" in html
    assert t("web.chart_title") in html
    received = len(world.published) + len(world.hidden)
    assert f"<td>{t('web.this_year')}</td><td>{received}</td><td>1</td>" in html


async def test_schedule_and_announcements_answer(site: Client) -> None:
    assert t("web.schedule_title") in await _get(site, "/lich")
    assert t("web.announcements_empty") in await _get(site, "/thong-bao?trang=abc")


async def test_a_revalidated_page_is_a_304(site: Client) -> None:
    first = await site.get("/")
    tag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    again = await site.get("/", headers={"If-None-Match": tag})
    assert again.status == 304
    assert await again.read() == b""


async def test_every_answer_forbids_scripts_and_framing(site: Client, world: World) -> None:
    hidden = world.hidden_codes[0]
    for path in ("/", "/ho-so/x", "/?thang=x", "/open311/v2/services.json", f"/ho-so/{hidden}"):
        response = await site.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
