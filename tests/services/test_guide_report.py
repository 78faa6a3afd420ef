"""Procedure look-ups as the leaders' report counts them: how many, which procedures were
found, and what was asked but not found, in the chat summary and in the workbook; the typed
words stay out of the supervisors' view."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from bot.config import Config
from bot.dialogs.report_text import summary_text
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.report_files.excel import workbook_bytes
from bot.services import guide
from bot.services.reporting import build_report
from bot.texts import t
from storage.database import Database
from tests.services.test_reports import NOVEMBER
from tests.support.clock import FixedClock

FOUND = ("lam giay khai sinh", "khai sinh cho con", "giay khai sinh", "dang ky ket hon")
MISSED = ("xin giay phep karaoke", "Xin giấy phép karaoke", "cap so do")


async def searched(db: Database, clock: FixedClock, config: Config) -> None:
    index = guide.build_index(config)
    clock.advance(timedelta(days=-40))  # in October: outside the period
    await guide.look_up(db, clock, config, index, "khai sinh", TELEGRAM_CHANNEL)
    clock.advance(timedelta(days=40))
    for text in (*FOUND, *MISSED):
        await guide.look_up(db, clock, config, index, text, TELEGRAM_CHANNEL)


async def test_the_report_counts_look_ups_and_lists_what_was_not_found(
    db: Database, config: Config, clock: FixedClock
) -> None:
    await searched(db, clock, config)
    report = await build_report(db, config, clock, NOVEMBER)

    assert report.guide.searches == len(FOUND) + len(MISSED)
    assert [(f.entry_id, f.count) for f in report.guide.found] == [("khai-sinh", 3), ("ket-hon", 1)]
    # The words kept are what the search compared: no diacritics, no filler ("giấy").
    assert [(m.query, m.count) for m in report.guide.missed] == [
        ("phep karaoke", 2),
        ("cap so do", 1),
    ]

    text = summary_text(report, config)
    assert t("procedures.report.searches", count=7) in text
    assert "• Đăng ký khai sinh: 3" in text
    assert "• Đăng ký kết hôn: 1" in text
    assert t("procedures.report.missed") in text
    assert "• phep karaoke: 2" in text
    supervisors = summary_text(report, config, breakdown=False)
    assert "• Đăng ký khai sinh: 3" in supervisors
    assert "karaoke" not in supervisors


async def test_the_workbook_has_the_look_ups_sheet(
    db: Database, config: Config, clock: FixedClock
) -> None:
    await searched(db, clock, config)
    report = await build_report(db, config, clock, NOVEMBER)
    book = load_workbook(BytesIO(workbook_bytes(report, config)))
    rows = [[c.value for c in row] for row in book[t("procedures.report.sheet")].iter_rows()]
    values = [row for row in rows if len(row) == 2 and isinstance(row[1], int)]
    assert values == [
        ["Đăng ký khai sinh", 3],
        ["Đăng ký kết hôn", 1],
        ["phep karaoke", 2],
        ["cap so do", 1],
    ]
    assert rows[1] == [t("procedures.report.searches", count=7), None]


async def test_a_period_without_look_ups_says_nothing_of_them(
    db: Database, config: Config, clock: FixedClock
) -> None:
    report = await build_report(db, config, clock, NOVEMBER)
    assert report.guide.searches == 0
    assert t("procedures.report.searches", count=0) not in summary_text(report, config)
