"""`nghe-dan backup` as its own process while cases are being filed, then a restore of the copy
as the README describes; the same on the real PostgreSQL test server, through pg_dump and
pg_restore; and `nghe-dan run` refusing a database newer than the program."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from bot.__main__ import main
from bot.config import TOKEN_ENV, Config
from bot.texts import t
from localapi.postgres import ADMIN, Cluster
from storage import postgres_backup
from storage.database import Database, migrations
from storage.files_backup import files_beside
from storage.postgres_backup import find_pg_dump
from storage.postgres_migrations import migrate_postgres, postgres_migrations
from storage.sqlite import SqliteDatabase
from tests.conftest import ROOT, TOKEN
from tests.services.factories import complaint
from tests.services.test_casework_service import file, world
from tests.support.clock import FixedClock
from tests.support.config_files import write

BEFORE_BACKUP = 20  # cases filed before the backup starts, so the copy cannot be empty


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NGHE_DAN_")}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env or _env(),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def _rows(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return [tuple(row) for row in conn.execute(sql, params)]


def _case(path: Path, code: object) -> tuple[list[tuple[object, ...]], ...]:
    """A case as stored: its row, its events, its attachments and the messages it queued."""
    [(ticket_id,)] = _rows(path, "SELECT id FROM tickets WHERE code = ?", (code,))
    return (
        _rows(path, "SELECT * FROM tickets WHERE id = ?", (ticket_id,)),
        _rows(path, "SELECT * FROM ticket_events WHERE ticket_id = ? ORDER BY id", (ticket_id,)),
        _rows(path, "SELECT * FROM attachments WHERE ticket_id = ? ORDER BY id", (ticket_id,)),
    )


async def test_a_backup_taken_while_cases_are_filed_restores_consistent(
    db: Database, clock: FixedClock, config: Config, config_path: Path, tmp_path: Path
) -> None:
    w = await world(db, clock, config)
    filed = 0
    backup_done = asyncio.Event()

    async def keep_filing() -> None:
        nonlocal filed
        while not backup_done.is_set():
            await file(w, complaint(f"draft-{filed}"))
            filed += 1
            if filed == BEFORE_BACKUP:
                started.set()

    started = asyncio.Event()
    writer = asyncio.create_task(keep_filing())
    await started.wait()
    out = tmp_path / "backups" / "nghe-dan-2026-11-28.sqlite3"
    out.parent.mkdir()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        "--config",
        str(config_path),
        "--out",
        str(out),
        cwd=ROOT,
        env=_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    backup_done.set()
    await writer
    assert process.returncode == 0, stderr.decode()
    assert f"Đã sao lưu vào {out}" in stdout.decode()
    # No WAL, no leftovers; the kept files (none here) in their folder beside.
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name, files_beside(out).name]

    # Restore as the README says: the copy becomes the database of a (stopped) bot.
    restored = tmp_path / "restored" / "data" / "nghe-dan.sqlite3"
    restored.parent.mkdir(parents=True)
    shutil.copy(out, restored)
    reopened = await SqliteDatabase.open(restored)  # what `nghe-dan run` does first
    await reopened.close()

    assert _rows(restored, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(restored, "PRAGMA foreign_key_check") == []
    assert _rows(restored, "PRAGMA user_version") == [(len(migrations()),)]
    codes = [code for (code,) in _rows(restored, "SELECT code FROM tickets ORDER BY id")]
    numbers = [int(str(code).rsplit("-", 1)[1]) for code in codes]
    assert BEFORE_BACKUP <= len(codes) <= filed
    assert numbers == list(range(1, len(codes) + 1))
    assert _rows(restored, "SELECT last_number FROM case_sequences") == [(len(codes),)]
    live = config.storage.path
    for code in codes:
        row, events, attachments = _case(restored, code)
        assert (row, events, attachments) == _case(live, code)
        assert [e[4] for e in events][:1] == ["submitted"]
        assert len(attachments) == 3


def test_backup_without_a_database_is_an_error(config_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite3"
    result = _cli("backup", "--config", str(config_path), "--out", str(out))
    assert result.returncode == 1
    assert "Chưa có cơ sở dữ liệu" in result.stderr
    assert not out.exists()


async def test_backup_into_a_missing_folder_is_an_error_and_writes_nothing(
    db: Database, config_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "copy.sqlite3"
    result = _cli("backup", "--config", str(config_path), "--out", str(out))
    assert result.returncode == 1
    assert f"Không ghi được bản sao lưu {out}" in result.stderr
    assert not out.parent.exists()


def test_the_bot_refuses_a_database_newer_than_the_program(
    config_path: Path, config: Config
) -> None:
    path = config.storage.path
    path.parent.mkdir(parents=True)
    newer = len(migrations()) + 1
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE from_the_future (note TEXT)")
        conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    before = path.read_bytes()

    result = _cli("run", "--config", str(config_path), env=_env(**{TOKEN_ENV: TOKEN}))

    assert result.returncode == 1
    assert f"phiên bản cấu trúc {newer}, mới hơn phiên bản {len(migrations())}" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


PEOPLE = [
    ("telegram", "101", "Nguyễn Văn An"),
    ("telegram", "102", "Trần Thị Bình"),
    ("zalo", "9", ""),
]
WHEN = "2026-11-28T08:00:00Z"


def _postgres_config(tmp_path: Path, url: str) -> Path:
    return write(tmp_path, ('path = "data/nghe-dan.sqlite3"', f'url = "{url}"'))


async def _fill(url: str) -> None:
    """A migrated database with a few rows written as plain SQL."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await migrate_postgres(conn)
        for channel, external_id, name in PEOPLE:
            await conn.execute(
                "INSERT INTO people (channel, external_id, display_name, created_at, updated_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                (channel, external_id, name, WHEN, WHEN),
            )
        await conn.execute("INSERT INTO case_sequences (year, last_number) VALUES (2026, 17)")


