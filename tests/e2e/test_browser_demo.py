"""The demo in a real browser: Debian's Chromium, driven by Playwright, plays a citizen (on
Telegram, or on Zalo by numbered choices) who files a case and the officer who resolves it, each
in their own pane of the web chat."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.harness import interrupt, start_demo

CITIZEN = 200000001
ZALO_CITIZEN = "zd3f8a1c5e"
ECONOMY = 100000003  # the example config's officer of Phòng Kinh tế
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64) + b"\xff\xd9"


@pytest.fixture
async def demo_url(tmp_path: Path) -> AsyncIterator[str]:
    log = tmp_path / "demo.log"
    process, _, url = await start_demo(log, "demo", "--port", "0", "--dir", str(tmp_path))
    yield url
    assert await interrupt(process) == 0
    assert " ERROR " not in log.read_text(encoding="utf-8"), "the bot failed on a page action"


async def _tap(pane: Locator, label: str) -> None:
    """Press the button labelled `label`: the reply keyboard's, else the newest message's."""
    exactly = re.compile(re.escape(label))  # has_text="Đồng ý" would match "Không đồng ý"
    await pane.locator(".msg button, .keyboard button", has_text=exactly).last.click()


async def _type(pane: Locator, text: str) -> None:
    await pane.locator("input.text").fill(text)
    await pane.locator("input.text").press("Enter")


async def _sees(pane: Locator, text: str) -> str:
    message = pane.locator(".msg", has_text=text).last
    await expect(message).to_be_visible(timeout=20_000)
    return await message.inner_text()


async def test_a_citizen_files_a_case_and_sees_the_officers_result(
    browser: Browser, demo_url: str
) -> None:
    page: Page = await browser.new_page(viewport={"width": 1600, "height": 900})
    await page.goto(demo_url)
    citizen = page.locator(f'section.pane[data-user="{CITIZEN}"]')
    officer = page.locator(f'section.pane[data-user="{ECONOMY}"]')

    await officer.get_by_role("button", name="BẮT ĐẦU").click()
    await _sees(officer, "Lê Văn Cường")
    await citizen.get_by_role("button", name="BẮT ĐẦU").click()
    await _tap(citizen, "Đồng ý")
    await _tap(citizen, "Gửi phản ánh")
    await _tap(citizen, "Phản ánh")
    await _tap(citizen, "Môi trường")
    await _type(citizen, "Bãi rác tự phát ở bờ kênh thôn Đông bốc mùi, đề nghị xã xử lý.")
    await _sees(citizen, "Không có ảnh")
    await citizen.locator("input[type=file]").set_input_files(
        {"name": "bai-rac.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    await expect(citizen.locator(".msg.mine img")).to_have_count(1)
    await _tap(citizen, "Xong, sang bước tiếp")
    await _tap(citizen, "Gửi vị trí trên bản đồ")
    await _tap(citizen, "Gửi vị trí hiện tại")  # the phone's keyboard, under the chat
    await expect(citizen.locator(".msg.mine", has_text="📍")).to_have_count(1)
    await _tap(citizen, "Không cần")
    await _tap(citizen, "✅ Gửi")
    receipt = await _sees(citizen, "Mã hồ sơ: ")
    code = receipt.split("Mã hồ sơ: ")[1].split()[0]

    await _sees(officer, f"Hồ sơ mới {code}")
    await expect(officer.locator(".msg img")).to_have_count(1)
    await _tap(officer, "Tiếp nhận")
    await _sees(citizen, "đã được thụ lý")
    await _tap(officer, "Giải quyết")
    await _type(officer, "Đã thu dọn bãi rác và đặt biển cấm đổ rác.")
    await _tap(officer, "Gửi kết quả")
    result = await _sees(citizen, "Kết quả: Đã thu dọn bãi rác")
    assert code in result

    # On a phone-sized screen one pane shows at a time; the tabs switch between them.
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.locator("#tabs button", has_text="Lê Văn Cường").click()
    await expect(officer).to_be_visible()
    await expect(citizen).to_be_hidden()


async def test_a_phone_sees_the_first_pane_before_any_script_runs(
    browser: Browser, demo_url: str, tmp_path: Path
) -> None:
    """On a cheap phone the script may come late: the citizen's pane, not a blank grey page,
    must show from the page alone."""
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = await context.new_page()
    await page.goto(demo_url)
    citizen = page.locator(f'section.pane[data-user="{CITIZEN}"]')
    await expect(citizen).to_be_visible()
    await expect(citizen.locator(".name")).to_have_text("Hoàng Thị Mai")
    await expect(citizen.locator("input.text")).to_be_visible()
    await expect(page.locator(f'section.pane[data-user="{ECONOMY}"]')).to_be_hidden()
    await expect(page.locator("#tabs button.active")).to_have_text("Hoàng Thị Mai")
    await page.screenshot(path=tmp_path / "phone-without-script.png")
    await context.close()


# Draws 📷 as the pages do and looks for colour: an emoji font draws it in colour, while a
# machine without one draws an empty box in the text's own black (make test installs the font).
_EMOJI_IN_COLOUR = """() => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const pen = canvas.getContext("2d");
  pen.font = "48px system-ui, sans-serif";
  pen.fillStyle = "#000";
  pen.fillText("\\u{1F4F7}", 4, 52);
  const pixels = pen.getImageData(0, 0, 64, 64).data;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
    if (pixels[i + 3] && Math.max(r, g, b) - Math.min(r, g, b) > 60) return true;
  }
  return false;
}"""


async def test_emoji_are_drawn_in_colour_not_as_empty_boxes(browser: Browser) -> None:
    page = await browser.new_page()
    assert await page.evaluate(_EMOJI_IN_COLOUR)


async def _pick(pane: Locator, label: str) -> None:
    """Zalo has no buttons: type the number the newest message gives the option `label`."""
    option = re.compile(rf"^(\d+)\. {re.escape(label)}$", re.MULTILINE)
    message = pane.locator(".msg", has_text=option).last
    await expect(message).to_be_visible(timeout=20_000)
    found = option.search(await message.inner_text())
    assert found is not None
    await _type(pane, found.group(1))


async def test_a_zalo_citizen_files_a_case_by_numbered_choices(
    browser: Browser, demo_url: str
) -> None:
    page: Page = await browser.new_page(viewport={"width": 1600, "height": 900})
    await page.goto(demo_url)
    zalo = page.locator(f'section.pane.zalo[data-user="zalo:{ZALO_CITIZEN}"]')
    officer = page.locator(f'section.pane[data-user="{ECONOMY}"]')
    await officer.get_by_role("button", name="BẮT ĐẦU").click()
    await _sees(officer, "Lê Văn Cường")

    await zalo.get_by_role("button", name="BẮT ĐẦU").click()
    await _pick(zalo, "Đồng ý")
    await _pick(zalo, "📝 Gửi phản ánh, kiến nghị")
    await _pick(zalo, "Phản ánh")
    await _pick(zalo, "Môi trường")
    await _type(zalo, "Cống thoát nước trước chợ bị tắc, nước tràn ra đường khi mưa.")
    await _sees(zalo, "Không có ảnh")
    await zalo.locator("input[type=file]").set_input_files(
        {"name": "cong.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    await expect(zalo.locator(".msg.mine img")).to_have_count(1)
    await _pick(zalo, "Xong, sang bước tiếp")
    await _type(zalo, "Trước cổng chợ thôn Đông")
    await _pick(zalo, "Không cần")
    await _pick(zalo, "✅ Gửi")
    receipt = await _sees(zalo, "Mã hồ sơ: ")
    code = receipt.split("Mã hồ sơ: ")[1].split()[0]

    await _sees(officer, f"Hồ sơ mới {code}")
    await _tap(officer, "Tiếp nhận")
    await _sees(zalo, "đã được thụ lý")
    await _tap(officer, "Giải quyết")
    await _type(officer, "Đã nạo vét cống trước chợ.")
    await _tap(officer, "Gửi kết quả")
    result = await _sees(zalo, "Kết quả: Đã nạo vét cống")
    assert code in result
    assert await zalo.locator(".msg button, .keyboard button").count() == 0  # Zalo has none
