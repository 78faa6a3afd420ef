"""The report's files read back: the workbook with openpyxl, the chart as a PNG."""

from __future__ import annotations

import struct
from datetime import date, datetime
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from bot.config import Config
from bot.domain.figures import Period
from bot.report_files.chart import DPI, HEIGHT_INCHES, WIDTH_INCHES, chart_png
from bot.report_files.excel import file_name, workbook_bytes
from bot.services.reporting import build_report
from storage.database import Database
from tests.services.test_reports import CASES, IN_NOVEMBER, NOVEMBER, put_cases, put_reception
from tests.support.clock import FixedClock

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEADERS = [
    "Mã hồ sơ",
    "Ngày nhận",
    "Loại đơn",
    "Lĩnh vực",
    "Phòng ban",
    "Cán bộ xử lý",
    "Tình trạng",
    "Hạn trả lời",
    "Ngày kết thúc",
    "Đúng hạn",
    "Đánh giá",
    "Người gửi",
]


def sheets(data: bytes) -> tuple[Worksheet, Worksheet]:
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Danh sách hồ sơ", "Tệp đính kèm", "Tra cứu thủ tục"]
    summary, cases = book["Tổng hợp"], book["Danh sách hồ sơ"]
    assert isinstance(summary, Worksheet)
    assert isinstance(cases, Worksheet)
    return summary, cases


def figures_by_label(sheet: Worksheet) -> dict[str, object]:
    return {
        str(row[0]).strip(): row[1]
        for row in sheet.iter_rows(min_row=6, values_only=True)
        if row[0] is not None
    }


async def test_the_workbook_reads_back(db: Database, config: Config, clock: FixedClock) -> None:
    await put_cases(db, config, clock, CASES)
    await put_reception(db, clock)
    report = await build_report(db, config, clock, NOVEMBER)
    summary, cases = sheets(workbook_bytes(report, config))

    assert "UBND xã Sơn Ninh" in str(summary["A1"].value)
    assert summary["A2"].value == "Kỳ báo cáo: từ 01/11/2026 đến 30/11/2026"
    assert "tính đến 28/11/2026" in str(summary["A3"].value)
    values = figures_by_label(summary)
    assert values["Tổng số hồ sơ nhận trong kỳ"] == IN_NOVEMBER
    assert values["Tố cáo"] == 1
    assert values["Môi trường"] == 4
    assert values["Phòng Kinh tế"] == 6
    assert values["— trong đó đúng hạn"] == 3
    assert values["— trong đó trễ hạn"] == 1
    assert values["Tỷ lệ giải quyết đúng hạn"] == 0.75
    assert values["— trong đó quá hạn"] == 2
    assert values["Thời gian giải quyết, 90% hồ sơ trong (ngày làm việc)"] == 11
    assert values["Số buổi tiếp công dân đã tổ chức"] == 22
    assert values["Số lượt đăng ký gặp"] == 3
    assert summary.page_setup.orientation == "landscape"

    assert "01/11/2026" in str(cases["A1"].value)
    assert [c.value for c in cases[2]] == HEADERS
    assert all(c.font.bold for c in cases[2])
    assert cases.freeze_panes == "B3"
    assert cases.auto_filter.ref == f"A2:L{2 + IN_NOVEMBER}"
    assert cases.page_setup.orientation == "landscape"
    assert str(cases.page_setup.paperSize) == cases.PAPERSIZE_A4
    rows = {row[0].value: row for row in cases.iter_rows(min_row=3)}
    assert len(rows) == IN_NOVEMBER
    late = rows["SN-2026-00102"]
    assert isinstance(late[1].value, datetime)  # a real date, shown as dd/mm/yyyy
    assert late[1].value.date() == date(2026, 11, 5)
    assert late[1].number_format == "dd/mm/yyyy"
    assert late[8].value.date() == date(2026, 11, 20)
    assert late[9].value == "Trễ hạn"
    assert rows["SN-2026-00101"][9].value == "Đúng hạn"
    assert rows["SN-2026-00101"][10].value == "Hài lòng"
    assert rows["SN-2026-00101"][11].value == "Nguyễn Văn An Dân"
    assert rows["SN-2026-00101"][5].value == "Lê Văn Cường"
    assert rows["SN-2026-00103"][9].value is None  # still open
    denunciation = rows["SN-2026-00106"]
    assert denunciation[2].value == "Tố cáo"
    assert denunciation[11].value == "(bảo mật)"
    every_cell = [str(c.value) for row in cases.iter_rows() for c in row]
    every_cell += [str(c.value) for row in summary.iter_rows() for c in row]
    assert not any("Người Tố Cáo Kín" in v for v in every_cell)
    assert not any("0912345678" in v for v in every_cell)


async def test_an_empty_period_gives_a_valid_file_with_zeros(
    db: Database, config: Config, clock: FixedClock
) -> None:
    report = await build_report(db, config, clock, Period(date(2026, 2, 16), date(2026, 2, 20)))
    summary, cases = sheets(workbook_bytes(report, config))
    values = figures_by_label(summary)
    assert values["Tổng số hồ sơ nhận trong kỳ"] == 0
    assert values["Phản ánh"] == 0
    assert values["— trong đó đúng hạn"] == 0
    assert values["Tỷ lệ giải quyết đúng hạn"] in (None, "")
    assert cases.max_row == 2  # the title and the headers
    assert [c.value for c in cases[2]] == HEADERS
    assert chart_png(report, config).startswith(PNG_SIGNATURE)


async def test_the_chart_is_a_png(db: Database, config: Config, clock: FixedClock) -> None:
    await put_cases(db, config, clock, CASES)
    report = await build_report(db, config, clock, NOVEMBER)
    png = chart_png(report, config)
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (round(WIDTH_INCHES * DPI), round(HEIGHT_INCHES * DPI))
    with Image.open(BytesIO(png)) as image:
        image.verify()


def test_the_file_is_named_by_its_period() -> None:
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    assert file_name(period) == "bao-cao-2026-01-01-2026-03-31.xlsx"