async def _read(url: str) -> tuple[list[tuple[object, ...]], ...]:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        people = await conn.execute(
            "SELECT id, channel, external_id, display_name FROM people ORDER BY id"
        )
        sequences = await conn.execute("SELECT year, last_number FROM case_sequences")
        version = await conn.execute("SELECT version FROM schema_version")
        return await people.fetchall(), await sequences.fetchall(), await version.fetchall()


def _pg_restore(cluster: Cluster, url: str, dump: Path) -> subprocess.CompletedProcess[str]:
    """The restore command `nghe-dan backup` prints, run as an operator would."""
    return subprocess.run(
        [cluster.bindir / "pg_restore", "--clean", "--if-exists", "-d", url, dump],
        env=cluster.environ(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _password(cluster: Cluster) -> str:
    return cluster.passfile.read_text(encoding="ascii").strip().rsplit(":", 1)[1]


async def test_a_postgres_backup_restores_into_a_fresh_database(
    postgres_cluster: Cluster, postgres_url: str, tmp_path: Path
) -> None:
    await _fill(postgres_url)
    config = _postgres_config(tmp_path, postgres_url)
    out = tmp_path / "backups" / "nghe-dan-2026-11-28.dump"
    out.parent.mkdir()

    done = _cli("backup", "--config", str(config), "--out", str(out))

    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name, files_beside(out).name]
    assert out.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    assert out.stat().st_mode & 0o077 == 0  # personal data: the owner's only
    version = len(postgres_migrations())
    size = out.stat().st_size
    assert done.stdout.splitlines() == [
        t("backup.postgres_done", url=postgres_url, path=out, size=size, version=version),
        t("backup.postgres_restore", url=postgres_url, path=out),
        t("backup.files_done", path=files_beside(out), count=0, size=0),
        t("backup.files_restore", path=files_beside(out), folder=tmp_path / "data" / "files"),
    ]
    assert _password(postgres_cluster) not in done.stdout + done.stderr

    # Restore as the message says, into a new empty database.
    fresh = postgres_cluster.url(postgres_cluster.create_database())
    try:
        restore = _pg_restore(postgres_cluster, fresh, out)
        assert restore.returncode == 0, restore.stderr
        people, sequences, versions = await _read(fresh)
        assert [row[1:] for row in people] == PEOPLE
        assert sequences == [(2026, 17)]
        assert versions == [(version,)]
        assert (people, sequences, versions) == await _read(postgres_url)
    finally:
        postgres_cluster.drop_database(fresh.rsplit("/", 1)[1])


async def test_a_failed_postgres_backup_keeps_the_older_one(
    postgres_cluster: Cluster, postgres_url: str, tmp_path: Path
) -> None:
    """pg_dump stops half-way on a table the bot's role may not read (one an administrator
    added by hand): its half-written copy goes, the older backup stays."""
    await _fill(postgres_url)
    admin = postgres_cluster.url(postgres_url.rsplit("/", 1)[1], ADMIN)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("CREATE TABLE admin_notes (note text)")
    config = _postgres_config(tmp_path, postgres_url)
    out = tmp_path / "backups" / "nghe-dan.dump"
    out.parent.mkdir()
    out.write_bytes(b"an older backup")

    done = _cli("backup", "--config", str(config), "--out", str(out))

    assert done.returncode == 1
    heading, detail = t("backup.postgres_failed", url=postgres_url, detail="|").split("|")
    assert done.stderr.startswith(heading)
    assert "permission denied for table admin_notes" in done.stderr
    assert detail.strip() in done.stderr
    assert out.read_bytes() == b"an older backup"
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


def test_without_pg_dump_the_backup_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://nghe_dan@db.tinh.example:5432/nghe_dan"
    config = _postgres_config(tmp_path, url)
    out = tmp_path / "nghe-dan.dump"
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres_backup, "DEBIAN_BINARIES", tmp_path / "no-postgresql")

    assert main(["backup", "--config", str(config), "--out", str(out)]) == 2

    _, err = capsys.readouterr()
    assert t("backup.no_pg_dump", url=url, path=out) in err
    assert "postgresql-client" in err
    assert f"pg_dump --format=custom --file={out} {url}" in err
    assert not out.exists()


def _program(path: Path) -> Path:
    path.parent.mkdir(parents=True)
    path.write_text("#!/bin/sh\n", encoding="ascii")
    path.chmod(0o755)
    return path


def test_pg_dump_is_taken_from_path_first_then_from_debians_newest_version(
    tmp_path: Path,
) -> None:
    debian = tmp_path / "postgresql"
    _program(debian / "9" / "bin" / "pg_dump")
    newest = _program(debian / "16" / "bin" / "pg_dump")
    _program(debian / "15" / "bin" / "pg_dump")
    on_path = _program(tmp_path / "bin" / "pg_dump")

    assert find_pg_dump(str(on_path.parent), debian) == on_path
    assert find_pg_dump(str(tmp_path / "empty"), debian) == newest
    assert find_pg_dump(str(tmp_path / "empty"), tmp_path / "empty") is None
