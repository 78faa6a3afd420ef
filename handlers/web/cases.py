"""The public list of published cases (`/`) and one case (`/ho-so/<CODE>`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from urllib.parse import urlencode

from bot.config import Config
from bot.dialogs.summary import category_label, shorten
from bot.domain.public_cases import CaseQuery, Cursor, PublicCase
from bot.texts import t
from handlers.web.html import day, h, page

PAGE_SIZE = 20
CONTENT_IN_LIST = 240
OPEN, CLOSED = "dang-giai-quyet", "da-giai-quyet"
MIN_YEAR, MAX_YEAR = 1970, 9000  # a month outside is a typing slip, and the year 1 no instant
MAP = "https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}"


class BadQueryError(ValueError):
    """A query parameter no link of the page makes; the visitor is told which."""


def _month(text: str, config: Config) -> tuple[datetime, datetime]:
    try:
        first = date.fromisoformat(f"{text}-01")
    except ValueError:
        first = None
    if first is None or not MIN_YEAR <= first.year <= MAX_YEAR:
        raise BadQueryError(t("web.month"))
    after = first.replace(year=first.year + (first.month == 12), month=first.month % 12 + 1)
    zone = config.commune.zone
    return datetime.combine(first, time(), tzinfo=zone), datetime.combine(
        after, time(), tzinfo=zone
    )


def list_query(params: Mapping[str, str], config: Config) -> CaseQuery:
    """The list's filters from the page's own form and links: linh-vuc, tinh-trang, thang, sau."""
    category = params.get("linh-vuc") or None
    if category is not None and config.category(category) is None:
        raise BadQueryError(t("web.category"))
    status = params.get("tinh-trang") or None
    if status not in (None, OPEN, CLOSED):
        raise BadQueryError(t("web.status"))
    start = end = None
    if month := params.get("thang"):
        start, end = _month(month, config)
    after = None
    if cursor := params.get("sau"):
        after = Cursor.decode(cursor)
        if after is None:
            raise BadQueryError(t("web.next_page"))
    return CaseQuery(
        limit=PAGE_SIZE,
        category_id=category,
        closed=None if status is None else status == CLOSED,
        received_from=start,
        received_before=end,
        after=after,
    )


def _status(case: PublicCase) -> str:
    css = "closed" if case.closed else "open"
    return f'<span class="{css}">{h(t("web.closed" if case.closed else "web.open"))}</span>'


def _rating(case: PublicCase) -> str:
    if case.rating is None:
        return t("web.no_rating")
    return t(f"web.rating_{case.rating}")


def _link(code: str) -> str:
    return f'<a href="/ho-so/{h(code)}">{h(code)}</a>'


def _fields(rows: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{h(k)}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _row(case: PublicCase, config: Config) -> str:
    zone = config.commune.zone
    rows = [
        (t("web.category"), h(category_label(case.category_id, config))),
        (t("web.department"), h(config.department_name(case.department_id))),
        (t("web.received"), h(day(case.received_at, zone))),
        (t("web.status"), _status(case)),
        (t("web.content"), h(shorten(case.content, CONTENT_IN_LIST))),
    ]
    if case.result is not None:
        rows.append((t("web.result"), h(shorten(case.result, CONTENT_IN_LIST))))
    rows.append((t("web.rating"), h(_rating(case))))
    return f"<article><h3>{_link(case.code)}</h3>{_fields(rows)}</article>"


def _option(value: str, label: str, chosen: str) -> str:
    selected = " selected" if value == chosen else ""
    return f'<option value="{h(value)}"{selected}>{h(label)}</option>'


def _form(params: Mapping[str, str], config: Config) -> str:
    chosen = params.get("linh-vuc", "")
    categories = _option("", t("web.all"), chosen) + "".join(
        _option(c.id, c.name, chosen) for c in config.categories
    )
    state = params.get("tinh-trang", "")
    statuses = "".join(
        _option(value, t(key), state)
        for value, key in (("", "web.all"), (OPEN, "web.open"), (CLOSED, "web.closed"))
    )
    month = h(params.get("thang", ""))
    return (
        '<form method="get" action="/">'
        f'<label>{h(t("web.category"))} <select name="linh-vuc">{categories}</select></label>'
        f'<label>{h(t("web.status"))} <select name="tinh-trang">{statuses}</select></label>'
        f'<label>{h(t("web.month"))} <input type="month" name="thang" value="{month}"></label>'
        f"<button>{h(t('web.filter'))}</button></form>"
    )


def list_page(
    cases: list[PublicCase], params: Mapping[str, str], full: bool, config: Config
) -> str:
    """The list; `full` says the page was full, so a next page may exist."""
    body = [f"<p>{h(t('web.intro'))}</p>", _form(params, config)]
    body += [_row(case, config) for case in cases] or [f"<p>{h(t('web.no_cases'))}</p>"]
    kept = {k: v for k, v in params.items() if k in ("linh-vuc", "tinh-trang", "thang") and v}
    links = []
    if "sau" in params:
        links.append(f'<a href="/?{h(urlencode(kept))}">{h(t("web.first_page"))}</a>')
    if full and cases:
        after = urlencode({**kept, "sau": cases[-1].cursor.encode()})
        links.append(f'<a href="/?{h(after)}">{h(t("web.next_page"))}</a>')
    body.append(f"<p>{' · '.join(links)}</p>")
    return page(config, t("web.nav_cases"), "".join(body))


def _place(case: PublicCase) -> str:
    if case.latitude is not None and case.longitude is not None:
        url = MAP.format(lat=case.latitude, lon=case.longitude)
        where = f"{case.latitude:.6f}, {case.longitude:.6f}"
        return f'{h(where)} · <a href="{h(url)}" rel="nofollow">{h(t("web.map"))}</a>'
    return h(case.place) if case.place else h(t("web.none"))


def photo_path(sha256: str) -> str:
    """Where the site serves a photo a published case lets out: by its hash, which says
    nothing of the case or the person and never changes, so it may be cached for long."""
    return f"/anh/{sha256}"


def _photos(case: PublicCase) -> str:
    """Each photo at the phone's width, loaded only when scrolled to (a slow connection)."""
    return "".join(
        f'<a href="{photo_path(sha256)}"><img src="{photo_path(sha256)}" loading="lazy" '
        f'alt="{h(t("web.photo_alt", number=n, code=case.code))}"></a>'
        for n, sha256 in enumerate(case.photos, start=1)
    )


