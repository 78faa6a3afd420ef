"""`nghe-dan report` as the commune's IT officer runs it: a real process, a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.config import TOKEN_ENV, Config
from storage.sqlite import SqliteDatabase
from tests.conftest import ROOT
from tests.services.test_reports import CASES, put_cases
from tests.support.clock import FixedClock


def nghe_dan(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
async def filled(config: Config, config_path: Path, clock: FixedClock) -> Path:
    """The example config (no token) over a database holding the November fixture."""
    db = await SqliteDatabase.open(config.storage.path)
    try:
        await put_cases(db, config, clock, CASES)
    finally:
        await db.close()
    return config_path


def test_writes_the_workbook_and_chart_and_prints_the_summary(filled: Path, tmp_path: Path) -> None:
    out, chart = tmp_path / "report.xlsx", tmp_path / "chart.png"
    done = nghe_dan(
        "report", "--config", str(filled), "--from", "2026-11-01", "--to", "2026-11-30",
        "--out", str(out), "--chart", str(chart),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Kỳ báo cáo: 01/11/2026 – 30/11/2026" in done.stdout
    assert "Tổng số hồ sơ nhận: 9" in done.stdout
    assert "Người Tố Cáo Kín" not in done.stdout
    book = load_workbook(BytesIO(out.read_bytes()))
    assert book["Danh sách hồ sơ"].max_row == 2 + 9
    with Image.open(chart) as image:
        assert image.format == "PNG"


def test_an_empty_period_writes_a_file_with_zeros(filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    done = nghe_dan(
        "report", "--config", str(filled), "--from", "2025-01-01", "--to", "2025-01-31",
        "--out", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Tổng số hồ sơ nhận: 0" in done.stdout
    assert load_workbook(out)["Danh sách hồ sơ"].max_row == 2


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2026-13-01", "2026-12-31", "năm-tháng-ngày"),
        ("01/01/2026", "2026-03-31", "năm-tháng-ngày"),
        ("2026-03-31", "2026-01-01", "Ngày bắt đầu đang sau ngày kết thúc"),
        ("2099-01-01", "2099-01-31", "Ngày bắt đầu chưa đến"),
        ("1990-01-01", "2026-01-01", "dài quá 5 năm"),
    ],
)
def test_bad_dates_exit_2(
    filled: Path, tmp_path: Path, start: str, end: str, expected: str
) -> None:
    out = tmp_path / "x.xlsx"
    done = nghe_dan(
        "report", "--config", str(filled), "--from", start, "--to", end, "--out", str(out)
    )
    assert done.returncode == 2
    assert expected in done.stderr
    assert not out.exists()


def test_a_bad_config_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("[commune]\nname = 'x'\n", encoding="utf-8")
    done = nghe_dan(
        "report", "--config", str(bad), "--from", "2026-01-01", "--to", "2026-01-31",
        "--out", str(tmp_path / "x.xlsx"),
    )  # fmt: skip
    assert done.returncode == 1
    assert "config.toml" in done.stderr
