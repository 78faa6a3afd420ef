"""The public cases' SQL on SQLite and PostgreSQL: it agrees with the public rule, its pages
follow one another, its filters narrow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import Config
from bot.domain.public_cases import CaseQuery, Cursor
from bot.domain.publication import is_public
from storage import public_cases, tickets
from storage.database import Database
from tests.conftest import BOTH_BACKENDS
from tests.services.factories import fetch
from tests.support.clock import FixedClock
from tests.web.world import World, build


@BOTH_BACKENDS
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def world(db: Database, clock: FixedClock, config: Config) -> World:
    return await build(db, clock, config)


async def _listed(db: Database, config: Config, query: CaseQuery) -> list[str]:
    found = await public_cases.page(db.reader, query, config.routing.conduct_category)
    return [p.ticket.code for p in found]


async def _by_rule(db: Database, config: Config) -> list[str]:
    """Every case the Python rule lets out, newest first."""
    rows = await fetch(db, "SELECT code FROM tickets ORDER BY created_at DESC, id DESC")
    found = [await tickets.find_by_code(db.reader, row[0]) for row in rows]
    conduct = config.routing.conduct_category
    return [t.code for t in found if t is not None and is_public(t, conduct)]


@pytest.mark.usefixtures("world")
async def test_the_sql_and_the_python_rule_agree(db: Database, config: Config) -> None:
    kinds = await fetch(db, "SELECT kind, sealed, erased_at, subject_id FROM tickets")
    assert any(row[1] for row in kinds)  # the denunciation was sealed (the tests have a key)
    assert any(row[2] for row in kinds)
    assert any(row[3] for row in kinds)
    everything = CaseQuery(limit=1000)
    assert await _listed(db, config, everything) == await _by_rule(db, config)
    # Consent given to every case: the rule's other conditions alone decide.
    async with db.transaction() as conn:
        await conn.execute("UPDATE tickets SET public_since = created_at")
    assert await _listed(db, config, everything) == await _by_rule(db, config)
    async with db.transaction() as conn:
        await conn.execute("UPDATE tickets SET public_since = NULL")
    assert await _listed(db, config, everything) == []
    assert await _by_rule(db, config) == []


async def test_pages_by_keyset_cover_the_list_once(
    db: Database, config: Config, world: World
) -> None:
    walked: list[str] = []
    query = CaseQuery(limit=1)
    while found := await public_cases.page(db.reader, query, "thai-do-can-bo"):
        walked += [p.ticket.code for p in found]
        last = found[-1].ticket
        query = CaseQuery(limit=1, after=Cursor(last.created_at, last.id))
    assert walked == [t.code for t in reversed(world.published)]


async def test_filters_narrow_on_both_backends(db: Database, config: Config, world: World) -> None:
    solved, mapped, worded = world.published
    assert await _listed(db, config, CaseQuery(limit=9, closed=True)) == [solved.code]
    assert await _listed(db, config, CaseQuery(limit=9, closed=False)) == [
        worded.code,
        mapped.code,
    ]
    assert await _listed(db, config, CaseQuery(limit=9, category_id="moi-truong")) == [mapped.code]
    codes = (solved.code, *world.hidden_codes)
    assert await _listed(db, config, CaseQuery(limit=9, codes=codes)) == [solved.code]
    window = CaseQuery(
        limit=9,
        received_from=mapped.created_at,
        received_before=worded.created_at + timedelta(microseconds=1),
    )
    assert await _listed(db, config, window) == [worded.code, mapped.code]
    found = await public_cases.find(db.reader, solved.code, "thai-do-can-bo")
    assert found is not None
    assert found.filer_name == "Quàng Văn Pó"
    for code in world.hidden_codes:
        assert await public_cases.find(db.reader, code, "thai-do-can-bo") is None
