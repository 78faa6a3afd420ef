"""deploy/: the systemd units pass systemd's own check and start command lines this program
accepts; nginx hands each webhook to every process, on the ports the processes listen on with
the guide's offsets; and `run --port-offset` moves every port a process listens on, and only
those."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.cli_args import build_parser
from bot.config import TOKEN_ENV, Config, load_config, with_port_offset
from bot.texts import t
from tests.conftest import ROOT, TOKEN
from tests.e2e.harness import NGHE_DAN
from tests.support.config_files import ENV, write

DEPLOY = ROOT / "deploy"
TEMPLATE = DEPLOY / "systemd" / "nghe-dan@.service"
MIGRATE = DEPLOY / "systemd" / "nghe-dan-migrate.service"
NGINX = DEPLOY / "nginx" / "nghe-dan.conf"
GUIDE = DEPLOY / "README.md"
INSTALLED = "/opt/nghe-dan/current/.venv/bin/nghe-dan"  # where the guide installs the program
CONFIG = Path("/etc/nghe-dan/config.toml")


def _offsets() -> dict[str, int]:
    """Each instance and its port offset, as the guide writes /etc/nghe-dan/instance-*.env."""
    found = re.findall(
        r"echo PORT_OFFSET=(\d+) \| sudo tee /etc/nghe-dan/instance-(\w+)\.env",
        GUIDE.read_text(encoding="utf-8"),
    )
    return {name: int(offset) for offset, name in found}


def _exec_start(unit: Path) -> list[str]:
    [line] = [
        line
        for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith("ExecStart=")
    ]
    return shlex.split(line.removeprefix("ExecStart="))


def _example() -> Config:
    return load_config(ROOT / "config.example.toml", environ=ENV, need_token=False)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    """As installed, but with this checkout's program, which systemd checks is executable."""
    copies = []
    for unit in (TEMPLATE, MIGRATE):
        copy = tmp_path / unit.name
        copy.write_text(
            unit.read_text(encoding="utf-8").replace(INSTALLED, str(NGHE_DAN)), encoding="utf-8"
        )
        copies.append(copy)
    instance = tmp_path / "nghe-dan@a.service"
    shutil.copy(copies[0], instance)

    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, [*copies, instance])],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if "nghe-dan" in line] == []


def test_the_units_start_real_command_lines() -> None:
    offsets = _offsets()
    assert sorted(offsets) == ["a", "b", "c"]
    parser = build_parser({})
    run = _exec_start(TEMPLATE)
    assert run[0] == INSTALLED
    for name, offset in offsets.items():
        words = [w.replace("%i", name).replace("${PORT_OFFSET}", str(offset)) for w in run[1:]]
        args = parser.parse_args(words)
        assert (args.command, args.config, args.instance) == ("run", CONFIG, name)
        assert args.port_offset == offset
    migrate = _exec_start(MIGRATE)
    assert migrate[0] == INSTALLED
    args = parser.parse_args(migrate[1:])
    assert (args.command, args.config) == ("migrate", CONFIG)
    template = TEMPLATE.read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/nghe-dan/instance-%i.env" in template
    assert f"Requires={MIGRATE.name}" in template


def test_nginx_hands_each_webhook_to_every_process() -> None:
    text = NGINX.read_text(encoding="utf-8")
    upstreams = {
        name: [int(port) for port in re.findall(r"server 127\.0\.0\.1:(\d+)", body)]
        for name, body in re.findall(r"upstream (\w+) \{(.*?)\}", text, re.DOTALL)
    }
    processes = [with_port_offset(_example(), offset) for offset in _offsets().values()]
    assert upstreams == {
        "nghe_dan_telegram": [config.telegram.port for config in processes],
        "nghe_dan_zalo": [config.zalo.port for config in processes],
        "nghe_dan_health": [config.monitoring.port for config in processes],
    }
    locations = dict(re.findall(r"location = (\S+) \{.*?proxy_pass http://(\w+);", text, re.DOTALL))
    guide = GUIDE.read_text(encoding="utf-8")
    webhooks = re.findall(r'webhook_url = "https://bot\.tinh\.gov\.vn(/[^"]*)"', guide)
    assert webhooks == ["/telegram/nghe-dan", "/zalo"]
    assert locations == {
        webhooks[0]: "nghe_dan_telegram",
        webhooks[1]: "nghe_dan_zalo",
        "/healthz": "nghe_dan_health",
    }


def test_a_port_offset_moves_every_port_a_process_listens_on_and_nothing_else() -> None:
    config = _example()
    moved = with_port_offset(config, 10)
    assert (moved.telegram.port, moved.zalo.port, moved.monitoring.port) == (8453, 8454, 9474)
    back = {
        name: getattr(moved, name).model_copy(update={"port": getattr(config, name).port})
        for name in ("telegram", "zalo", "monitoring")
    }
    assert moved.model_copy(update=back) == config
    assert with_port_offset(config, 0) is config


def test_a_port_past_65535_stops_the_process_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    config = write(tmp_path)
    assert main(["run", "--config", str(config), "--port-offset", "60000"]) == 2
    _, err = capsys.readouterr()
    assert t("cli.port_offset_too_big", offset=60000, port=68443) in err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("value", ["-1", "ten", "1.5"])
def test_a_port_offset_that_is_no_whole_number_is_a_wrong_command_line(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["run", "--port-offset", value])
    assert caught.value.code == 2
    assert t("cli.bad_port_offset", value=value) in capsys.readouterr().err
