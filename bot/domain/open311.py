"""An Open311 GeoReport v2 service request posted by another system, checked before anything
is stored (issue #21).

The spec's POST carries form fields; every one is checked here and each problem is named, so
the calling system's developer can fix the request from the answer alone. A request either
becomes a case as a chat citizen's would, or stores nothing.

Personal data is taken only where the case needs it: a name and phone number become the case's
contact details (hidden from every public answer); an e-mail address, a device id and an
account id are not kept.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.domain.draft import clean_phone, clean_text

ADDRESS_LIMITS = (3, 300)
NAME_LIMIT = 100
MAX_MEDIA_URL = 2000


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a request: the field, and the catalog key saying what is wrong."""

    field: str
    reason: str
    values: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceRequest:
    service_code: str
    description: str
    lat: float | None
    long: float | None
    address: str | None
    name: str | None
    phone: str | None
    media_url: str | None


def _coordinate(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


def _public_https(url: str) -> bool:
    """A photo the bot may fetch: over HTTPS, from a named host on the internet, never from the
    machine itself or its private network (a request must not make the bot read those)."""
    if len(url) > MAX_MEDIA_URL:
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return "." in host


def _location(
    form: Mapping[str, str], problems: list[Problem]
) -> tuple[float | None, float | None, str | None]:
    lat_text, long_text = form.get("lat", "").strip(), form.get("long", "").strip()
    address = clean_text(form.get("address_string", ""))
    lat = long = None
    if lat_text or long_text:
        lat = _coordinate(lat_text or None, -90, 90)
        long = _coordinate(long_text or None, -180, 180)
        if lat is None or long is None:
            problems.append(Problem("lat/long", "open311.error.lat_long"))
    if address and not ADDRESS_LIMITS[0] <= len(address) <= ADDRESS_LIMITS[1]:
        problems.append(Problem("address_string", "open311.error.address", (("max", 300),)))
    if not (lat_text or long_text or address):
        problems.append(Problem("lat/long", "open311.error.location"))
    return lat, long, address or None


def parse_request(
    form: Mapping[str, str], service_codes: Collection[str], content: tuple[int, int]
) -> ServiceRequest | list[Problem]:
    """The request, or every problem with it. `content` is the commune's (min, max) length of
    a case's content, as for a chat citizen."""
    problems: list[Problem] = []
    code = form.get("service_code", "").strip()
    if not code:
        problems.append(Problem("service_code", "open311.error.service_code_missing"))
    elif code not in service_codes:
        problems.append(Problem("service_code", "open311.error.service_code_unknown"))
    description = clean_text(form.get("description", ""))
    if not content[0] <= len(description) <= content[1]:
        bounds = (("min", content[0]), ("max", content[1]))
        problems.append(Problem("description", "open311.error.description", bounds))
    lat, long, address = _location(form, problems)
    name = clean_text(f"{form.get('first_name', '')} {form.get('last_name', '')}") or None
    if name is not None and (len(name) > NAME_LIMIT or "\n" in name):
        problems.append(Problem("first_name/last_name", "open311.error.name"))
    phone_text = form.get("phone", "").strip()
    phone = clean_phone(phone_text) if phone_text else None
    if phone_text and phone is None:
        problems.append(Problem("phone", "open311.error.phone"))
    media_url = form.get("media_url", "").strip() or None
    if media_url is not None and not _public_https(media_url):
        problems.append(Problem("media_url", "open311.error.media_url"))
    if problems:
        return problems
    return ServiceRequest(code, description, lat, long, address, name, phone, media_url)
