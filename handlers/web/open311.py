"""Open311 GeoReport v2, the read side: services.json, requests.json, requests/<code>.json.

Field names, types and the error format follow the specification
(wiki.open311.org/GeoReport_v2). Only published cases appear, masked as on the page; the
fields the commune does not keep (address_id, zipcode, service_notice) are empty strings.
media_url is the first photo an officer let out with the case (a photo can show a face or a
house number that masking text cannot hide, so the filer's consent alone does not publish it),
served by the site from the commune's own store; an empty string when there is none.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.config import Config
from bot.dialogs.summary import category_label
from bot.domain.public_cases import LARGEST_PAGE, CaseQuery, Cursor, PublicCase
from bot.domain.tickets import parse_code
from bot.texts import t
from handlers.web.cases import photo_path

DEFAULT_PAGE = 100
DEFAULT_SPAN = timedelta(days=90)  # the specification's default window
MIN_YEAR, MAX_YEAR = 1970, 9000


class Open311Error(Exception):
    """An answer in the specification's error format: a list of {code, description}."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description

    def response(self) -> web.Response:
        return error_list(self.status, [self.description])


def error_list(status: int, descriptions: list[str]) -> web.Response:
    """Several problems of one request at once, each its own entry, as the format allows."""
    body = [{"code": status, "description": text} for text in descriptions]
    return web.json_response(body, status=status)


def services(config: Config) -> list[dict[str, Any]]:
    return [
        {
            "service_code": c.id,
            "service_name": c.name,
            "description": c.name,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": config.department_name(c.department),
        }
        for c in config.categories
    ]


def _moment(text: str, name: str, zone: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    # Years far off are refused: 90 days before the year 1 is no date at all.
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise Open311Error(400, t("web.open311.bad_date", name=name))
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _number(params: Mapping[str, str], name: str, default: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    if not text.isdigit() or not 1 <= int(text) <= LARGEST_PAGE:
        raise Open311Error(400, t("web.open311.bad_number", name=name, largest=LARGEST_PAGE))
    return int(text)


def _closed(text: str | None) -> bool | None:
    if not text:
        return None
    asked = {part.strip() for part in text.split(",")}
    if not asked <= {"open", "closed"}:
        raise Open311Error(400, t("web.open311.bad_status"))
    return None if len(asked) == 2 else "closed" in asked


def requests_query(params: Mapping[str, str], config: Config, now: datetime) -> CaseQuery | None:
    """The query of a GET requests.json; None when no case can match (ids none of which is a
    case code). service_request_id, as the specification says, overrides every other
    argument; without dates, the last 90 days."""
    limit = _number(params, "page_size", DEFAULT_PAGE)
    after = None
    if cursor := params.get("after"):
        after = Cursor.decode(cursor)
        if after is None:
            raise Open311Error(400, t("web.open311.bad_after"))
    if ids := params.get("service_request_id"):
        codes = tuple(code for part in ids.split(",") if (code := parse_code(part)))
        return CaseQuery(limit=limit, codes=codes, after=after) if codes else None
    service = params.get("service_code") or None
    if service is not None and config.category(service) is None:
        raise Open311Error(400, t("web.open311.unknown_service", code=service))
    zone = config.commune.zone
    end = _moment(params["end_date"], "end_date", zone) if params.get("end_date") else None
    start = (
        _moment(params["start_date"], "start_date", zone)
        if params.get("start_date")
        else (end or now) - DEFAULT_SPAN
    )
    if end is not None and start >= end:
        raise Open311Error(400, t("web.open311.bad_range"))
    return CaseQuery(
        limit=limit,
        category_id=service,
        closed=_closed(params.get("status")),
        received_from=start,
        received_before=end,
        after=after,
    )


def _when(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat(timespec="seconds")


def _due(due_on: date | None, zone: ZoneInfo) -> str | None:
    """The legal due date is a whole local day: the case is due by its end."""
    if due_on is None:
        return None
    return datetime.combine(due_on, time(23, 59, 59), tzinfo=zone).isoformat()


def request(case: PublicCase, config: Config) -> dict[str, Any]:
    """One service request, every field of the specification's GET response."""
    zone = config.commune.zone
    return {
        "service_request_id": case.code,
        "status": "closed" if case.closed else "open",
        "status_notes": case.result or "",
        "service_name": category_label(case.category_id, config),
        "service_code": case.category_id,
        "description": case.content,
        "agency_responsible": config.department_name(case.department_id),
        "service_notice": "",
        "requested_datetime": _when(case.received_at, zone),
        "updated_datetime": _when(case.updated_at, zone),
        "expected_datetime": _due(case.due_on, zone),
        "address": case.place or "",
        "address_id": "",
        "zipcode": "",
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": _media_url(case, config),
    }


def _media_url(case: PublicCase, config: Config) -> str:
    if not case.photos:
        return ""
    return config.web.base_url.rstrip("/") + photo_path(case.photos[0])
