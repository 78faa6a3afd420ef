"""How a report reads: the period question, the chat summary, and the labels the files share.

The summary carries counts only, never a name or a case's content, so it may be shown to
anyone entitled to statistics (leaders, the Office, and the supervisors' own view).
"""

from __future__ import annotations

from datetime import date

from bot.config import Config
from bot.domain.choices import Option
from bot.domain.figures import Preset, Report, Spread, StatusGroup
from bot.domain.guide import FoundCount, GuideFigures
from bot.domain.tickets import Kind, Status
from bot.messages import Prompt
from bot.texts import t

PERIOD_REF = "report.period"
CUSTOM = "custom"


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else t("report.none")


def percent(rate: float | None) -> str:
    """85,7% as Vietnamese writes it; a dash when there is nothing to divide."""
    if rate is None:
        return t("report.none")
    return t("report.percent", value=f"{rate * 100:.1f}".replace(".", ","))


def kind_label(kind: Kind) -> str:
    return t(f"kind.{kind.value}.label")


def status_label(status: Status) -> str:
    """Statuses in the Office's words (the citizen's words address the citizen)."""
    return t(f"report.status.{status.value}")


def group_label(group: StatusGroup) -> str:
    return t(f"report.group.{group.value}")


def category_rows(counts: dict[str, int], config: Config) -> list[tuple[str, int]]:
    """Every category of the config in its order, then any id no longer in it."""
    known = [(c.name, counts.get(c.id, 0)) for c in config.categories]
    ids = {c.id for c in config.categories}
    return known + [(cid, n) for cid, n in sorted(counts.items()) if cid not in ids]


def department_rows(counts: dict[str | None, int], config: Config) -> list[tuple[str, int]]:
    """Every department in the config's order, then cases with no department."""
    known = [(d.name, counts.get(d.id, 0)) for d in config.departments]
    ids = {d.id for d in config.departments}
    others = [(did, n) for did, n in counts.items() if did is not None and did not in ids]
    unassigned = counts.get(None, 0)
    tail = [(t("report.summary.no_department"), unassigned)] if unassigned else []
    return known + sorted(others) + tail


def period_options() -> tuple[Option, ...]:
    presets = tuple(Option(p.value, t(f"report.{p.value}")) for p in Preset)
    aliases = tuple(t("report.custom_aliases").split("|"))
    return (*presets, Option(CUSTOM, t("report.custom"), aliases))


def period_prompt(lead: str | None = None) -> Prompt:
    text = t("report.pick") if lead is None else f"{lead}\n{t('report.pick')}"
    return Prompt(text=text, ref=PERIOD_REF, options=period_options(), cancel=True)


def dates_prompt(reason: str | None = None) -> Prompt:
    """Ask for the two dates; after a mistake, say what was wrong first."""
    ask = t("report.ask_dates")
    text = t("report.retry", reason=t(f"report.period_error.{reason}"), ask=ask) if reason else ask
    return Prompt(text=text, ref=PERIOD_REF, back=True, cancel=True)


def _spread(key: str, spread: Spread) -> str:
    return t(
        key,
        count=spread.count,
        median=spread.median if spread.median is not None else t("report.none"),
        p90=spread.p90 if spread.p90 is not None else t("report.none"),
    )


def _section(title_key: str, rows: list[tuple[str, int]]) -> list[str]:
    shown = [t("report.summary.line", label=label, count=n) for label, n in rows if n]
    return [t(title_key), *shown] if shown else []


def summary_text(report: Report, config: Config, *, breakdown: bool = True) -> str:
    """The chat summary: counts only, no personal data.

    Without `breakdown` the counts by kind, category and department are left out: with a few
    cases a month, "An ninh: 1" or "Tố cáo: 1" would tell supervisors what a denunciation is
    about, which they may not know.
    """
    f = report.figures
    lines = [
        t(
            "report.summary.title",
            commune=config.commune.name,
            start=day(report.period.start),
            end=day(report.period.end),
        ),
        t("report.summary.cohort", as_of=day(report.as_of)),
        "",
        t("report.summary.received", count=f.received),
    ]
    if not f.received:
        lines.append(t("report.summary.nothing"))
    else:
        if breakdown:
            lines += _section(
                "report.summary.by_kind", [(kind_label(k), n) for k, n in f.by_kind.items()]
            )
            lines += _section("report.summary.by_category", category_rows(f.by_category, config))
            lines += _section(
                "report.summary.by_department", department_rows(f.by_department, config)
            )
        lines += _section(
            "report.summary.by_status", [(status_label(s), n) for s, n in f.by_status.items()]
        )
        lines += [
            t(
                "report.summary.closed",
                closed=f.closed,
                on_time=f.on_time,
                late=f.late,
                rate=percent(f.on_time_rate),
            ),
            t("report.summary.open", open=f.open, overdue=f.overdue),
            _spread("report.summary.to_accept", f.to_accept),
            _spread("report.summary.to_resolve", f.to_resolve),
            t(
                "report.summary.satisfaction",
                satisfied=f.satisfied,
                rated=f.rated,
                rate=percent(f.satisfaction_rate),
            ),
        ]
    q = f.questions
    lines.append(
        t(
            "report.questions.line",
            received=q.received,
            answered=q.answered,
            on_time=q.on_time,
            open=q.open,
        )
    )
    lines.append(t("report.summary.reception", sessions=f.sessions_held, bookings=f.bookings))
    lines += guide_lines(report.guide, config, missed=breakdown)
    return "\n".join(lines)


def procedure_name(found: FoundCount, config: Config) -> str:
    """The procedure's name in the catalog now, else its id (removed since)."""
    content = config.procedures.content
    procedure = content.procedure(found.entry_id) if content is not None else None
    return procedure.name if procedure is not None else found.entry_id


def guide_lines(guide: GuideFigures, config: Config, *, missed: bool) -> list[str]:
    """The look-ups: how many, which procedures, and (with `missed`) what was asked but not
    found, for the commune to add to its catalog; typed words are left out of the
    supervisors' view, as the breakdown is, since a few may say who typed them."""
    if not guide.searches:
        return []
    found = [(procedure_name(f, config), f.count) for f in guide.found]
    not_found = [(m.query, m.count) for m in guide.missed] if missed else []
    return [
        "",
        t("procedures.report.searches", count=guide.searches),
        *_section("procedures.report.found", found),
        *_section("procedures.report.missed", not_found),
    ]