def case_page(case: PublicCase, config: Config) -> str:
    zone = config.commune.zone
    rows = [
        (t("web.code"), h(case.code)),
        (t("web.category"), h(category_label(case.category_id, config))),
        (t("web.department"), h(config.department_name(case.department_id))),
        (t("web.received"), h(day(case.received_at, zone))),
        (t("web.accepted"), h(day(case.accepted_at, zone))),
        (t("web.due"), h(day(case.due_on, zone))),
        (t("web.closed_on"), h(day(case.closed_at, zone))),
        (t("web.status"), _status(case)),
        (t("web.content"), h(case.content)),
        (t("web.place"), _place(case)),
        (t("web.result"), h(case.result) if case.result else h(t("web.none"))),
        (t("web.rating"), h(_rating(case))),
    ]
    if case.photos:
        rows.insert(-2, (t("web.photos"), _photos(case)))
    body = f'<article>{_fields(rows)}</article><p><a href="/">{h(t("web.back"))}</a></p>'
    return page(config, t("web.case_title", code=case.code), body)


def not_found_page(config: Config) -> str:
    return page(config, t("web.not_found_title"), f"<p>{h(t('web.not_found'))}</p>")


def message_page(config: Config, title: str, text: str) -> str:
    return page(config, title, f"<p>{h(text)}</p>")
