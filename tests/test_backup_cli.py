"""`nghe-dan backup` as its own process while cases are being filed, then a restore of the copy
as the README describes; and `nghe-dan run` refusing a database newer than the program."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.config import TOKEN_ENV, Config
from storage.database import Database, migrations
from storage.sqlite import SqliteDatabase
from tests.conftest import ROOT, TOKEN
from tests.services.factories import complaint
from tests.services.test_casework_service import file, world
from tests.support.clock import FixedClock

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
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no WAL, no leftovers

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
