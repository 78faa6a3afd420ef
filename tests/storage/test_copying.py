"""`copy-db` from a real commune's SQLite file, built through the services, into the real
PostgreSQL test server: every row arrives as it was (flags as booleans), ids and case numbers
continue after the copied ones, sealed identities stay sealed, and a target that is not empty,
a source at another schema version or a copy that fails part way leave PostgreSQL as it was.
The copy is read back with plain psycopg queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.config import Config
from bot.domain.chats import Account
from bot.domain.tickets import Kind, format_code
from bot.services import announcements, casework, chats, privacy, quarantine, reception, updates
from bot.services.announcements import Content, ProgressMessage
from bot.services.bans import ban
from bot.services.intake import submit_case
from bot.services.officers import remove_officer, toggle_night
from storage.copying import (
    CopyFailedError,
    MissingSourceError,
    SourceVersionError,
    TargetNotEmptyError,
    copy_database,
)
from storage.database import Database, migrations
from storage.postgres_migrations import migrate_postgres
from tests.conftest import SQLITE_ONLY
from tests.services.factories import citizen, complaint, feedback
from tests.services.test_casework_service import (
    CHAIRMAN,
    ECONOMY,
    OFFICE,
    denunciation,
    world,
)
from tests.support.clock import FixedClock

ZALO = "zalo"
# Tables the commune built below must have filled, so that each comparison compares something.
FILLED = {
    "people",
    "case_sequences",
    "tickets",
    "ticket_events",
    "attachments",
    "officers",
    "outbox",
    "admin_events",
    "reminders",
    "reception_subscribers",
    "reception_bookings",
    "announcement_subscribers",
    "announcement_choices",
    "announcements",
    "erasure_requests",
    "bans",
    "chat_links",
    "inbox",
    "processed_updates",
    "quarantined_updates",
}


async def build_commune(db: Database, clock: FixedClock, config: Config) -> None:
    """A commune's database as the bot leaves it: cases of every kind (a sealed denunciation
    among them), officers retired and on night duty, a reception booking, an announcement with
    its bulk messages, an erased citizen, a ban, a Zalo chat, handled and set-aside updates."""
    w = await world(db, clock, config, "Hùng Đoài")
    await submit_case(db, clock, config, w.person, feedback("draft-feedback"))
    disputed = await submit_case(db, clock, config, w.person, complaint("draft-complaint"))
    handler = next(o for o in w.staff.values() if o.person_id == disputed.assignee_id)
    await casework.accept(db, clock, config, handler, disputed.id)
    await casework.mark_complex(db, clock, config, handler, disputed.id, "Cần đo đạc lại.")
    sealed = await submit_case(db, clock, config, w.person, denunciation("draft-sealed"))
    leader = next(o for o in w.staff.values() if o.person_id == sealed.assignee_id)
    await casework.accept(db, clock, config, leader, sealed.id)

    [session] = await reception.next_sessions(db, clock, config, 1)
    await reception.book(db, clock, config, w.person, session.key, "Hỏi về đất ở thôn Đoài")
    await reception.subscribe(db, clock, w.person, True)
    await announcements.switch(db, clock, w.person, True)
    leaving = await citizen(db, clock, "9002", "Lan")
    await announcements.switch(db, clock, leaving, True)
    await announcements.switch(db, clock, leaving, False)
    chairman = w.officer(CHAIRMAN)
    progress = ProgressMessage(CHAIRMAN, 7, "Đang gửi")
    await announcements.publish(
        db, clock, config, chairman, "draft-announce", Content("Xã tiêm phòng dại."), progress
    )
    await toggle_night(db, w.officer(OFFICE))
    await remove_officer(db, clock, chairman, ECONOMY)

    erased = await citizen(db, clock, "9003", "Người sẽ xóa")
    await submit_case(db, clock, config, erased, feedback("draft-erased"))
    request, _ = await privacy.request_erasure(db, clock, config, erased)
    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)
    await ban(db, clock, chairman, Account("telegram", "9999"), "Gửi tin quấy rối.", 300)

    await chats.local_id(db, clock, ZALO, "zalo-user-1")
    await chats.arrive(db, clock, ZALO, "event-old", "{}")
    clock.advance(timedelta(days=10))
    await chats.arrive(db, clock, ZALO, "event-new", '{"text": "xin chào"}')
    await updates.mark_handled(db, clock, "telegram", 5001)
    await quarantine.set_aside(db, clock, "telegram", 5002, "{}", ValueError("không đọc được"))


@pytest.fixture
async def commune(db: Database, clock: FixedClock, config: Config) -> Path:
    """The commune's SQLite file, closed (as after the bot stopped). The tests that take it are
    SQLITE_ONLY: copy-db reads a SQLite file, whichever backend a run tests."""
    await build_commune(db, clock, config)
    await db.close()
    return config.storage.path


def sqlite_rows(path: Path, query: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(query).fetchall()


def file_state(path: Path) -> tuple[bytes, list[str]]:
    """The file's bytes and the names beside it (a journal or WAL left behind would show)."""
    return path.read_bytes(), sorted(p.name for p in path.parent.iterdir())


