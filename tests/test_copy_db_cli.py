"""`nghe-dan copy-db` as its own process: a commune's SQLite file, built through the services,
copied into the real PostgreSQL test server, with a summary per table; a second run into the
now filled database is refused (exit 2) and changes nothing. Every other refusal says why, exits
2 and writes nothing: a password in the URL, a missing or older SQLite file, a config that
already names PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest

from bot.__main__ import main
from bot.config import Config
from bot.texts import t
from storage.database import Database, migrations
from tests.conftest import ROOT
from tests.storage.test_copying import build_commune, pg_counts, pg_tables, sqlite_tables
from tests.support.clock import FixedClock
from tests.support.config_files import write

SQLITE = 'path = "data/nghe-dan.sqlite3"'


def copy_db(config: Path, to: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NGHE_DAN_", "PG"))}
    env |= {"PYTHONIOENCODING": "utf-8", "PGPASSFILE": os.environ["PGPASSFILE"]}
    return subprocess.run(
        [sys.executable, "-m", "bot", "copy-db", "--config", str(config), "--to", to],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def sqlite_counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {
            name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in sqlite_tables(path)
        }


@pytest.fixture
def pg(postgres_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        yield conn


async def test_copy_db_copies_the_commune_then_refuses_the_filled_target(
    db: Database,
    clock: FixedClock,
    config: Config,
    config_path: Path,
    postgres_url: str,
    pg: psycopg.Connection[tuple[object, ...]],
) -> None:
    await build_commune(db, clock, config)
    await db.close()
    source = config.storage.path
    counts = sqlite_counts(source)

    done = copy_db(config_path, postgres_url)

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == t("copy_db.done", source=source, target=postgres_url)
    shown = [t("copy_db.table", table=name, count=count) for name, count in sorted(counts.items())]
    assert lines[1 : 1 + len(shown)] == shown
    assert pg_counts(pg) == counts

    again = copy_db(config_path, postgres_url)

    assert again.returncode == 2
    tables = ", ".join(name for name, count in sorted(counts.items()) if count)
    assert t("copy_db.not_empty", target=postgres_url, tables=tables) in again.stderr
    assert pg_counts(pg) == counts


def test_a_url_with_a_password_is_refused_and_never_shown(
    config_path: Path,
    postgres_url: str,
    pg: psycopg.Connection[tuple[object, ...]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    with_password = postgres_url.replace("nghe_dan@", "nghe_dan:bi-mat-42@")

    with pytest.raises(SystemExit) as refused:
        main(["copy-db", "--config", str(config_path), "--to", with_password])

    assert refused.value.code == 2
    out, err = capsys.readouterr()
    assert t("config.storage_url_password") in err
    assert "bi-mat-42" not in out + err
    assert pg_tables(pg) == []


def test_a_url_that_is_not_postgresql_is_refused(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["copy-db", "--config", str(config_path), "--to", "mysql://root@db/xa"])
    assert refused.value.code == 2
    assert t("config.storage_url_bad") in capsys.readouterr().err


def test_a_missing_sqlite_file_is_refused(
    config: Config,
    config_path: Path,
    postgres_url: str,
    pg: psycopg.Connection[tuple[object, ...]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["copy-db", "--config", str(config_path), "--to", postgres_url]) == 2
    _, err = capsys.readouterr()
    assert t("copy_db.no_database", path=config.storage.path) in err
    assert not config.storage.path.exists()
    assert pg_tables(pg) == []


def test_an_older_sqlite_file_is_refused_with_the_way_to_migrate_it(
    config: Config,
    config_path: Path,
    postgres_url: str,
    pg: psycopg.Connection[tuple[object, ...]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = config.storage.path
    source.parent.mkdir()
    with closing(sqlite3.connect(source, isolation_level=None)) as conn:
        conn.executescript(migrations()[0][2])
        conn.execute("PRAGMA user_version = 1")

    assert main(["copy-db", "--config", str(config_path), "--to", postgres_url]) == 2

    _, err = capsys.readouterr()
    message = t(
        "copy_db.source_older", path=source, found=1, known=len(migrations()), config=config_path
    )
    assert message in err
    assert pg_tables(pg) == []


def test_a_config_that_names_postgresql_already_is_refused(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, (SQLITE, f'url = "{postgres_url}"'))
    assert main(["copy-db", "--config", str(config), "--to", postgres_url]) == 2
    assert t("copy_db.config_names_postgres", url=postgres_url) in capsys.readouterr().err
