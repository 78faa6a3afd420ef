"""The commune's pages beside the cases: its figures, its reception schedule, its notices."""

from __future__ import annotations

from bot.config import Config
from bot.domain.figures import Figures
from bot.domain.reception import Session
from bot.domain.tickets import Status
from bot.services.announcements import Page
from bot.services.public_figures import CommuneFigures
from bot.texts import t
from handlers.web.chart import bars
from handlers.web.html import day, h, page


def _rate(figures: Figures) -> str:
    rate = figures.on_time_rate
    return t("web.none") if rate is None else f"{rate:.0%}".replace(".", ",")


def _median(figures: Figures) -> str:
    median = figures.to_resolve.median
    return t("web.none") if median is None else t("web.days", days=median)


def _table(head: list[str], rows: list[list[str]]) -> str:
    top = "".join(f"<th>{h(cell)}</th>" for cell in head)
    body = "".join("<tr>" + "".join(f"<td>{h(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>"


def _numbers(figures: Figures) -> list[str]:
    resolved = figures.by_status[Status.RESOLVED]
    return [str(figures.received), str(resolved), _rate(figures), _median(figures)]


def figures_page(made: CommuneFigures, config: Config) -> str:
    head = [
        t("web.received_count"),
        t("web.resolved_count"),
        t("web.on_time"),
        t("web.median_days"),
    ]
    overall = _table(
        ["", *head],
        [
            [t("web.this_month"), *_numbers(made.month)],
            [t("web.this_year"), *_numbers(made.year)],
        ],
    )
    named = [(config.department_name(d), f) for d, f in made.departments]
    departments = _table([t("web.department"), *head], [[n, *_numbers(f)] for n, f in named])
    chart = bars(
        t("web.chart_title"),
        [t("web.chart_received"), t("web.chart_resolved")],
        [(n, [f.received, f.by_status[Status.RESOLVED]]) for n, f in named],
    )
    made_at = made.made_at.astimezone(config.commune.zone).strftime("%H:%M %d/%m/%Y")
    body = (
        f"<section>{overall}</section>"
        f"<section><h3>{h(t('web.chart_title'))}</h3>{chart}</section>"
        f"<section>{departments}</section>"
        f'<p class="muted">{h(t("web.figures_note", made_at=made_at))}</p>'
    )
    return page(config, t("web.figures_title"), body)


def schedule_page(sessions: list[Session], config: Config) -> str:
    zone = config.commune.zone
    items = []
    for s in sessions:
        moved = (
            ""
            if s.moved_from is None
            else " " + t("web.schedule_moved", day=day(s.moved_from, zone))
        )
        when = f"{day(s.day, zone)} {s.start:%H:%M}–{s.end:%H:%M}"
        items.append(
            f"<article><h3>{h(when)}</h3><p>{h(s.title)}{h(moved)}</p><p>{h(s.place)}</p></article>"
        )
    body = "".join(items) or f"<p>{h(t('web.schedule_empty'))}</p>"
    return page(config, t("web.schedule_title"), body)


def announcements_page(found: Page, config: Config) -> str:
    zone = config.commune.zone
    items = [
        f'<article><p class="muted">{h(day(a.published_at, zone))}</p>'
        f'<p style="white-space:pre-line">{h(a.text)}</p></article>'
        for a in found.items
    ]
    body = "".join(items) or f"<p>{h(t('web.announcements_empty'))}</p>"
    links = []
    if found.page > 1:
        links.append(f'<a href="/thong-bao?trang={found.page - 1}">{h(t("web.previous"))}</a>')
    if found.pages > 1:
        links.append(h(t("web.page", page=found.page, pages=found.pages)))
    if found.page < found.pages:
        links.append(f'<a href="/thong-bao?trang={found.page + 1}">{h(t("web.next_page"))}</a>')
    body += f"<p>{' · '.join(links)}</p>"
    return page(config, t("web.announcements_title"), body)
