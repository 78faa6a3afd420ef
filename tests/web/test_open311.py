"""Open311 GeoReport v2 read endpoints over HTTP, every field checked against the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.config import Config
from tests.services.factories import fetch
from tests.web.conftest import Client
from tests.web.world import SECRETS, World

# GeoReport v2, GET service requests: the response's fields, all of them.
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
V2 = "/open311/v2"


async def _json(site: Client, path: str, status: int = 200) -> Any:
    response = await site.get(path)
    assert response.status == status, path
    assert response.content_type == "application/json"
    return await response.json()


async def test_services_are_the_categories(site: Client, config: Config) -> None:
    found = await _json(site, f"{V2}/services.json")
    assert [s["service_code"] for s in found] == [c.id for c in config.categories]
    for service in found:
        assert set(service) == SERVICE_FIELDS
        category = config.category(service["service_code"])
        assert category is not None
        assert service["service_name"] == category.name
        assert service["group"] == config.department_name(category.department)
        assert (service["type"], service["metadata"], service["keywords"]) == (
            "realtime",
            False,
            "",
        )


async def test_every_field_of_every_request_matches_the_database(
    site: Client, world: World, config: Config, db: Any
) -> None:
    found = await _json(site, f"{V2}/requests.json")
    assert [r["service_request_id"] for r in found] == [t.code for t in reversed(world.published)]
    for request in found:
        assert set(request) == REQUEST_FIELDS
        (row,) = await fetch(
            db, "SELECT * FROM tickets WHERE code = ?", (request["service_request_id"],)
        )
        closed = row["status"] in ("resolved", "refused")
        assert request["status"] == ("closed" if closed else "open")
        assert request["service_code"] == row["category_id"]
        assert request["service_name"] == config.category(row["category_id"]).name  # type: ignore[union-attr]
        assert request["agency_responsible"] == config.department_name(row["department_id"])
        assert datetime.fromisoformat(request["requested_datetime"]) == datetime.fromisoformat(
            row["created_at"]
        ).replace(microsecond=0)
        assert datetime.fromisoformat(request["updated_datetime"]) == datetime.fromisoformat(
            row["updated_at"]
        ).replace(microsecond=0)
        expected = datetime.fromisoformat(request["expected_datetime"])
        assert expected.date() == date.fromisoformat(row["due_on"])
        assert (request["lat"], request["long"]) == (row["latitude"], row["longitude"])
        assert "[đã che]" in request["description"]
        assert request["status_notes"] == ("" if not closed else request["status_notes"])
        if closed:
            assert request["status_notes"].startswith("Đã thông cống")
        assert request["address"] in ("", "[đã che], gần cầu")
        for empty in ("service_notice", "address_id", "zipcode"):
            assert request[empty] == ""
        # The first photo the officer let out, served by the site itself; none for the rest.
        solved = request["service_request_id"] == world.published[0].code
        first = f"{config.web.base_url}/anh/{world.public_photos[0]}" if solved else ""
        assert request["media_url"] == first
        for secret in SECRETS:
            assert secret not in str(request)


async def test_one_request_and_several_by_id(site: Client, world: World) -> None:
    solved, mapped, _ = world.published
    (one,) = await _json(site, f"{V2}/requests/{solved.code}.json")
    assert one["service_request_id"] == solved.code
    ids = ",".join([solved.code, mapped.code, *world.hidden_codes, "junk"])
    found = await _json(site, f"{V2}/requests.json?service_request_id={ids}")
    assert {r["service_request_id"] for r in found} == {solved.code, mapped.code}
    assert await _json(site, f"{V2}/requests.json?service_request_id=junk") == []


async def test_filters_and_paging(site: Client, world: World) -> None:
    solved, mapped, worded = world.published
    closed = await _json(site, f"{V2}/requests.json?status=closed")
    assert [r["service_request_id"] for r in closed] == [solved.code]
    by_service = await _json(site, f"{V2}/requests.json?service_code=moi-truong")
    assert [r["service_request_id"] for r in by_service] == [mapped.code]
    old = await _json(site, f"{V2}/requests.json?end_date=2020-01-01T00:00:00Z")
    assert old == []
    codes, path = [], f"{V2}/requests.json?page_size=1"
    while path:
        response = await site.get(path)
        codes += [r["service_request_id"] for r in await response.json()]
        link = response.headers.get("Link")
        path = link[1 : link.index(">")] if link else ""
        path = path[path.index(V2) :] if path else ""
    assert codes == [worded.code, mapped.code, solved.code]


async def test_errors_are_in_the_specifications_format(site: Client, world: World) -> None:
    cases = {
        f"{V2}/requests.json?start_date=yesterday": 400,
        f"{V2}/requests.json?status=pending": 400,
        f"{V2}/requests.json?page_size=1001": 400,
        f"{V2}/requests.json?page_size=0": 400,
        f"{V2}/requests.json?after=x": 400,
        f"{V2}/requests.json?service_code=none": 400,
        f"{V2}/requests.json?start_date=2026-02-01&end_date=2026-01-01": 400,
        f"{V2}/requests/SN-2026-99999.json": 404,
        f"{V2}/requests/{world.hidden_codes[0]}.json": 404,
        f"{V2}/nothing.json": 404,
    }
    for path, status in cases.items():
        body = await _json(site, path, status)
        assert len(body) == 1
        assert body[0]["code"] == status
        assert isinstance(body[0]["description"], str)
        assert body[0]["description"]
    unknown = await _json(site, f"{V2}/requests/SN-2026-99999.json", 404)
    hidden = await _json(site, f"{V2}/requests/{world.hidden_codes[0]}.json", 404)
    assert hidden[0]["description"] == unknown[0]["description"].replace(
        "SN-2026-99999", world.hidden_codes[0]
    )
