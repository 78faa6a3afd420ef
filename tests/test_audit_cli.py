"""`nghe-dan export-audit`, run as its own process on the database the bot wrote: the whole
case and every event in full, without a bot token; an unknown code is an error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.config import TOKEN_ENV, Config
from storage.database import Database
from tests.conftest import ROOT
from tests.services.factories import complaint
from tests.services.test_casework_service import (
    OFFICE,
    accept,
    ask,
    denunciation,
    file,
    resolve,
    step,
    world,
    writes,
)
from tests.support.clock import FixedClock
from tests.support.config_files import write

QUESTION = "Ông/bà cho biết diện tích bị lấn chiếm cụ thể? " + "Xin mô tả mốc giới. " * 30
RESULT = "Đã đo đạc lại ranh giới cùng hai hộ. " + "Các bên thống nhất cắm mốc mới. " * 30


def export(config_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    return subprocess.run(
        [sys.executable, "-m", "bot", "export-audit", "--config", str(config_path), *args],
        cwd=ROOT,
        env={**env, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


async def _case(db: Database, clock: FixedClock, config: Config) -> str:
    w = await world(db, clock, config)
    ticket = await file(w, complaint("audit"))
    await step(w, ticket.id, accept(w, OFFICE, ticket.id))
    await step(w, ticket.id, ask(w, OFFICE, ticket.id, QUESTION))
    await step(w, ticket.id, writes(w, ticket.id, "Khoảng 30 cm dọc tường rào phía Đông."))
    await step(w, ticket.id, resolve(w, OFFICE, ticket.id, RESULT))
    return ticket.code


async def test_the_whole_record_is_printed(
    db: Database, clock: FixedClock, config: Config, config_path: Path
) -> None:
    code = await _case(db, clock, config)
    assert len(QUESTION) > 300, "longer than the officers' view shows"
    assert len(RESULT) > 300

    done = export(config_path, "--code", code.lower())
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"HỒ SƠ {code}" in out
    assert "Loại: Khiếu nại · Lĩnh vực: Đất đai, xây dựng" in out
    assert "Người gửi: Trần Văn Hùng, 0912345678, Số 12, thôn Đoài, xã Sơn Ninh" in out
    assert "Nhận lúc: 28/11/2026 09:31" in out, "local time, not UTC"
    assert "Nhà bên cạnh xây lấn sang đất" in out
    assert QUESTION.strip() in out, "notes in full"
    assert RESULT.strip() in out
    history = out.split("Lịch sử hồ sơ:")[1]
    actions = [line.split(" · ")[2] for line in history.splitlines() if line.startswith("• ")]
    assert [a.split(" (")[0] for a in actions] == [
        "Gửi đơn",
        "Tiếp nhận, thụ lý",
        "Yêu cầu bổ sung",
        "Người dân trả lời",
        "Giải quyết",
    ]
    assert "(Đang xử lý → Đã giải quyết)" in actions[-1]
    assert "Trần Thị Bình (Công chức Văn phòng) · Giải quyết" in history
    assert "Người dân Trần Văn Hùng · Gửi đơn" in history


async def test_json_for_programs(
    db: Database, clock: FixedClock, config: Config, config_path: Path
) -> None:
    code = await _case(db, clock, config)
    done = export(config_path, "--code", code, "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["code"] == code
    assert record["kind"] == "complaint"
    assert record["status"] == "resolved"
    assert record["contact"]["phone"] == "0912345678"
    assert record["received_at"].startswith("2026-11-28T09:31")
    assert record["received_at"].endswith("+07:00")
    assert [e["action"] for e in record["history"]] == [
        "submitted",
        "accept",
        "ask",
        "citizen_reply",
        "resolve",
    ]
    assert record["history"][-1]["note"] == RESULT.strip()
    assert record["history"][-1]["actor"] == "Trần Thị Bình (Công chức Văn phòng)"


async def test_an_unknown_code_is_an_error(
    db: Database, clock: FixedClock, config: Config, config_path: Path
) -> None:
    await _case(db, clock, config)
    done = export(config_path, "--code", "SN-2026-09999")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Không có hồ sơ SN-2026-09999" in done.stderr


def test_no_database_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = write(elsewhere, ('path = "data/nghe-dan.sqlite3"', 'path = "missing.sqlite3"'))
    done = export(path, "--code", "SN-2026-00001")
    assert done.returncode == 1
    assert "Chưa có cơ sở dữ liệu" in done.stderr
    assert not (elsewhere / "missing.sqlite3").exists()


async def test_a_sealed_identity_stays_sealed_in_the_export(
    db: Database, clock: FixedClock, config: Config, config_path: Path
) -> None:
    """The operator's export never opens a seal: only a leader does, in the chat, recorded."""
    w = await world(db, clock, config)
    code = (await file(w, denunciation("audit-sealed"))).code
    text = export(config_path, "--code", code)
    assert text.returncode == 0, text.stderr
    assert "danh tính được mã hóa" in text.stdout
    assert "Người tố cáo · Gửi đơn" in text.stdout
    as_json = export(config_path, "--code", code, "--json")
    record = json.loads(as_json.stdout)
    assert record["contact"] == record["account"] == "sealed"
    for output in (text.stdout, as_json.stdout):
        assert "Trần Văn Hùng" not in output
        assert "0912345678" not in output
