"""An Open311 POST's form, checked field by field before anything is stored."""

from __future__ import annotations

import pytest

from bot.domain.open311 import Problem, ServiceRequest, parse_request
from bot.texts import t

CODES = {"moi-truong", "giao-thong"}
CONTENT = (10, 4000)
GOOD = {
    "service_code": "moi-truong",
    "description": "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.",
    "lat": "20.2501",
    "long": "105.9702",
}


def test_a_complete_request() -> None:
    form = GOOD | {"first_name": "Nguyễn", "last_name": "Văn An", "phone": "0912 345 678"}
    form |= {"email": "an@example.vn", "media_url": "https://anh.example.vn/1.jpg"}
    request = parse_request(form, CODES, CONTENT)
    assert request == ServiceRequest(
        "moi-truong",
        "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.",
        20.2501,
        105.9702,
        None,
        "Nguyễn Văn An",
        "0912345678",
        "https://anh.example.vn/1.jpg",
    )


def test_an_address_stands_for_coordinates() -> None:
    form = {k: v for k, v in GOOD.items() if k not in ("lat", "long")}
    request = parse_request(form | {"address_string": "Ngõ 3, thôn Đông"}, CODES, CONTENT)
    assert isinstance(request, ServiceRequest)
    assert (request.lat, request.long, request.address) == (None, None, "Ngõ 3, thôn Đông")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "khong-co"}, "service_code"),
        ({"description": "ngắn"}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"lat": "91"}, "lat/long"),
        ({"long": ""}, "lat/long"),
        ({"lat": "abc"}, "lat/long"),
        ({"lat": "", "long": ""}, "lat/long"),
        ({"phone": "12345"}, "phone"),
        ({"first_name": "A" * 101}, "first_name/last_name"),
        ({"media_url": "http://anh.example.vn/1.jpg"}, "media_url"),
        ({"media_url": "https://127.0.0.1/x.jpg"}, "media_url"),
        ({"media_url": "https://10.0.0.5/x.jpg"}, "media_url"),
        ({"media_url": "https://localhost/x.jpg"}, "media_url"),
        ({"media_url": "https://[::1]/x.jpg"}, "media_url"),
        ({"media_url": "file:///etc/passwd"}, "media_url"),
    ],
)
def test_each_problem_names_its_field(changes: dict[str, str], field: str) -> None:
    found = parse_request(GOOD | changes, CODES, CONTENT)
    assert isinstance(found, list)
    assert [p.field for p in found] == [field]
    assert all(t(p.reason, **dict(p.values)) for p in found)


def test_every_problem_at_once() -> None:
    found = parse_request({"phone": "1"}, CODES, CONTENT)
    assert isinstance(found, list)
    assert {p.field for p in found} == {"service_code", "description", "lat/long", "phone"}
    assert all(isinstance(p, Problem) for p in found)
