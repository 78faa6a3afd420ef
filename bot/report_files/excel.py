"""The report as an Excel workbook: a summary sheet, one row per case, and one row per file the
cases carry (photos, voice notes, documents, with their SHA-256 as kept).

Dates are real Excel dates (so the Office can sort and filter them), the header row stays in
view and repeats on every printed page, and the sheets print on A4 landscape. A denouncer's
name never appears: the law keeps it for the resolving leader only (Luật Tố cáo Art 47); nor does
the name of a document of a denunciation or of an erased case, which may name the person.

The workbook is written in openpyxl's write-only mode: rows stream to the file as they are
made instead of living as cell objects, which made a month of a province's cases (~22,000 rows)
take three seconds and a hundred megabytes. Styles therefore go on each cell as it is written,
and widths, panes and filters are set before the rows. Writing is then openpyxl's work on each
of ~200,000 cells, so the per-case rows give it plain values wherever they can (a styled cell
is a cell object and a style look-up more), and lxml, which openpyxl uses when it is
installed, serialises them about a third faster than the standard library (BENCHMARKS.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Protocol, cast

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder, RowDimension
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PrintPageSetup
from openpyxl.worksheet.properties import PageSetupProperties, WorksheetProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.config import Config
from bot.dialogs.media import file_name as shown_name
from bot.dialogs.report_text import (
    category_rows,
    day,
    department_rows,
    kind_label,
    status_label,
)
from bot.domain.figures import SATISFIED, CaseFacts, Period, Report, Timeliness
from bot.domain.files import DROPPED, FAILED, KEPT, PENDING, FileFacts
from bot.domain.tickets import DOCUMENT, Kind, Status
from bot.report_files.lookups import lookups_sheet
from bot.texts import t

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
HEADING = Alignment(wrap_text=True, vertical="center")
NOTE = Alignment(wrap_text=True, vertical="top")
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
FILE_COLUMNS = (
    ("code", 16),
    ("file_number", 8),
    ("file_kind", 15),
    ("file_name", 34),
    ("file_seconds", 10),
    ("file_size", 12),
    ("file_type", 18),
    ("file_sha256", 66),
    ("file_state", 22),
)
FILE_HEADER_ROW = 3  # below the title and the note on the hashes


def file_name(period: Period) -> str:
    """bao-cao-2026-01-01-2026-03-31.xlsx: sorts by date in a folder, no accents to mangle."""
    return f"bao-cao-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"


class _Sheet(Protocol):
    """A write-only worksheet as openpyxl makes it; the type stubs leave out what it copies
    from the ordinary worksheet (page setup, dimensions, filter)."""

    page_setup: PrintPageSetup
    sheet_properties: WorksheetProperties
    column_dimensions: DimensionHolder[str, ColumnDimension]
    row_dimensions: DimensionHolder[int, RowDimension]
    auto_filter: AutoFilter
    freeze_panes: str | None
    print_title_rows: str | None

    def append(self, row: Iterable[object]) -> None: ...


def _cell(
    sheet: _Sheet,
    value: str | float | None,
    *,
    font: Font | None = None,
    number_format: str | None = None,
    alignment: Alignment | None = None,
) -> Cell:
    cell = WriteOnlyCell(cast(Worksheet, sheet), value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _print_setup(sheet: _Sheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _summary_rows(report: Report, config: Config) -> list[tuple[str, float | None, str | None]]:
    """(label, value, number format) in the order a leader reads them."""
    f = report.figures
    rows: list[tuple[str, float | None, str | None]] = [
        (t("report.excel.received"), f.received, None)
    ]
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
        (t("report.questions.received"), f.questions.received, None),
        (t("report.questions.answered"), f.questions.answered, None),
        (t("report.questions.on_time"), f.questions.on_time, None),
        (t("report.excel.sessions"), f.sessions_held, None),
        (t("report.excel.bookings"), f.bookings, None),
    ]
    return rows


def _summary_sheet(sheet: _Sheet, report: Report, config: Config) -> None:
    period = report.period
    header = 5
    sheet.column_dimensions["A"].width = 62
    sheet.column_dimensions["B"].width = 14
    sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    _print_setup(sheet)
    sheet.append([_cell(sheet, t("report.excel.title", commune=config.commune.name), font=TITLE)])
    sheet.append([t("report.excel.period", start=day(period.start), end=day(period.end))])
    sheet.append([t("report.summary.cohort", as_of=day(report.as_of))])
    sheet.append([])
    sheet.append(
        [_cell(sheet, t(key), font=BOLD) for key in ("report.excel.item", "report.excel.value")]
    )
    rows = _summary_rows(report, config)
    for label, value, number_format in rows:
        # A figure with nothing to count (no case rated) stays empty rather than a fake zero.
        shown = value if value is not None else ("" if number_format else None)
        heading = value is None and not label.startswith(" ")
        sheet.append(
            [
                _cell(sheet, label, font=BOLD if heading else None),
                _cell(sheet, shown, number_format=number_format),
            ]
        )
    sheet.append([])
    sheet.row_dimensions[header + len(rows) + 2].height = 45  # the note, below a blank row
    sheet.append([_cell(sheet, t("report.excel.note"), alignment=NOTE)])


class _CaseLabels:
    """The words of the per-case columns, looked up once per workbook rather than per row.

    A blank is None, not "": openpyxl leaves a None out of the sheet but writes an empty cell for
    "", and a month's sheet had 50,000 of them; Excel shows both the same.
    """

    def __init__(self, config: Config) -> None:
        self.kinds = {kind: kind_label(kind) for kind in Kind}
        self.statuses = {status: status_label(status) for status in Status}
        self.categories = {c.id: c.name for c in config.categories}
        self.timeliness: dict[Timeliness | None, str | None] = {
            None: None,
            Timeliness.ON_TIME: t("report.excel.on_time_value"),
            Timeliness.LATE: t("report.excel.late_value"),
        }
        self.satisfied = t("report.excel.satisfied_value")
        self.unsatisfied = t("report.excel.unsatisfied_value")
        self.masked = t("report.excel.masked")
        self._config = config
        self._departments: dict[str | None, str | None] = {None: None}

    def department(self, department_id: str | None) -> str | None:
        if department_id not in self._departments:
            self._departments[department_id] = self._config.department_name(department_id)
        return self._departments[department_id]

    def rating(self, case: CaseFacts) -> str | None:
        if case.rating is None:
            return None
        return self.satisfied if case.rating == SATISFIED else self.unsatisfied

    def sender(self, case: CaseFacts) -> str | None:
        if case.kind is Kind.DENUNCIATION:
            return self.masked
        return case.sender or None


def _cases_sheet(sheet: _Sheet, report: Report, config: Config) -> None:
    period = report.period
    for n, (_, width) in enumerate(CASE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    last = get_column_letter(len(CASE_COLUMNS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(report.cases)}"
    sheet.freeze_panes = f"B{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_setup(sheet)
    title = t(
        "report.excel.cases_title",
        commune=config.commune.name,
        start=day(period.start),
        end=day(period.end),
        as_of=day(report.as_of),
    )
    sheet.append([_cell(sheet, title, font=TITLE)])
    sheet.append(
        [
            _cell(sheet, t(f"report.excel.{key}"), font=BOLD, alignment=HEADING)
            for key, _ in CASE_COLUMNS
        ]
    )
    labels = _CaseLabels(config)
    # A write-only sheet writes a row out while `append` runs, so one styled cell per date
    # column carries every row's date: no new cell and style look-up for each date.
    received, due, closed = (_cell(sheet, None, number_format=DATE_FORMAT) for _ in range(3))
    for case in report.cases:
        received.value = case.received_on
        due.value = case.due_on
        closed.value = case.closed_on
        sheet.append(
            [
                case.code,
                received,
                labels.kinds[case.kind],
                labels.categories.get(case.category_id, case.category_id),
                labels.department(case.department_id),
                case.officer,
                labels.statuses[case.status],
                due,
                closed,
                labels.timeliness[case.timeliness],
                labels.rating(case),
                labels.sender(case),
            ]
        )


class _FileLabels:
    """The words of the file rows, looked up once per workbook."""

    def __init__(self) -> None:
        self.kinds = {
            kind: t(f"report.excel.file_kind_{kind}") for kind in ("photo", "voice", "document")
        }
        self.states = {
            (state, sealed): t(f"report.excel.file_{state}{'_sealed' if sealed else ''}")
            for state in (KEPT, PENDING, FAILED, DROPPED)
            for sealed in (False, True)
        }
        self.name_sealed = t("report.excel.masked")
        self.name_erased = t("report.excel.file_name_erased")

    def name(self, f: FileFacts) -> str | None:
        if f.erased and f.kind == DOCUMENT:  # erasure cleared the name (storage.privacy)
            return self.name_erased
        if f.file_name is None:
            return None
        if f.sealed:
            return self.name_sealed
        # Cleaned as every screen shows it: no mark that turns "fdp.exe" into "exe.pdf".
        return shown_name(f.file_name)

    def state(self, f: FileFacts) -> str:
        return self.states.get((f.state, f.sealed), f.state)


def _files_sheet(sheet: _Sheet, report: Report, config: Config) -> None:
    """One row per attachment: which case, its number there, what it is, and its hash as kept."""
    period = report.period
    for n, (_, width) in enumerate(FILE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    last = get_column_letter(len(FILE_COLUMNS))
    sheet.auto_filter.ref = f"A{FILE_HEADER_ROW}:{last}{FILE_HEADER_ROW + len(report.files)}"
    sheet.freeze_panes = f"B{FILE_HEADER_ROW + 1}"
    sheet.print_title_rows = f"{FILE_HEADER_ROW}:{FILE_HEADER_ROW}"
    _print_setup(sheet)
    title = t(
        "report.excel.files_title",
        commune=config.commune.name,
        start=day(period.start),
        end=day(period.end),
    )
    sheet.append([_cell(sheet, title, font=TITLE)])
    sheet.append([t("report.excel.files_note")])
    sheet.append(
        [
            _cell(sheet, t(f"report.excel.{key}"), font=BOLD, alignment=HEADING)
            for key, _ in FILE_COLUMNS
        ]
    )
    labels = _FileLabels()
    for f in report.files:
        sheet.append(
            [
                f.code,
                f.position,
                labels.kinds.get(f.kind, f.kind),
                labels.name(f),
                f.duration,
                f.size,
                f.media_type,
                f.sha256,
                labels.state(f),
            ]
        )


def workbook_bytes(report: Report, config: Config) -> bytes:
    """The .xlsx file's bytes; an empty period gives the same sheets with zeros."""
    book = Workbook(write_only=True)
    summary = cast(_Sheet, book.create_sheet(t("report.excel.summary_sheet")))
    _summary_sheet(summary, report, config)
    _cases_sheet(cast(_Sheet, book.create_sheet(t("report.excel.cases_sheet"))), report, config)
    _files_sheet(cast(_Sheet, book.create_sheet(t("report.excel.files_sheet"))), report, config)
    lookups_sheet(cast(_Sheet, book.create_sheet(t("procedures.report.sheet"))), report, config)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