def sqlite_tables(path: Path) -> list[str]:
    rows = sqlite_rows(
        path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return sorted(str(row[0]) for row in rows)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        yield conn


def pg_rows(conn: psycopg.Connection[tuple[Any, ...]], query: str, *params: object) -> list[Any]:
    return conn.execute(query, params).fetchall()


def pg_tables(conn: psycopg.Connection[tuple[Any, ...]]) -> list[str]:
    return sorted(
        str(row[0])
        for row in pg_rows(
            conn,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name <> 'schema_version'",
        )
    )


def pg_counts(conn: psycopg.Connection[tuple[Any, ...]]) -> dict[str, int]:
    return {
        name: int(pg_rows(conn, f'SELECT count(*) FROM "{name}"')[0][0]) for name in pg_tables(conn)
    }


def typed(row: tuple[Any, ...]) -> tuple[tuple[str, Any], ...]:
    """Each value with its type: 1 == True in Python, so a flag left as an integer would pass
    an equality check on values alone."""
    return tuple((type(value).__name__, value) for value in row)


def booleans(conn: psycopg.Connection[tuple[Any, ...]], table: str) -> set[str]:
    return {
        str(row[0])
        for row in pg_rows(
            conn,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s AND data_type = 'boolean'",
            table,
        )
    }


def as_copied(row: tuple[Any, ...], names: list[str], flags: set[str]) -> tuple[Any, ...]:
    return tuple(
        bool(value) if name in flags and value is not None else value
        for name, value in zip(names, row, strict=True)
    )


def same_rows(path: Path, conn: psycopg.Connection[tuple[Any, ...]], table: str) -> None:
    names = [
        str(row[0]) for row in sqlite_rows(path, f"SELECT name FROM pragma_table_info('{table}')")
    ]
    columns = ", ".join(f'"{name}"' for name in names)
    source = sqlite_rows(path, f'SELECT {columns} FROM "{table}"')
    flags = booleans(conn, table)
    copied = pg_rows(conn, f'SELECT {columns} FROM "{table}"')
    expected = sorted((typed(as_copied(row, names, flags)) for row in source), key=repr)
    assert sorted((typed(row) for row in copied), key=repr) == expected, table


@SQLITE_ONLY
async def test_every_row_of_every_table_arrives_as_it_was(
    commune: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    before = file_state(commune)

    copied = await copy_database(commune, postgres_url)

    tables = sqlite_tables(commune)
    assert sorted(name for name, _ in copied.tables) == tables == pg_tables(pg)
    counts = dict(copied.tables)
    assert counts == pg_counts(pg)
    assert {name for name, count in counts.items() if count} >= FILLED
    for table in tables:
        same_rows(commune, pg, table)
    assert file_state(commune) == before, "the source is never changed, nothing is left beside"


@SQLITE_ONLY
async def test_parents_are_copied_before_the_tables_that_refer_to_them(
    commune: Path, postgres_url: str
) -> None:
    copied = await copy_database(commune, postgres_url)

    order = [name for name, _ in copied.tables]
    for table in order:
        for (parent,) in sqlite_rows(
            commune, f"SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{table}')"
        ):
            assert order.index(parent) < order.index(table), (parent, table)


@SQLITE_ONLY
async def test_flags_become_booleans_and_sealed_identities_stay_sealed(
    commune: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    await copy_database(commune, postgres_url)

    assert pg_rows(pg, "SELECT kind, sealed FROM tickets WHERE sealed") == [("denunciation", True)]
    assert pg_rows(pg, "SELECT complex FROM tickets WHERE kind = 'complaint'") == [(True,)]
    assert pg_rows(pg, "SELECT subscribed FROM announcement_choices ORDER BY id") == [
        (True,),
        (True,),
        (False,),
    ]
    assert {row[0] for row in pg_rows(pg, "SELECT bulk FROM outbox")} == {True, False}
    [(token, tag)] = pg_rows(pg, "SELECT sealed, sealed_tag FROM people WHERE sealed IS NOT NULL")
    assert (token, tag) == tuple(
        sqlite_rows(commune, "SELECT sealed, sealed_tag FROM people WHERE sealed IS NOT NULL")[0]
    )
    assert "Trần Văn Hùng" not in token
    assert pg_rows(pg, "SELECT channel FROM people WHERE channel = 'erased'") == [("erased",)]


@SQLITE_ONLY
async def test_a_case_filed_on_postgresql_afterwards_takes_the_next_id_and_code(
    commune: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    """Written as the repositories write a case: the year's number from case_sequences, the
    ids left to the database."""
    [(last_id, year, last_number)] = sqlite_rows(
        commune,
        "SELECT (SELECT max(id) FROM tickets), year, last_number FROM case_sequences",
    )
    # AUTOINCREMENT: an inbox id once handed out is never handed out again, even once its row
    # is gone (here the newest, as an operator's clean-up could leave it).
    with closing(sqlite3.connect(commune)) as conn, conn:
        conn.execute("DELETE FROM inbox WHERE id = (SELECT max(id) FROM inbox)")
    [(last_inbox,)] = sqlite_rows(commune, "SELECT seq FROM sqlite_sequence WHERE name = 'inbox'")
    [(person,)] = sqlite_rows(commune, "SELECT min(id) FROM people")
    await copy_database(commune, postgres_url)

    [(number,)] = pg_rows(
        pg,
        "INSERT INTO case_sequences (year, last_number) VALUES (%s, 1) ON CONFLICT (year) "
        "DO UPDATE SET last_number = case_sequences.last_number + 1 RETURNING last_number",
        year,
    )
    code = format_code("SN", year, number)
    [(ticket_id,)] = pg_rows(
        pg,
        "INSERT INTO tickets (code, draft_id, citizen_id, kind, category_id, status, content, "
        "created_at, updated_at) VALUES (%s, 'draft-after', %s, %s, 'giao-thong', 'new', "
        "'Ổ gà trên đường liên thôn.', '2026-12-10T01:00:00.000000+00:00', "
        "'2026-12-10T01:00:00.000000+00:00') RETURNING id",
        code,
        person,
        Kind.FEEDBACK.value,
    )
    [(inbox_id,)] = pg_rows(
        pg,
        "INSERT INTO inbox (channel, event_key, received_at) "
        "VALUES ('zalo', 'event-after', '2026-12-10T01:00:00.000000+00:00') RETURNING id",
    )

    assert (ticket_id, number) == (last_id + 1, last_number + 1)
    assert code not in {row[0] for row in sqlite_rows(commune, "SELECT code FROM tickets")}
    assert inbox_id == last_inbox + 1


@SQLITE_ONLY
async def test_a_target_with_rows_is_refused_and_left_as_it_was(
    commune: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    await copy_database(commune, postgres_url)
    pg.execute("DELETE FROM reception_bookings")
    counts = pg_counts(pg)

    with pytest.raises(TargetNotEmptyError) as refused:
        await copy_database(commune, postgres_url)

    assert "tickets" in refused.value.tables
    assert "reception_bookings" not in refused.value.tables
    assert pg_counts(pg) == counts


@SQLITE_ONLY
async def test_a_target_with_rows_of_another_program_is_refused_before_any_migration(
    commune: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    pg.execute("CREATE TABLE notes (body text)")
    pg.execute("INSERT INTO notes VALUES ('ghi chú')")

    with pytest.raises(TargetNotEmptyError) as refused:
        await copy_database(commune, postgres_url)

    assert refused.value.tables == ["notes"]
    assert pg_tables(pg) == ["notes"]


@SQLITE_ONLY
async def test_an_empty_target_already_migrated_is_taken(
    commune: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    async with await psycopg.AsyncConnection.connect(postgres_url, autocommit=True) as conn:
        await migrate_postgres(conn)

    copied = await copy_database(commune, postgres_url)

    assert dict(copied.tables) == pg_counts(pg)


async def test_a_source_at_another_schema_version_is_refused(
    tmp_path: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    older = tmp_path / "older.sqlite3"
    known = migrations()
    with closing(sqlite3.connect(older, isolation_level=None)) as conn:
        for _, _, script in known[:3]:
            conn.executescript(script)
        conn.execute("PRAGMA user_version = 3")
    before = file_state(older)

    with pytest.raises(SourceVersionError) as refused:
        await copy_database(older, postgres_url)

    assert (refused.value.found, refused.value.known) == (3, len(known))
    assert file_state(older) == before
    assert pg_tables(pg) == []


async def test_a_missing_source_is_refused(
    tmp_path: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    with pytest.raises(MissingSourceError):
        await copy_database(tmp_path / "none.sqlite3", postgres_url)
    assert not (tmp_path / "none.sqlite3").exists()
    assert pg_tables(pg) == []


@SQLITE_ONLY
async def test_a_copy_failing_part_way_keeps_nothing(
    commune: Path, postgres_url: str, pg: psycopg.Connection[tuple[Any, ...]]
) -> None:
    """A flag that is neither 0 nor 1 is found after many tables were copied already."""
    with closing(sqlite3.connect(commune)) as conn, conn:
        conn.execute("UPDATE outbox SET bulk = 2 WHERE id = (SELECT max(id) FROM outbox)")

    with pytest.raises(CopyFailedError, match=r"outbox\.bulk holds 2"):
        await copy_database(commune, postgres_url, batch=2)

    assert set(pg_counts(pg).values()) == {0}
    with closing(sqlite3.connect(commune)) as conn, conn:
        conn.execute("UPDATE outbox SET bulk = 1 WHERE bulk = 2")
    copied = await copy_database(commune, postgres_url)
    assert dict(copied.tables) == pg_counts(pg), "once mended, the same target takes the copy"
