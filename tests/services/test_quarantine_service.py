"""An update the bot cannot read is kept once, with its error, and gone once an erasure
request made after it would be due."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.config import Config
from bot.services.quarantine import forget_old, set_aside
from storage.database import Database
from tests.services.factories import fetch
from tests.support.clock import FixedClock

RAW = '{"update_id": 7, "message": {"date": "hôm qua", "text": "Nhà bà Lan ở xóm 2"}}'


async def kept(db: Database) -> list[tuple[str, int | None, str, str]]:
    rows = await fetch(db, "SELECT channel, update_id, raw, error FROM quarantined_updates")
    return [(r[0], r[1], r[2], r[3]) for r in rows]


async def test_an_update_delivered_twice_is_kept_and_logged_once(
    db: Database, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    error = TypeError("'str' object cannot be interpreted as an integer")
    await set_aside(db, clock, "telegram", 7, RAW, error)
    await set_aside(db, clock, "telegram", 7, RAW, error)
    await set_aside(db, clock, "zalo", None, "{}", ValueError("no sender"))
    await set_aside(db, clock, "zalo", None, "{}", ValueError("no sender"))
    assert await kept(db) == [
        ("telegram", 7, RAW, f"TypeError: {error}"),
        ("zalo", None, "{}", "ValueError: no sender"),
        ("zalo", None, "{}", "ValueError: no sender"),  # no id: nothing to tell them apart by
    ]
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.services.quarantine"]
    assert (
        lines.count(
            "telegram update 7 could not be read (TypeError); set aside in quarantined_updates"
        )
        == 1
    )
    assert all("Lan" not in line and "hôm qua" not in line for line in caplog.messages)


async def test_kept_updates_go_after_the_erasure_period(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await set_aside(db, clock, "telegram", 1, RAW, TypeError("old"))
    clock.advance(timedelta(days=1))
    await set_aside(db, clock, "telegram", 2, RAW, TypeError("newer"))
    clock.advance(timedelta(days=config.privacy.erasure_days - 1))
    assert await forget_old(db, clock, config) == 0
    clock.advance(timedelta(seconds=1))
    assert await forget_old(db, clock, config) == 1
    assert [row[1] for row in await kept(db)] == [2]
