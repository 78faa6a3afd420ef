"""The report as an Excel workbook: a summary sheet and one row per case.

Dates are real Excel dates (so the Office can sort and filter them), the header row stays in
view and repeats on every printed page, and the sheets print on A4 landscape. A denouncer's
name never appears: the law keeps it for the resolving leader only (Luật Tố cáo Art 47).
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.config import Config
from bot.dialogs.report import (
    category_rows,
    day,
    department_rows,
    kind_label,
    status_label,
)
from bot.domain.reports import SATISFIED, CaseFacts, Period, Report, Timeliness
from bot.domain.tickets import Kind
from bot.texts import t

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
# (header key under [report.excel], column width in characters)
CASE_COLUMNS = (
    ("code", 16),
    ("received_on", 12),
    ("kind", 12),
    ("category", 30),
    ("department", 28),
    ("officer", 22),
    ("status", 20),
    ("due_on", 12),
    ("closed_on", 13),
    ("timeliness", 11),
    ("rating", 14),
    ("sender", 24),
)
HEADER_ROW = 2
DATE_COLUMNS = (2, 8, 9)  # received, due, closed


def file_name(period: Period) -> str:
    """bao-cao-2026-01-01-2026-03-31.xlsx: sorts by date in a folder, no accents to mangle."""
    return f"bao-cao-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"


def _print_setup(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _summary_rows(report: Report, config: Config) -> list[tuple[str, object, str | None]]:
    """(label, value, number format) in the order a leader reads them."""
    f = report.figures
    rows: list[tuple[str, object, str | None]] = [(t("report.excel.received"), f.received, None)]
    sections = (
        ("report.summary.by_kind", [(kind_label(k), n) for k, n in f.by_kind.items()]),
        ("report.summary.by_category", category_rows(f.by_category, config)),
        ("report.summary.by_department", department_rows(f.by_department, config)),
        ("report.summary.by_status", [(status_label(s), n) for s, n in f.by_status.items()]),
    )
    for title, counts in sections:
        rows.append((t(title), None, None))
        rows += [(f"    {label}", n, None) for label, n in counts]
    rows += [
        (t("report.excel.closed"), f.closed, None),
        (t("report.excel.on_time"), f.on_time, None),
        (t("report.excel.late"), f.late, None),
        (t("report.excel.on_time_rate"), f.on_time_rate, PERCENT_FORMAT),
        (t("report.excel.open"), f.open, None),
        (t("report.excel.overdue"), f.overdue, None),
        (t("report.excel.accept_median"), f.to_accept.median, None),
        (t("report.excel.accept_p90"), f.to_accept.p90, None),
        (t("report.excel.resolve_median"), f.to_resolve.median, None),
        (t("report.excel.resolve_p90"), f.to_resolve.p90, None),
        (t("report.excel.rated"), f.rated, None),
        (t("report.excel.satisfied"), f.satisfied, None),
        (t("report.excel.satisfaction_rate"), f.satisfaction_rate, PERCENT_FORMAT),
        (t("report.excel.sessions"), f.sessions_held, None),
        (t("report.excel.bookings"), f.bookings, None),
    ]
    return rows


def _summary_sheet(sheet: Worksheet, report: Report, config: Config) -> None:
    sheet.title = t("report.excel.summary_sheet")
    period = report.period
    sheet.append([t("report.excel.title", commune=config.commune.name)])
    sheet.append([t("report.excel.period", start=day(period.start), end=day(period.end))])
    sheet.append([t("report.summary.cohort", as_of=day(report.as_of))])
    sheet.append([])
    sheet.append([t("report.excel.item"), t("report.excel.value")])
    header = sheet.max_row
    for label, value, number_format in _summary_rows(report, config):
        # A figure with nothing to count (no case rated) stays empty rather than a fake zero.
        sheet.append([label, value if value is not None else ("" if number_format else None)])
        if value is None and not label.startswith(" "):
            sheet.cell(sheet.max_row, 1).font = BOLD
        if number_format:
            sheet.cell(sheet.max_row, 2).number_format = number_format
    sheet.append([])
    sheet.append([t("report.excel.note")])
    sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[sheet.max_row].height = 45
    sheet["A1"].font = TITLE
    for cell in sheet[header]:
        cell.font = BOLD
    sheet.column_dimensions["A"].width = 62
    sheet.column_dimensions["B"].width = 14
    sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    _print_setup(sheet)


def _sender(case: CaseFacts) -> str:
    if case.kind is Kind.DENUNCIATION:
        return t("report.excel.masked")
    return case.sender or ""


def _timeliness(case: CaseFacts) -> str:
    value = case.timeliness
    if value is None:
        return ""
    return t(
        "report.excel.on_time_value" if value is Timeliness.ON_TIME else "report.excel.late_value"
    )


def _rating(case: CaseFacts) -> str:
    if case.rating is None:
        return ""
    return t(
        "report.excel.satisfied_value"
        if case.rating == SATISFIED
        else "report.excel.unsatisfied_value"
    )


def _cases_sheet(sheet: Worksheet, report: Report, config: Config) -> None:
    sheet.title = t("report.excel.cases_sheet")
    period = report.period
    sheet.append(
        [
            t(
                "report.excel.cases_title",
                commune=config.commune.name,
                start=day(period.start),
                end=day(period.end),
                as_of=day(report.as_of),
            )
        ]
    )
    sheet["A1"].font = TITLE
    sheet.append([t(f"report.excel.{key}") for key, _ in CASE_COLUMNS])
    for row, case in enumerate(report.cases, start=HEADER_ROW + 1):
        category = config.category(case.category_id)
        sheet.append(
            [
                case.code,
                case.received_on,
                kind_label(case.kind),
                category.name if category else case.category_id,
                config.department_name(case.department_id) if case.department_id else "",
                case.officer or "",
                status_label(case.status),
                case.due_on,
                case.closed_on,
                _timeliness(case),
                _rating(case),
                _sender(case),
            ]
        )
        for column in DATE_COLUMNS:
            # Counted here: `max_row` scans the whole sheet each time it is asked.
            sheet.cell(row, column).number_format = DATE_FORMAT
    for n, (_, width) in enumerate(CASE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
        sheet.cell(HEADER_ROW, n).font = BOLD
        sheet.cell(HEADER_ROW, n).alignment = Alignment(wrap_text=True, vertical="center")
    last = get_column_letter(len(CASE_COLUMNS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(report.cases)}"
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_setup(sheet)


def workbook_bytes(report: Report, config: Config) -> bytes:
    """The .xlsx file's bytes; an empty period gives the same sheets with zeros."""
    book = Workbook()
    summary = book.active
    if not isinstance(summary, Worksheet):
        raise TypeError("a new workbook starts with a worksheet")
    _summary_sheet(summary, report, config)
    _cases_sheet(book.create_sheet(), report, config)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
