"""[monitoring]: off by default, on the machine itself when on, a port that exists, and
check-config's summary saying where /healthz and /metrics answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import TOKEN_ENV, load_config
from bot.texts import t
from tests.conftest import TOKEN
from tests.support.config_files import ENV, EXAMPLE, problems, write

ENABLED = ("# enabled = true", "enabled = true")


def test_off_by_default_on_the_machine_itself(tmp_path: Path) -> None:
    start = EXAMPLE.index("[monitoring]")
    end = EXAMPLE.index("port = 9464\n", start) + len("port = 9464\n")
    monitoring = load_config(write(tmp_path, (EXAMPLE[start:end], "")), environ=ENV).monitoring
    assert (monitoring.enabled, monitoring.listen, monitoring.port) == (False, "127.0.0.1", 9464)


def test_read_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, ENABLED, ("port = 9464", "port = 9100"))
    monitoring = load_config(path, environ=ENV).monitoring
    assert (monitoring.enabled, monitoring.port) == (True, 9100)


@pytest.mark.parametrize("port", ["0", "65536", '"cổng"'])
def test_a_port_that_does_not_exist_is_refused(tmp_path: Path, port: str) -> None:
    found = problems(write(tmp_path, ("port = 9464", f"port = {port}")))
    assert [p.path for p in found] == ["monitoring.port"]


@pytest.mark.parametrize(
    ("edits", "line"),
    [
        ((), t("config.summary.monitoring_off")),
        ((ENABLED,), t("config.summary.monitoring", listen="127.0.0.1", port=9464)),
    ],
)
def test_check_config_says_where_it_listens(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    edits: tuple[tuple[str, str], ...],
    line: str,
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert main(["check-config", "--config", str(write(tmp_path, *edits))]) == 0
    assert line in capsys.readouterr().out
