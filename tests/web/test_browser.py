"""The public page in a real browser at a phone's size: Debian's Chromium, driven by
Playwright, filters the list, opens a case, and nothing is wider than the screen. The
screenshots stay in the test's tmp_path (pytest keeps the last runs')."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from bot.texts import t
from tests.web.conftest import Client
from tests.web.world import World

PHONE = {"width": 360, "height": 740}


async def test_a_phone_filters_the_list_and_opens_a_case(
    browser: Browser, site: Client, world: World, tmp_path: Path
) -> None:
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(str(site.make_url("/")))
    await expect(page.locator("article")).to_have_count(len(world.published))
    await page.screenshot(path=tmp_path / "list-phone.png", full_page=True)
    await page.select_option('select[name="linh-vuc"]', "moi-truong")
    await page.get_by_role("button", name=t("web.filter")).click()
    await expect(page.locator("article")).to_have_count(1)
    mapped = world.published[1]
    await page.get_by_role("link", name=mapped.code).click()
    await expect(page.locator("h2")).to_have_text(t("web.case_title", code=mapped.code))
    map_link = page.get_by_role("link", name=t("web.map"))
    assert "openstreetmap.org/?mlat=20.250000" in (await map_link.get_attribute("href") or "")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    await page.screenshot(path=tmp_path / "case-phone.png", full_page=True)
    await page.goto(str(site.make_url("/thong-ke")))
    await expect(page.locator("svg")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await page.screenshot(path=tmp_path / "figures-phone.png", full_page=True)
    await context.close()
