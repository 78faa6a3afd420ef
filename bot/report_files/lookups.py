"""The report workbook's sheet of procedure look-ups: each procedure with how often citizens
found it, then what they asked that the catalog did not answer, for the commune to add."""

from __future__ import annotations

from typing import Protocol

from bot.config import Config
from bot.dialogs.report_text import day, procedure_name
from bot.domain.figures import Report
from bot.texts import t


class Rows(Protocol):
    def append(self, row: list[object]) -> None: ...


def lookups_sheet(sheet: Rows, report: Report, config: Config) -> None:
    guide = report.guide
    period = report.period
    title = t(
        "procedures.report.title",
        commune=config.commune.name,
        start=day(period.start),
        end=day(period.end),
    )
    sheet.append([title])
    sheet.append([t("procedures.report.searches", count=guide.searches)])
    sheet.append([])
    sheet.append([t("procedures.report.found_heading"), t("procedures.report.count_heading")])
    for found in guide.found:
        sheet.append([procedure_name(found, config), found.count])
    sheet.append([])
    sheet.append([t("procedures.report.missed_heading"), t("procedures.report.count_heading")])
    for missed in guide.missed:
        sheet.append([missed.query, missed.count])
