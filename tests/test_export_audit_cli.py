"""`nghe-dan export-audit --out case.zip`, run as its own process on the database and the file
store the bot wrote (SQLite or PostgreSQL; a folder or an S3-compatible store): the record, every
kept file, and hashes that match the member files, SHA256SUMS and the database; a sealed case's
files opened with the difference of hashes stated and no identity written; the export in the
case's history; and nothing written on a bad request.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from bot.config import DATABASE_URL_ENV, SECRET_KEY_ENV, TOKEN_ENV, Config
from storage.database import Database
from tests.conftest import ROOT, SECRET_KEY
from tests.services.factories import fetch
from tests.services.test_file_keeping import photos
from tests.services.test_report_attachments import (
    DENOUNCER_FILE,
    OGG,
    PDF,
    SEALED_PDF,
    filed_with_files,
)
from tests.support.clock import FixedClock
from tests.support.config_files import write
from tests.support.s3 import KEY_ID, REGION, SECRET, s3_server


def export(
    config: Config, config_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command as the operator types it, on the test's database (PostgreSQL by its URL)."""
    base = {k: v for k, v in os.environ.items() if k not in (TOKEN_ENV, DATABASE_URL_ENV)}
    if config.storage.url is not None and config_path.exists():
        base[DATABASE_URL_ENV] = config.storage.url
        config_path = on_postgres(config, config_path)
    return subprocess.run(
        [sys.executable, "-m", "bot", "export-audit", "--config", str(config_path), *args],
        cwd=ROOT,
        env={**base, SECRET_KEY_ENV: SECRET_KEY, "PYTHONIOENCODING": "utf-8", **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def on_postgres(config: Config, config_path: Path) -> Path:
    """The config file for PostgreSQL (its URL in the environment): no SQLite path, and the
    files where the tests' keeper put them, beside the SQLite path the example names."""
    text = config_path.read_text(encoding="utf-8")
    in_s3 = re.search(r"^files_url *=", text, re.MULTILINE) is not None
    files = "" if in_s3 else f'files = "{config.storage.files_folder}"'
    text = text.replace('path = "data/nghe-dan.sqlite3"', files)
    path = config_path.parent / "pg" / "config.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def checked(files: dict[str, bytes]) -> dict[str, str]:
    """SHA256SUMS read as `sha256sum -c` reads it, each line checked against its member; every
    member but SHA256SUMS itself is listed."""
    sums = {}
    for line in files["SHA256SUMS"].decode("utf-8").splitlines():
        sha256, name = line.split("  ", 1)
        assert hashlib.sha256(files[name]).hexdigest() == sha256, name
        sums[name] = sha256
    assert set(sums) == set(files) - {"SHA256SUMS"}
    return sums


async def recorded(db: Database, code: str) -> list[tuple[int, str, str | None]]:
    rows = await fetch(
        db,
        "SELECT a.position, f.status, f.sha256 FROM attachments a "
        "JOIN attachment_files f ON f.attachment_id = a.id JOIN tickets t ON t.id = a.ticket_id "
        "WHERE t.code = ? ORDER BY a.position",
        (code,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def trail(db: Database, code: str, action: str) -> list[str]:
    rows = await fetch(
        db,
        "SELECT e.note FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        "WHERE t.code = ? AND e.action = ? ORDER BY e.id",
        (code, action),
    )
    return [str(r[0]) for r in rows]


async def test_the_case_and_its_files_with_hashes_that_match_the_database(
    db: Database, clock: FixedClock, config: Config, config_path: Path, tmp_path: Path
) -> None:
    filed = await filed_with_files(db, clock, config)
    out = tmp_path / "case.zip"
    printed = export(config, config_path, "--code", filed.complete)

    done = export(config, config_path, "--code", filed.complete.lower(), "--out", str(out))

    assert done.returncode == 0, done.stderr
    assert f"Đã ghi hồ sơ {filed.complete} ra tệp {out}: 5 tệp đính kèm" in done.stdout
    files = members(out)
    sums = checked(files)
    assert sorted(n for n in files if n.startswith("files/")) == [
        "files/01-anh.jpg",
        "files/02-anh.jpg",
        "files/03-anh.jpg",
        "files/04-thoai.ogg",
        "files/05-bảnđồ.pdf",  # the citizen's own name, without its path or its hidden mark
    ]
    assert files["files/01-anh.jpg"] == photos()["file-a"]
    assert files["files/04-thoai.ogg"] == OGG
    assert files["files/05-bảnđồ.pdf"] == PDF
    manifest = json.loads(files["manifest.json"])
    assert manifest["code"] == filed.complete
    assert manifest["sealed"] is False
    assert manifest["exported_at"].endswith("+07:00")
    kept = await recorded(db, filed.complete)
    assert [(f["position"], f["state"], f["recorded_sha256"]) for f in manifest["files"]] == kept
    for entry in manifest["files"]:
        assert entry["sha256"] == sums[entry["name"]] == entry["recorded_sha256"]
        assert entry["recorded_sha256_in_trail"] is True
    assert [f["kind"] for f in manifest["files"]] == ["photo"] * 3 + ["voice", "document"]
    assert manifest["files"][3]["media_type"] == "audio/ogg"
    assert manifest["files"][3]["size"] == len(OGG)
    # Each hash is the one the audit trail recorded when the file was kept.
    notes = await trail(db, filed.complete, "file_kept")
    for _, _, sha256 in kept:
        assert any(f"sha256:{sha256}" in note for note in notes)

    assert files["record.txt"].decode("utf-8") == printed.stdout, "what the command prints"
    assert json.loads(files["record.json"])["code"] == filed.complete
    # The export is in the case's history: who, when, which file.
    [note] = await trail(db, filed.complete, "audit_exported")
    assert "xuất hồ sơ ra tệp case.zip (5 tệp đính kèm)" in note
    again = export(config, config_path, "--code", filed.complete)
    assert "Quản trị máy chủ · Xuất hồ sơ và tệp đính kèm" in again.stdout
    assert [n for n in left_in(tmp_path) if "zip" in n] == ["case.zip"], "no temporary file"


async def test_a_sealed_case_is_exported_opened_and_says_which_hash_is_which(
    db: Database, clock: FixedClock, config: Config, config_path: Path, tmp_path: Path
) -> None:
    filed = await filed_with_files(db, clock, config)
    out = tmp_path / "to-cao.zip"

    done = export(config, config_path, "--code", filed.sealed, "--out", str(out))

    assert done.returncode == 0, done.stderr
    files = members(out)
    sums = checked(files)
    assert sorted(n for n in files if n.startswith("files/")) == [
        "files/01-anh.jpg",
        "files/02-tai-lieu.pdf",  # never the document's own name, which names the denouncer
    ]
    assert files["files/01-anh.jpg"] == photos()["file-a"]
    assert files["files/02-tai-lieu.pdf"] == SEALED_PDF
    manifest = json.loads(files["manifest.json"])
    assert manifest["sealed"] is True
    assert "bản mã hóa" in manifest["hashes"]
    kept = await recorded(db, filed.sealed)
    for entry, (_, _, stored) in zip(manifest["files"], kept, strict=True):
        assert entry["recorded_sha256"] == stored
        assert entry["recorded_sha256_in_trail"] is True
        assert entry["sha256"] == sums[entry["name"]] != stored, "the opened file's own hash"
        assert entry["sha256"] == hashlib.sha256(files[entry["name"]]).hexdigest()
    for name, data in files.items():
        for secret in ("Trần Văn Hùng", "0912345678", "Số 12, thôn Đoài", DENOUNCER_FILE):
            assert secret.encode("utf-8") not in data, (name, secret)
    [note] = await trail(db, filed.sealed, "audit_exported")
    assert "đã mở mã hóa" in note


async def test_files_not_kept_are_stated_not_invented(
    db: Database, clock: FixedClock, config: Config, config_path: Path, tmp_path: Path
) -> None:
    filed = await filed_with_files(db, clock, config)
    out = tmp_path / "case.zip"

    done = export(config, config_path, "--code", filed.failing, "--out", str(out))

    assert done.returncode == 0, done.stderr
    assert "0 tệp đính kèm" in done.stdout
    assert "Tệp 1 không có trong tệp nén: Đang tải" in done.stderr
    assert "Tệp 2 không có trong tệp nén: Không lấy được" in done.stderr
    files = members(out)
    checked(files)
    assert [n for n in files if n.startswith("files/")] == []
    manifest = json.loads(files["manifest.json"])
    assert [(f["state"], f["name"], f["sha256"]) for f in manifest["files"]] == [
        ("pending", None, None),
        ("failed", None, None),
    ]


async def test_a_file_gone_from_the_store_is_missing_and_a_changed_one_damaged(
    db: Database, clock: FixedClock, config: Config, config_path: Path, tmp_path: Path
) -> None:
    filed = await filed_with_files(db, clock, config)
    kept = await recorded(db, filed.complete)
    store = config.storage.files_folder
    a, shared = kept[0][2], kept[1][2]
    assert a is not None
    assert shared is not None
    (store / a[:2] / a[2:4] / a).unlink()
    (store / shared[:2] / shared[2:4] / shared).write_bytes(b"\xff\xd8\xff changed")
    out = tmp_path / "case.zip"

    done = export(config, config_path, "--code", filed.complete, "--out", str(out))

    assert done.returncode == 0, done.stderr
    manifest = json.loads(members(out)["manifest.json"])
    assert [f["state"] for f in manifest["files"]] == [
        "missing",
        "damaged",
        "damaged",
        "kept",
        "kept",
    ]
    checked(members(out))


async def test_bad_requests_write_nothing(
    db: Database, clock: FixedClock, config: Config, config_path: Path, tmp_path: Path
) -> None:
    filed = await filed_with_files(db, clock, config)
    out = tmp_path / "case.zip"

    unknown = export(config, config_path, "--code", "SN-2026-09999", "--out", str(out))
    assert unknown.returncode == 1
    assert "Không có hồ sơ SN-2026-09999" in unknown.stderr
    assert not out.exists()

    out.write_bytes(b"an earlier export")
    exists = export(config, config_path, "--code", filed.complete, "--out", str(out))
    assert exists.returncode == 1
    assert "đã có; không ghi đè" in exists.stderr
    assert out.read_bytes() == b"an earlier export"

    nowhere = tmp_path / "no-such-folder" / "case.zip"
    cannot = export(config, config_path, "--code", filed.complete, "--out", str(nowhere))
    assert cannot.returncode == 1
    assert "Không ghi được tệp" in cannot.stderr
    assert not nowhere.parent.exists()

    missing = export(config, tmp_path / "missing.toml", "--code", filed.complete, "--out", "x.zip")
    assert missing.returncode == 1
    assert "missing.toml" in missing.stderr
    assert [n for n in left_in(tmp_path) if "zip" in n] == ["case.zip"]
    assert await trail(db, filed.complete, "audit_exported") == [], "no export, no event"


async def test_from_an_s3_compatible_store(
    db: Database, clock: FixedClock, config: Config, tmp_path: Path
) -> None:
    with s3_server() as s3:
        store = f'files_url = "s3://{s3.bucket}/xa-dong"\nfiles_endpoint = "{s3.endpoint}"\n'
        path = write(
            tmp_path,
            ('# files_url = "s3://nghe-dan/xa-dong"\n', f'{store}files_region = "{REGION}"\n'),
        )
        filed = await filed_with_files(db, clock, config, s3.store("xa-dong"))
        out = tmp_path / "case.zip"
        keys = {"NGHE_DAN_S3_ACCESS_KEY_ID": KEY_ID, "NGHE_DAN_S3_SECRET_ACCESS_KEY": SECRET}
        done = export(config, path, "--code", filed.complete, "--out", str(out), env=keys)
    assert done.returncode == 0, done.stderr
    files = members(out)
    checked(files)
    assert files["files/01-anh.jpg"] == photos()["file-a"]
    assert files["files/04-thoai.ogg"] == OGG
    assert not config.storage.files_folder.exists(), "read from the object store"
