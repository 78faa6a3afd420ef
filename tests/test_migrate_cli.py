"""`nghe-dan migrate` as its own process, on the database the config names: a SQLite file or the
real PostgreSQL test server. It says what it applied, does nothing the second time, and refuses
a database newer than the program; report and export-audit read PostgreSQL too."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from bot.__main__ import main
from bot.config import TOKEN_ENV
from bot.texts import t
from storage.database import migrations
from storage.postgres_migrations import postgres_migrations
from tests.conftest import ROOT, TOKEN
from tests.support.config_files import write

SQLITE = 'path = "data/nghe-dan.sqlite3"'
NAMES = [name for _, name, _ in migrations()]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NGHE_DAN_", "PG"))}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def migrate(config: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "migrate", "--config", str(config)],
        cwd=ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def applied_lines(out: str) -> list[str]:
    return [
        line for line in out.splitlines() if line in {t("migrate.applied", name=n) for n in NAMES}
    ]


def _sqlite_tables(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()


def test_migrate_creates_a_sqlite_database_then_has_nothing_to_do(tmp_path: Path) -> None:
    config = write(tmp_path)
    database = tmp_path / "data" / "nghe-dan.sqlite3"

    first = migrate(config)
    assert first.returncode == 0, first.stderr
    assert applied_lines(first.stdout) == [t("migrate.applied", name=n) for n in NAMES]
    done = t("migrate.done", target=database, before=0, after=len(NAMES))
    assert done in first.stdout
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (len(NAMES),)
    schema = _sqlite_tables(database)

    again = migrate(config)
    assert again.returncode == 0, again.stderr
    assert applied_lines(again.stdout) == []
    assert t("migrate.up_to_date", target=database, version=len(NAMES)) in again.stdout
    assert _sqlite_tables(database) == schema


def test_migrate_refuses_a_newer_sqlite_database_untouched(tmp_path: Path) -> None:
    config = write(tmp_path)
    database = tmp_path / "data" / "nghe-dan.sqlite3"
    database.parent.mkdir()
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE from_the_future (note TEXT)")
        conn.execute(f"PRAGMA user_version = {len(NAMES) + 1}")
    before = database.read_bytes()

    done = migrate(config)
    assert done.returncode == 1
    assert t("database.newer", found=len(NAMES) + 1, known=len(NAMES)) in done.stderr
    assert applied_lines(done.stdout) == []
    assert database.read_bytes() == before


def _pg_version(url: str) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else None


def test_migrate_builds_the_schema_on_postgresql_then_has_nothing_to_do(
    tmp_path: Path, postgres_url: str
) -> None:
    config = write(tmp_path, (SQLITE, f'url = "{postgres_url}"'))
    passfile = os.environ["PGPASSFILE"]

    first = migrate(config, PGPASSFILE=passfile)
    assert first.returncode == 0, first.stderr
    assert applied_lines(first.stdout) == [t("migrate.applied", name=n) for n in NAMES]
    done = t("migrate.done", target=postgres_url, before=0, after=len(NAMES))
    assert done in first.stdout
    assert _pg_version(postgres_url) == len(postgres_migrations())

    again = migrate(config, PGPASSFILE=passfile)
    assert again.returncode == 0, again.stderr
    assert applied_lines(again.stdout) == []
    assert t("migrate.up_to_date", target=postgres_url, version=len(NAMES)) in again.stdout
    assert not (tmp_path / "data").exists()


def test_migrate_refuses_a_newer_postgresql_database_untouched(
    tmp_path: Path, postgres_url: str
) -> None:
    config = write(tmp_path, (SQLITE, f'url = "{postgres_url}"'))
    passfile = os.environ["PGPASSFILE"]
    assert migrate(config, PGPASSFILE=passfile).returncode == 0
    newer = len(NAMES) + 1
    with psycopg.connect(postgres_url) as conn:
        conn.execute("UPDATE schema_version SET version = %s", (newer,))

    done = migrate(config, PGPASSFILE=passfile)
    assert done.returncode == 1
    message = t("migrate.newer_server", target=postgres_url, found=newer, known=len(NAMES))
    assert message in done.stderr
    assert _pg_version(postgres_url) == newer


def test_migrate_without_the_password_fails_and_says_why(tmp_path: Path, postgres_url: str) -> None:
    """The password is only where libpq looks for it: without PGPASSFILE there is none."""
    config = write(tmp_path, (SQLITE, f'url = "{postgres_url}"'))
    done = migrate(config, PGPASSFILE=str(tmp_path / "no-such-file"))
    assert done.returncode == 1
    assert done.stderr.startswith(t("migrate.failed", target=postgres_url, detail=""))
    assert "no password supplied" in done.stderr


URL = "postgresql://nghe_dan@db.tinh.example:5432/nghe_dan"


def test_report_and_export_audit_read_postgresql(
    tmp_path: Path,
    postgres_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The commands that read the commune's data read the PostgreSQL database the config
    names (migrating an empty one first), never a SQLite file beside the config."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    config = write(tmp_path, (SQLITE, f'url = "{postgres_url}"'))
    out = tmp_path / "r.xlsx"
    period = ["--from", "2026-01-01", "--to", "2026-03-31"]
    assert main(["report", "--config", str(config), *period, "--out", str(out)]) == 0
    assert out.stat().st_size > 0
    assert main(["export-audit", "--config", str(config), "--code", "SN-2026-00001"]) == 1
    _, err = capsys.readouterr()
    assert t("audit.not_found", code="SN-2026-00001", path=postgres_url) in err
    assert not (tmp_path / "data").exists()
