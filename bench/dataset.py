"""A commune's (or a province's) years of history, written straight into a migrated database.

Cases are spread evenly over `MONTHS` months up to now (1,000,000 cases make ~21,700 a month),
each with its receipt event, its closing event when closed and the receipt message in the
outbox, so tables and indexes have the size years of use give them. Old cases are closed but
for a few stragglers; half of the last two months' cases are open. Cases go to the officers of
the config and to `STAFF` officers more, as a district's departments would have.

Written by SQLite itself (recursive CTEs in one transaction): a million cases take seconds.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.services.officers import sync_from_config
from storage.sqlite import SqliteDatabase

MONTHS = 46
STAFF = 300
FIRST_CITIZEN = 60_000_001
FIRST_STAFF = 70_000_001
RECENT_DAYS = 60


# Closed 5 to 24 days after receipt, and never after now.
_CLOSED = "min(datetime(at, '+' || (5 + i % 20) || ' days'), datetime(:now))"


def _iso(column: str) -> str:
    """SQLite's time text to the ISO form storage/rows.py writes (microseconds, +00:00)."""
    return f"strftime('%Y-%m-%dT%H:%M:%f', {column}) || '000+00:00'"


async def _migrate(config: Config) -> None:
    db = await SqliteDatabase.open(config.storage.path)
    try:
        await sync_from_config(db, SystemClock(), config, CHANNEL)
    finally:
        await db.close()


