"""The report's chart: cases received per week, stacked by where they stand now, and the share
of each week's closed cases that closed on time, as a line on a second axis.

Drawn on a bare `Figure` with the Agg canvas: no pyplot, so no global state, no display and
nothing shared between two reports drawn at the same time in different threads. DejaVu Sans,
matplotlib's own font, has every Vietnamese letter.
"""

from __future__ import annotations

import math
from io import BytesIO

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.config import Config
from bot.dialogs.report_text import day, group_label
from bot.domain.figures import Report, StatusGroup
from bot.texts import t

WIDTH_INCHES = 10
HEIGHT_INCHES = 5.5
DPI = 110
FONT = "DejaVu Sans"
COLOURS = {
    StatusGroup.WAITING: "#f2b134",
    StatusGroup.WORKING: "#4a90d9",
    StatusGroup.RESOLVED: "#3aa26b",
    StatusGroup.REFUSED: "#9b9b9b",
}
LINE_COLOUR = "#c0392b"
# Beyond this many weeks (a yearly report) every label would overlap; show one in `step`.
MAX_LABELS = 18
LEGEND_SPACE = 0.07  # share of the height kept under the axes for the legend


def chart_png(report: Report, config: Config) -> bytes:
    """The chart as PNG bytes; an empty period draws empty weeks, not an error."""
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(figure)
    bars = figure.add_subplot()
    weeks = report.weeks
    positions = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    for group in StatusGroup:
        heights = [w.by_group.get(group, 0) for w in weeks]
        bars.bar(
            positions,
            heights,
            bottom=bottom,
            color=COLOURS[group],
            label=group_label(group),
            width=0.7,
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    step = max(1, math.ceil(len(weeks) / MAX_LABELS))
    bars.set_xticks(positions[::step], [w.monday.strftime("%d/%m") for w in weeks][::step])
    bars.tick_params(axis="x", labelrotation=45, labelsize=8)
    bars.yaxis.set_major_locator(MaxNLocator(integer=True))
    bars.set_ylim(0, max([*bottom, 1]) * 1.15)
    bars.set_xlabel(t("report.chart.weeks"), fontfamily=FONT)
    bars.set_ylabel(t("report.chart.cases"), fontfamily=FONT)
    rate = bars.twinx()
    rates = [w.on_time_rate * 100 if w.on_time_rate is not None else math.nan for w in weeks]
    rate.plot(
        positions,
        rates,
        color=LINE_COLOUR,
        marker="o",
        linewidth=2,
        label=t("report.chart.rate_line"),
    )
    rate.set_ylim(0, 105)
    rate.yaxis.set_major_formatter(PercentFormatter())
    rate.set_ylabel(t("report.chart.rate"), fontfamily=FONT)
    handles, labels = bars.get_legend_handles_labels()
    more_handles, more_labels = rate.get_legend_handles_labels()
    figure.legend(
        handles + more_handles, labels + more_labels, loc="lower center", ncol=5, fontsize=8
    )
    period = report.period
    figure.suptitle(
        t(
            "report.chart.title",
            commune=config.commune.name,
            start=day(period.start),
            end=day(period.end),
        ),
        fontfamily=FONT,
    )
    figure.tight_layout(rect=(0, LEGEND_SPACE, 1, 1))
    out = BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
