"""The `nghe-dan` command line's commands and options, apart from what each command does.

A commune's IT person may read Vietnamese or English, so every help text, heading and argparse
error says it in Vietnamese first with English beside it, as the README does; the words live in
the message catalog (`[cli]` in bot/texts/vi.toml) like every other sentence.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from bot.config import StorageConfig
from bot.texts import t

DEFAULT_CONFIG = Path("config.toml")
DEFAULT_PORT = 8765
Handler = Callable[[argparse.Namespace], int]


class _Formatter(argparse.HelpFormatter):
    """argparse's own words ("usage:", "options") in both languages."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        # argparse itself asks with prefix "" for the commands' own names: leave those alone.
        shown = t("cli.usage") if prefix is None else prefix
        super().add_usage(usage, actions, groups, prefix=shown)

    def start_section(self, heading: str | None) -> None:
        headings = {"options": t("cli.options"), "positional arguments": t("cli.positionals")}
        super().start_section(headings.get(heading or "", heading))


class _Parser(argparse.ArgumentParser):
    """Every parser, the commands' too (argparse makes them of the same class), with the
    bilingual formatter, `-h` and errors."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(formatter_class=_Formatter, add_help=False, **kwargs)
        self.add_argument("-h", "--help", action="help", help=t("cli.help"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        error = t("cli.error", prog=self.prog, detail=message)
        self.exit(2, f"{error}\n{t('cli.see_help', prog=self.prog)}\n")


def iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(t("report.cli.bad_date", value=text)) from None


def postgres_url(text: str) -> str:
    """A PostgreSQL URL checked as `[storage] url` is: a password in it is refused, and the
    refusal names the rule, not the URL, so the password is not printed back either."""
    try:
        url = StorageConfig(url=text).url
    except ValidationError as error:
        cause = error.errors(include_url=False)[0].get("ctx", {}).get("error")
        raise argparse.ArgumentTypeError(str(cause or t("config.storage_url_bad"))) from None
    if url is None:
        raise argparse.ArgumentTypeError(t("config.storage_url_bad"))
    return url


def port_offset(text: str) -> int:
    try:
        offset = int(text.strip())
    except ValueError:
        offset = -1
    if offset < 0:
        raise argparse.ArgumentTypeError(t("cli.bad_port_offset", value=text))
    return offset


def poster_file(text: str) -> Path:
    """A poster's file, whose suffix says the format: .pdf to print, .png for chat groups."""
    path = Path(text)
    if path.suffix.lower() not in (".pdf", ".png"):
        raise argparse.ArgumentTypeError(t("poster.cli.bad_suffix", value=text))
    return path


def _config_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help=t("cli.config"))


def build_parser(handlers: Mapping[str, Handler]) -> argparse.ArgumentParser:
    """The parser; each command's `handler` default is taken from `handlers` by its name."""
    parser = _Parser(prog="nghe-dan", description=t("cli.description"))
    parser.add_argument("-v", "--verbose", action="store_true", help=t("cli.verbose"))
    commands = parser.add_subparsers(dest="command", required=True, title=t("cli.commands"))

    def command(name: str, key: str) -> argparse.ArgumentParser:
        text = t(f"cli.{key}")
        added: argparse.ArgumentParser = commands.add_parser(name, help=text, description=text)
        added.set_defaults(handler=handlers.get(name))
        return added

    run = command("run", "run")
    _config_option(run)
    run.add_argument("--demo-without-token", action="store_true", help=t("cli.demo_without_token"))
    run.add_argument("--instance", help=t("cli.instance"))
    run.add_argument("--port-offset", type=port_offset, default=0, help=t("cli.port_offset"))
    check = command("check-config", "check_config")
    _config_option(check)
    demo = command("demo", "demo")
    for shown in (run, demo):
        shown.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("cli.port"))
        shown.add_argument("--dir", type=Path, help=t("cli.dir"))
    audit = command("export-audit", "export_audit")
    _config_option(audit)
    audit.add_argument("--code", required=True, help=t("cli.code"))
    audit.add_argument("--json", action="store_true", help=t("cli.json"))
    audit.add_argument("--out", type=Path, help=t("cli.export_out"))
    report = command("report", "report")
    _config_option(report)
    report.add_argument("--from", dest="start", type=iso_day, required=True, help=t("cli.from"))
    report.add_argument("--to", dest="end", type=iso_day, required=True, help=t("cli.to"))
    report.add_argument("--out", type=Path, required=True, help=t("cli.report_out"))
    report.add_argument("--chart", type=Path, help=t("cli.chart"))
    backup = command("backup", "backup")
    _config_option(backup)
    backup.add_argument("--out", type=Path, required=True, help=t("cli.backup_out"))
    migrate = command("migrate", "migrate")
    _config_option(migrate)
    copy_db = command("copy-db", "copy_db")
    _config_option(copy_db)
    copy_db.add_argument("--to", type=postgres_url, required=True, help=t("cli.copy_to"))
    gen_key = command("gen-key", "gen_key")
    gen_key.add_argument("--out", type=Path, help=t("cli.key_out"))
    poster = command("poster", "poster")
    _config_option(poster)
    poster.add_argument(
        "--out", type=poster_file, nargs="+", required=True, help=t("cli.poster_out")
    )
    return parser
