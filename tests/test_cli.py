"""The command line speaks to a commune's IT person as the README does: Vietnamese first, English
beside it, in its help and in its errors alike."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.cli_args import build_parser
from bot.texts import catalog, t
from tests.test_texts import VIETNAMESE

COMMANDS = (
    "run",
    "check-config",
    "demo",
    "export-audit",
    "report",
    "backup",
    "gen-key",
    "migrate",
    "copy-db",
)


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as caught:
        main([*args, "--help"])
    assert caught.value.code == 0
    return capsys.readouterr().out


def test_the_help_lists_each_command_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys)
    assert out.startswith(t("cli.usage"))
    out = " ".join(out.split())  # as wrapped to the terminal's width
    for key in ("cli.run", "cli.check_config", "cli.demo", "cli.report", "cli.help"):
        vietnamese, english = t(key).split(" / ", 1)
        assert vietnamese in out
        assert english in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_says_what_it_is_for(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _help(capsys, command)
    assert out.startswith(t("cli.usage"))
    assert t("cli.options") in out
    parser = build_parser({})
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for action in subparsers.choices[command]._actions:
        assert action.help, (command, action.option_strings)
        assert " / " in action.help, (command, action.option_strings)


@pytest.mark.parametrize(
    "command", ["run", "check-config", "report", "backup", "export-audit", "migrate", "copy-db"]
)
def test_the_config_option_names_its_default(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = " ".join(_help(capsys, command).split())
    assert "--config CONFIG" in out
    assert "(mặc định / default: config.toml)" in out


def test_a_wrong_command_line_is_explained_in_both_languages(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["report", "--from", "2026-01-01"])
    assert caught.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(t("cli.usage"))
    detail = "the following arguments are required: --to, --out"
    assert t("cli.error", prog="nghe-dan report", detail=detail) in err
    assert t("cli.see_help", prog="nghe-dan report") in err


@pytest.mark.parametrize(
    "key",
    [
        "config.invalid",
        "config.invalid_one",
        "config.valid",
        "config.no_file",
        "config.not_toml",
        "config.missing",
        "config.unknown_field",
        "config.bad_format",
        "config.too_short",
        "config.too_long",
        "config.bad_value",
        "config.too_big",
        "config.too_small",
        "config.not_above",
        "config.not_below",
        "config.not_text",
        "config.not_whole_number",
        "config.not_number",
        "config.not_true_false",
        "config.not_list",
        "config.not_table",
        "config.not_date",
        "config.not_one_of",
        "config.duplicate",
        "config.unknown_department",
        "config.unknown_category",
        "config.missing_token",
        "config.bad_timezone",
        "config.bad_token",
        "config.bad_time",
        "config.chairman_not_officer",
        "audit.no_database",
        "audit.not_found",
        "report.cli.bad_date",
        "report.cli.bad_period",
        "report.cli.no_database",
        "report.cli.cannot_write",
        "report.cli.written",
        "backup.no_database",
        "backup.damaged",
        "backup.cannot_write",
        "backup.done",
        "copy_db.config_names_postgres",
        "copy_db.no_database",
        "copy_db.source_older",
        "copy_db.source_newer",
        "copy_db.not_empty",
        "copy_db.failed",
        "copy_db.done",
        "copy_db.checked",
        "copy_db.next",
        "key.exists",
        "key.written",
        "database.newer",
    ],
)
def test_what_the_commands_print_has_english_beside_it(key: str) -> None:
    vietnamese, english = catalog()[key].rsplit(" / ", 1)
    assert VIETNAMESE.search(vietnamese)
    assert english.isascii()


def test_a_problem_list_is_headed_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "config.toml"
    assert main(["check-config", "--config", str(missing)]) == 1
    err = capsys.readouterr().err
    assert f"Tệp cấu hình {missing} có 1 lỗi / {missing} has 1 problem:" in err
    assert "1 problems" not in err
