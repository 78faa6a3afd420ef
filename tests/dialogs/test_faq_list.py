"""The leaders' /hoidap list: any number of entries, of any length, fits Telegram's messages,
each page with the buttons of exactly the entries it shows."""

from __future__ import annotations

from telegram.constants import MessageLimit

from bot.dialogs.faq import LINE_LIMIT, PAGE, confirm_text, entry_pages
from bot.domain.faq import FaqEntry


def test_no_entry_is_one_page_saying_so_without_buttons() -> None:
    [(text, entries)] = entry_pages([])
    assert "Chưa có mục hỏi đáp nào" in text
    assert entries == []


def test_many_long_entries_are_paged_and_shortened() -> None:
    long = "Hỏi về thủ tục đăng ký khai sinh " + "rất dài " * 200
    entries = [FaqEntry(n, f"{n}. {long}", long) for n in range(1, 24)]
    pages = entry_pages(entries)
    assert [len(chunk) for _, chunk in pages] == [PAGE, PAGE, 3]
    assert [e.id for _, chunk in pages for e in chunk] == list(range(1, 24))
    assert all(len(text) <= MessageLimit.MAX_TEXT_LENGTH for text, _ in pages)
    assert "đang dùng (23 mục)" in pages[0][0]
    assert "đang dùng" not in pages[1][0]
    assert pages[2][0].startswith("21. Hỏi: 21. Hỏi về thủ tục")
    assert "…" in pages[0][0]
    assert len(confirm_text(entries[0])) < 2 * LINE_LIMIT


def test_a_short_entry_is_shown_whole() -> None:
    [(text, [entry])] = entry_pages([FaqEntry(7, "Khai sinh cần gì?", "Giấy chứng sinh.")])
    assert entry.id == 7
    assert "7. Hỏi: Khai sinh cần gì?\n   Đáp: Giấy chứng sinh." in text
    assert "…" not in text
