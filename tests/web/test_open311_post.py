"""Open311's POST requests.json over real HTTP on a real SQLite file: a client with its key
files a case that is routed like a chat case and read back by GET; a missing or wrong key, or
a bad field, answers the specification's error format and stores nothing; the key is in no log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Config, WebClient
from bot.domain.people import API_CHANNEL
from bot.services.officers import sync_from_config
from storage.database import Database
from tests.services.factories import fetch
from tests.support.clock import FixedClock
from tests.web.conftest import Client

V2 = "/open311/v2"
KEY = "k-7f3a9c1e5b"
FORM = {
    "api_key": KEY,
    "service_code": "moi-truong",
    "description": "Bãi rác tự phát ở bờ kênh thôn Đông, ông Hoàng Văn Tám báo, số 0912345678.",
    "lat": "20.2501",
    "long": "105.9702",
    "first_name": "Hoàng",
    "last_name": "Văn Tám",
    "phone": "0912345678",
    "email": "tam@example.vn",
}


@pytest.fixture
def config(config: Config) -> Config:
    client = WebClient(name="trung-tam-ioc", key_env="NGHE_DAN_KEY_IOC", key=SecretStr(KEY))
    web = config.web.model_copy(update={"enabled": True, "clients": [client]})
    return config.model_copy(update={"web": web})


async def cases(db: Database) -> int:
    return int((await fetch(db, "SELECT count(*) FROM tickets"))[0][0])


async def posted(site: Client, status: int, **form: Any) -> Any:
    async with site.post(f"{V2}/requests.json", data=form) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def test_a_client_files_a_case_and_reads_it_back(
    site: Client,
    db: Database,
    clock: FixedClock,
    config: Config,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await sync_from_config(db, clock, config, "telegram")
    caplog.set_level(logging.DEBUG)
    before = await cases(db)
    [answer] = await posted(site, 201, **FORM)
    code = answer["service_request_id"]
    assert answer["account_id"] is None
    department = config.category("moi-truong").department  # type: ignore[union-attr]
    assert config.department_name(department) in answer["service_notice"]

    [row] = await fetch(
        db,
        "SELECT t.kind, t.category_id, t.department_id, t.assignee_id, t.contact_name, "
        "t.contact_phone, t.public_since, p.channel, p.external_id FROM tickets t "
        "JOIN people p ON p.id = t.citizen_id WHERE t.code = ?",
        (code,),
    )
    assert await cases(db) == before + 1
    assert row[:3] == ("feedback", "moi-truong", department)
    assert row[3] is not None, "routed to an officer"
    assert row[4:6] == ("Hoàng Văn Tám", "0912345678")
    assert row[6] is not None, "published"
    assert row[7:] == (API_CHANNEL, "trung-tam-ioc")
    queued = await fetch(db, "SELECT channel FROM outbox")
    assert queued
    assert API_CHANNEL not in {channel for (channel,) in queued}

    async with site.get(f"{V2}/requests/{code}.json") as response:
        [shown] = await response.json()
    assert shown["service_request_id"] == code
    assert shown["status"] == "open"
    for secret in ("Hoàng Văn Tám", "0912345678", "tam@example.vn"):
        assert secret not in str(shown)
    assert KEY not in caplog.text


async def test_json_and_a_key_in_the_query_string_are_taken(site: Client, db: Database) -> None:
    body = {k: v for k, v in FORM.items() if k != "api_key"}
    async with site.post(f"{V2}/requests.json?api_key={KEY}", json=body) as response:
        assert response.status == 201, await response.text()
    assert await cases(db) >= 1


@pytest.mark.parametrize("key", ["", "k-wrong", KEY + "x"])
async def test_without_the_right_key_nothing_is_stored(
    site: Client, db: Database, key: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = await cases(db)
    [error] = await posted(site, 403, **(FORM | {"api_key": key}))
    assert error["code"] == 403
    assert "api_key" in error["description"]
    assert await cases(db) == before
    if key:
        assert key not in caplog.text


async def test_every_bad_field_is_named_and_nothing_is_stored(site: Client, db: Database) -> None:
    before = await cases(db)
    bad = FORM | {"service_code": "khong-co", "description": "ngắn", "lat": "", "long": ""}
    errors = await posted(site, 400, **(bad | {"phone": "123"}))
    assert {e["code"] for e in errors} == {400}
    named = " ".join(e["description"] for e in errors)
    for field in ("service_code", "description", "lat/long", "phone"):
        assert field in named
    assert await cases(db) == before


async def test_not_a_form_and_too_large_are_refused(site: Client, db: Database) -> None:
    before = await cases(db)
    async with site.post(
        f"{V2}/requests.json", data="[1, 2]", headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 400
    async with site.post(f"{V2}/requests.json", data={"description": "x" * 70_000}) as response:
        assert response.status == 413
        assert (await response.json())[0]["code"] == 413
    assert await cases(db) == before
