"""A poster with much to say still fits on its one page, its codes still readable."""

from __future__ import annotations

from io import BytesIO

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image

from bot.dialogs.poster import MAX_SESSIONS, Code, Poster
from bot.report_files.poster import MARGIN, PNG_DPI, poster_pdf, poster_png

LINKS = ("https://t.me/SonNinhBot?start=guidon", "https://zalo.me/2841234567890")
LONG = "Phòng tiếp công dân, Trụ sở Ủy ban nhân dân xã, tầng hai, dãy nhà phía đông " * 2


def crowded() -> Poster:
    """The longest a commune's settings can make each part (200-character titles and places)."""
    return Poster(
        commune="Ủy ban nhân dân xã " + "Sơn Ninh " * 20,
        title="Gửi phản ánh, kiến nghị cho UBND xã qua điện thoại",
        lead="Không mất phí, không phải đi lại. Mỗi đơn có mã hồ sơ để theo dõi.",
        codes=tuple(Code("Telegram", "Quét mã bằng điện thoại", link) for link in LINKS),
        how="Cách dùng",
        steps=("1. Quét mã.", "2. Trả lời từng câu hỏi.", "3. Ghi lại mã hồ sơ."),
        schedule_title="Lịch tiếp công dân từ 01/12/2026 đến 28/12/2026",
        schedule=tuple(f"• Thứ Năm {n:02}/12/2026, 07:30–11:00: {LONG}" for n in range(12)),
        contact="Cần giúp, xin liên hệ Văn phòng UBND xã: " + "điện thoại 0239 3800 000 " * 8,
    )


def test_a_crowded_poster_stays_within_the_margins_of_one_page() -> None:
    poster = crowded()
    assert len(poster.schedule) > MAX_SESSIONS
    with Image.open(BytesIO(poster_png(poster))) as drawn:
        page = drawn.convert("L")
        bottom = round(MARGIN / 2 * PNG_DPI / 25.4)
        band = page.crop((0, page.height - bottom, page.width, page.height))
        assert band.getextrema() == (255, 255)
        assert {found.text for found in zxingcpp.read_barcodes(page)} == set(LINKS)
    document = pdfium.PdfDocument(poster_pdf(poster))
    try:
        assert len(document) == 1
        text = " ".join(document[0].get_textpage().get_text_range().split())
        assert "điện thoại 0239 3800 000" in text
    finally:
        document.close()