def generate(config: Config, cases: int, citizens: int) -> None:
    """Fill the (new) database of `config` with `citizens` people and `cases` cases."""
    asyncio.run(_migrate(config))
    now = datetime.now(UTC)
    start = now - timedelta(days=MONTHS * 30.44)
    step = (now - start).total_seconds() / cases
    conn = sqlite3.connect(config.storage.path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        _people(conn, citizens, now)
        _staff(conn, config, now)
        _tickets(conn, cases, start, step, now)
        conn.execute("COMMIT")
    finally:
        conn.close()
    _on_disk(config.storage.path)


def _on_disk(path: Path) -> None:
    """Wait until what was generated is on disk, as a database in use for years is.

    Written with `synchronous = OFF`, the 1.2 GB stay in the kernel's cache until it writes
    them back; the measured bot's first checkpoint (which syncs the file) then paid for all of
    it: one `/viec` of 201 took 408-520 ms in three full runs, and never when the database had
    been generated minutes before.
    """
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _people(conn: sqlite3.Connection, citizens: int, now: datetime) -> None:
    conn.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
        INSERT INTO people (channel, external_id, display_name, consent_at, consent_notice,
            created_at, updated_at)
        SELECT ?, CAST(? + i AS TEXT), 'Công dân ' || i, {_iso("?")}, 'v1', {_iso("?")},
            {_iso("?")}
        FROM n
        """,
        (citizens, CHANNEL, FIRST_CITIZEN, now, now, now),
    )


def _staff(conn: sqlite3.Connection, config: Config, now: datetime) -> None:
    departments = [d.id for d in config.departments]
    stamp = now.isoformat()
    for k in range(STAFF):
        cursor = conn.execute(
            "INSERT INTO people (channel, external_id, display_name, consent_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (CHANNEL, str(FIRST_STAFF + k), f"Cán bộ {k}", stamp, stamp, stamp),
        )
        conn.execute(
            "INSERT INTO officers (person_id, name, department_id, roles, source, updated_at) "
            "VALUES (?, ?, ?, 'officer', 'chat', ?)",
            (cursor.lastrowid, f"Cán bộ {k}", departments[k % len(departments)], stamp),
        )


def _tickets(
    conn: sqlite3.Connection, cases: int, start: datetime, step: float, now: datetime
) -> None:
    conn.execute("CREATE TEMP TABLE cats (n INTEGER PRIMARY KEY, id TEXT, dept TEXT)")
    conn.executemany(
        "INSERT INTO cats VALUES (?, ?, ?)",
        [(n, category, department) for n, (category, department) in enumerate(_CATEGORIES)],
    )
    conn.execute(
        "CREATE TEMP TABLE staff AS SELECT row_number() OVER (ORDER BY person_id) - 1 AS n, "
        "person_id FROM officers WHERE roles LIKE '%officer%'"
    )
    (staff,) = conn.execute("SELECT count(*) FROM staff").fetchone()
    (first_citizen,) = conn.execute(
        "SELECT min(id) FROM people WHERE external_id = ?", (str(FIRST_CITIZEN),)
    ).fetchone()
    (citizens,) = conn.execute(
        "SELECT count(*) FROM people WHERE id >= ? AND id < ? + 10000000",
        (first_citizen, first_citizen),
    ).fetchone()
    recent = (now - timedelta(days=RECENT_DAYS)).isoformat()
    conn.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :cases),
        g AS (
            SELECT i, datetime(:start, '+' || CAST(i * :step AS INTEGER) || ' seconds') AS at,
                abs(random()) AS r
            FROM n
        ),
        c AS (
            SELECT g.*, CASE WHEN at >= datetime(:recent) THEN i % 2 = 0 ELSE i % 33 = 0 END
                AS open
            FROM g
        )
        INSERT INTO tickets (code, draft_id, citizen_id, kind, category_id, department_id, status,
            content, place, contact_name, contact_phone, contact_address, created_at,
            updated_at, assignee_id, accepted_at, closed_at, result, rating, due_on)
        SELECT
            'SN-' || strftime('%Y', at) || '-' || printf('%05d',
                row_number() OVER (PARTITION BY strftime('%Y', at) ORDER BY i)),
            'gen-' || i,
            :first_citizen + r % :citizens,
            CASE WHEN i % 100 < 60 THEN 'feedback' WHEN i % 100 < 80 THEN 'petition'
                WHEN i % 100 < 93 THEN 'complaint' ELSE 'denunciation' END,
            cats.id, cats.dept,
            CASE WHEN open THEN CASE r % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'accepted'
                ELSE 'in_progress' END
                WHEN i % 10 = 0 THEN 'refused' ELSE 'resolved' END,
            'Phản ánh số ' || i || ': đường liên thôn bị sạt lở một đoạn khoảng 20 mét, '
                || 'người dân đi lại khó khăn, đề nghị xã sớm kiểm tra và khắc phục.',
            'Thôn ' || (i % 12 + 1),
            CASE WHEN i % 100 >= 80 THEN 'Nguyễn Văn ' || (r % 9973) END,
            CASE WHEN i % 100 >= 80 THEN '09' || printf('%08d', r % 100000000) END,
            CASE WHEN i % 100 >= 80 THEN 'Thôn ' || (i % 12 + 1) END,
            {_iso("at")}, {_iso("at")},
            staff.person_id,
            CASE WHEN NOT open OR r % 3 > 0 THEN {_iso("datetime(at, '+2 days')")} END,
            CASE WHEN NOT open THEN {_iso(_CLOSED)} END,
            CASE WHEN NOT open THEN 'Đã kiểm tra và xử lý theo quy định.' END,
            CASE WHEN NOT open AND i % 4 = 0 THEN
                CASE WHEN i % 20 = 0 THEN 'unsatisfied' ELSE 'satisfied' END END,
            date(at, '+14 days')
        FROM c
        JOIN cats ON cats.n = i % {len(_CATEGORIES)}
        JOIN staff ON staff.n = (r / 7) % :staff
        """,
        {
            "cases": cases,
            "start": start.strftime("%Y-%m-%d %H:%M:%S"),
            "step": step,
            "recent": recent[:19].replace("T", " "),
            "now": now.strftime("%Y-%m-%d %H:%M:%S"),
            "first_citizen": first_citizen,
            "citizens": citizens,
            "staff": staff,
        },
    )
    conn.execute(
        "INSERT INTO case_sequences (year, last_number) "
        "SELECT CAST(substr(code, 4, 4) AS INTEGER), count(*) FROM tickets GROUP BY 1"
    )
    conn.execute(
        "INSERT INTO ticket_events (ticket_id, at, actor_id, action, to_status) "
        "SELECT id, created_at, citizen_id, 'submitted', 'new' FROM tickets ORDER BY id"
    )
    conn.execute(
        "INSERT INTO ticket_events (ticket_id, at, actor_id, action, from_status, to_status) "
        "SELECT id, closed_at, assignee_id, CASE status WHEN 'refused' THEN 'refuse' "
        "ELSE 'resolve' END, 'accepted', status FROM tickets WHERE closed_at IS NOT NULL "
        "ORDER BY id"
    )
    conn.execute(
        "INSERT INTO outbox (dedupe_key, channel, recipient, payload, created_at, not_before, "
        "attempts, sent_at) SELECT 'receipt:' || t.id, p.channel, p.external_id, "
        "'{\"text\": \"Đã gửi đơn thành công. Mã hồ sơ: ' || t.code || '\"}', t.created_at, "
        "t.created_at, 1, t.created_at FROM tickets t JOIN people p ON p.id = t.citizen_id "
        "ORDER BY t.id"
    )


# (category, its department) as in config.example.toml
_CATEGORIES = (
    ("dat-dai", "kinh-te"),
    ("moi-truong", "kinh-te"),
    ("giao-thong", "kinh-te"),
    ("nong-nghiep", "kinh-te"),
    ("chinh-sach", "van-hoa-xa-hoi"),
    ("giao-duc-y-te", "van-hoa-xa-hoi"),
    ("ho-tich", "van-phong"),
    ("thu-tuc", "hanh-chinh-cong"),
    ("an-ninh", "cong-an"),
    ("thai-do-can-bo", "van-phong"),
    ("khac", "van-phong"),
)


def size_mb(path: Path) -> float:
    """The database with its write-ahead log, in MB."""
    files = [path, path.with_name(path.name + "-wal")]
    return round(sum(f.stat().st_size for f in files if f.exists()) / 1e6, 1)
