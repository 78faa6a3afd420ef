"""The `nghe-dan` command line: `run` the bot, `demo` it without Telegram, `check-config` a
settings file, `export-audit` one case's full record, `report` a period as Excel, `backup` the
live database."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sqlite3
import sys
from datetime import date
from pathlib import Path

from bot.clock import SystemClock
from bot.config import (
    TOKEN_ENV,
    Config,
    ConfigError,
    ReceptionConfig,
    load_config,
    sealer,
    staffing_warnings,
)
from bot.dialogs.audit import audit_json, audit_text
from bot.dialogs.report import summary_text
from bot.domain.audit import CaseRecord
from bot.domain.reception import Rule
from bot.domain.reports import Period, PeriodError, Report
from bot.domain.tickets import parse_code
from bot.logs import SECRETS, setup_logging
from bot.reports.chart import chart_png
from bot.reports.excel import workbook_bytes
from bot.sealing import generate_key
from bot.services.audit import case_record
from bot.services.reports import build_report
from bot.texts import t
from storage.backup import BackupError, backup
from storage.database import Database, NewerDatabaseError

DEFAULT_CONFIG = Path("config.toml")


def _load(path: Path, *, need_token: bool) -> Config | None:
    """The config, with its secrets handed to the log filter before anything can log them."""
    try:
        config = load_config(path, need_token=need_token)
    except ConfigError as error:
        print(t("config.invalid", path=path, count=len(error.problems)), file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return None
    secrets = (
        config.telegram.token,
        config.telegram.secret_token,
        config.zalo.token,
        config.zalo.secret_token,
        config.privacy.key,
    )
    SECRETS.add(*(secret.get_secret_value() for secret in secrets if secret is not None))
    return config


def _receiving(config: Config) -> str:
    telegram = config.telegram
    if telegram.mode == "polling":
        return t("config.summary.polling")
    return t(
        "config.summary.webhook",
        url=telegram.webhook_url,
        listen=telegram.listen,
        port=telegram.port,
        secret=t("config.summary.token_set"),
    )


def _zalo(config: Config) -> str:
    zalo = config.zalo
    if not zalo.enabled:
        return t("config.summary.zalo_off")
    token = t("config.summary.token_set")
    if zalo.mode == "polling":
        return t("config.summary.zalo_polling", server=zalo.base_url, token=token)
    return t(
        "config.summary.zalo_webhook",
        server=zalo.base_url,
        token=token,
        url=zalo.webhook_url,
        listen=zalo.listen,
        port=zalo.port,
        secret=token,
    )


def _officers(config: Config) -> list[str]:
    """Each officer with the department their cases come from, the easiest thing to get wrong."""
    lines = []
    for officer in config.officers:
        title = f", {officer.title}" if officer.title else ""
        roles = ", ".join(role.value for role in officer.roles)
        department = (
            config.department_name(officer.department)
            if officer.department is not None
            else t("config.summary.no_department")
        )
        lines.append(f"    {officer.telegram_id} {officer.name}{title}: {roles} · {department}")
    return lines


def _when(session: ReceptionConfig) -> str:
    if session.rule is Rule.WEEKLY:
        return t("config.summary.weekly", weekday=t(f"reception.weekday.{session.weekday}"))
    if session.rule is Rule.MONTHLY:
        return t("config.summary.monthly", day=session.day)
    if session.rule is Rule.ONCE and session.on is not None:
        return t("config.summary.once", date=session.on.strftime("%d/%m/%Y"))
    return t("config.summary.workdays")


def _reception(config: Config) -> list[str]:
    """The sessions as citizens will read them, so a weekday off by one shows here first."""
    names = {officer.telegram_id: officer.name for officer in config.officers}
    lines = [t("config.summary.reception", count=len(config.reception))]
    for session in config.reception:
        line = t(
            "config.summary.session",
            id=session.id,
            title=session.title,
            when=_when(session),
            start=session.start.strftime("%H:%M"),
            end=session.end.strftime("%H:%M"),
            place=session.place,
        )
        host = names.get(session.host) if session.host is not None else None
        lines.append(f"    {line}{t('config.summary.host', name=host) if host else ''}")
    return lines


def summary(config: Config) -> str:
    """One screen that lets the IT officer see the file was read as they meant."""
    lines = [
        t("config.summary.commune", name=config.commune.name, code=config.commune.code),
        t("config.summary.timezone", value=config.commune.timezone),
        t("config.summary.server", value=config.telegram.base_url),
        t("config.summary.token", value=t("config.summary.token_set")),
        _receiving(config),
        _zalo(config),
        t("config.summary.storage", value=config.storage.path),
        t(
            "config.summary.key",
            value=t("config.summary.key_set" if sealer(config) else "config.summary.key_missing"),
        ),
        t("config.summary.departments", count=len(config.departments)),
        *(f"    {d.id}: {d.name}" for d in config.departments),
        t("config.summary.categories", count=len(config.categories)),
        *(f"    {c.id}: {c.name} → {c.department}" for c in config.categories),
        t("config.summary.officers", count=len(config.officers)),
        *_officers(config),
        *_reception(config),
        t(
            "config.summary.routing",
            complaint=config.routing.complaint.value,
            denunciation=config.routing.denunciation.value,
            triage=config.routing.triage_department,
        ),
        t(
            "config.summary.calendar",
            off=len(config.calendar.extra_days_off),
            working=len(config.calendar.extra_working_days),
            remote=t("config.summary.yes" if config.deadlines.remote_area else "config.summary.no"),
        ),
        t(
            "config.summary.limits",
            messages=config.limits.messages_per_minute,
            cases=config.limits.cases_per_day,
            photos=config.intake.max_photos,
            content=config.intake.content_max,
            note=config.limits.note_max,
        ),
        t(
            "config.summary.privacy",
            erasure=config.privacy.erasure_days,
            retention=config.privacy.retention_days,
        ),
    ]
    return "\n".join(lines)


def _check_config(args: argparse.Namespace) -> int:
    config = _load(args.config, need_token=True)
    if config is None:
        return 1
    print(t("config.valid", path=args.config))
    print(summary(config))
    for warning in staffing_warnings(config):
        print(warning, file=sys.stderr)
    if sealer(config) is None:
        print(t("config.no_key_warning"), file=sys.stderr)
    return 0


def _run(args: argparse.Namespace) -> int:
    """With --demo-without-token (`make run`), a missing file or token means the demo: on the
    example without a file, on the commune's own file without a token. A file with problems
    stops here, listed, as without the flag."""
    if args.demo_without_token and not args.config.exists():
        print(t("demo.no_config", path=args.config))
        print(t("demo.no_config_en", path=args.config))
        return _demo(args)
    config = _load(args.config, need_token=not args.demo_without_token)
    if config is None:
        return 1
    if config.telegram.token is None:
        print(t("demo.no_token", path=args.config, env=TOKEN_ENV))
        print(t("demo.no_token_en", path=args.config, env=TOKEN_ENV))
        return _demo(args, config)
    from bot.app import serve  # noqa: PLC0415 - the Telegram stack loads only to run the bot

    asyncio.run(serve(config))
    return 0


def _demo(args: argparse.Namespace, own: Config | None = None) -> int:
    from localapi.demo import run_demo  # noqa: PLC0415 - the local server loads only for the demo

    try:
        return run_demo(args.dir, args.port, lambda line: print(line, flush=True), own)
    except KeyboardInterrupt:  # Ctrl-C before the demo could take over the signal
        return 0


async def _read_record(config: Config, code: str) -> CaseRecord | None:
    db = await Database.open(config.storage.path)
    try:
        return await case_record(db, code)
    finally:
        await db.close()


def _export_audit(args: argparse.Namespace) -> int:
    """Print one case's whole record, read from the database; needs no bot token."""
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    if not config.storage.path.exists():
        print(t("audit.no_database", path=config.storage.path), file=sys.stderr)
        return 1
    code = parse_code(args.code) or args.code.strip().upper()
    record = asyncio.run(_read_record(config, code))
    if record is None:
        print(t("audit.not_found", code=code, path=config.storage.path), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(audit_json(record, config), ensure_ascii=False, indent=2))
    else:
        print(audit_text(record, config, show_identity=True))
    return 0


def _iso_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(t("report.cli.bad_date", value=text)) from None


async def _build_report(config: Config, period: Period) -> Report:
    db = await Database.open(config.storage.path)
    try:
        return await build_report(db, config, SystemClock(), period)
    finally:
        await db.close()


def _report(args: argparse.Namespace) -> int:
    """Write the report's workbook (and chart) and print its summary; needs no bot token.

    Exit 2 for a period that cannot be reported on, as argparse does for a bad date.
    """
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    if not config.storage.path.exists():
        print(t("report.cli.no_database", path=config.storage.path), file=sys.stderr)
        return 1
    today = SystemClock().now().astimezone(config.commune.zone).date()
    try:
        period = Period.checked(args.start, args.end, today)
    except PeriodError as error:
        reason = t(f"report.period_error.{error.reason}")
        print(t("report.cli.bad_period", reason=reason), file=sys.stderr)
        return 2
    report = asyncio.run(_build_report(config, period))
    files = [(args.out, workbook_bytes)] + ([(args.chart, chart_png)] if args.chart else [])
    for path, render in files:
        try:
            path.write_bytes(render(report, config))
        except OSError as error:
            print(t("report.cli.cannot_write", path=path, detail=error), file=sys.stderr)
            return 1
    print(summary_text(report, config))
    for path, _ in files:
        print(t("report.cli.written", path=path))
    return 0


def _backup(args: argparse.Namespace) -> int:
    """Copy the database, even while the bot runs; needs no bot token."""
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    source = config.storage.path
    if not source.exists():
        print(t("backup.no_database", path=source), file=sys.stderr)
        return 1
    try:
        info = asyncio.run(backup(source, args.out))
    except BackupError as error:
        print(t("backup.damaged", path=source, detail=error), file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:  # no such folder, no room, no permission
        print(t("backup.cannot_write", path=args.out, detail=error), file=sys.stderr)
        return 1
    print(t("backup.done", path=args.out, size=info.size, version=info.schema_version))
    return 0


def _gen_key(args: argparse.Namespace) -> int:
    """A new sealing key: printed, or written to a file only its owner can read."""
    key = generate_key()
    if args.out is None:
        print(key)
        return 0
    if args.out.exists():
        print(t("key.exists", path=args.out), file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    print(t("key.written", path=args.out))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nghe-dan", description="Nghe Dân")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler, text in (
        ("run", _run, "run the bot"),
        ("check-config", _check_config, "check a config file and print a summary"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
        command.set_defaults(handler=handler)
    run = commands.choices["run"]
    run.add_argument(
        "--demo-without-token",
        action="store_true",
        help="run the local demo instead when there is no config file or no token",
    )
    demo = commands.add_parser("demo", help="run the bot on a local server with a web chat")
    for command in (run, demo):
        command.add_argument("--port", type=int, default=8765, help="the demo's web chat port")
        command.add_argument("--dir", type=Path, help="keep the demo's files here (default: temp)")
    demo.set_defaults(handler=_demo)
    audit = commands.add_parser("export-audit", help="print one case and its full history")
    audit.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    audit.add_argument("--code", required=True, help="the case code, e.g. SN-2026-00042")
    audit.add_argument("--json", action="store_true", help="machine-readable output")
    audit.set_defaults(handler=_export_audit)
    report = commands.add_parser("report", help="write a period's report as Excel (and chart)")
    report.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    report.add_argument("--from", dest="start", type=_iso_day, required=True, help="2026-01-01")
    report.add_argument("--to", dest="end", type=_iso_day, required=True, help="2026-03-31")
    report.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    report.add_argument("--chart", type=Path, help="also draw the weekly chart as a .png file")
    report.set_defaults(handler=_report)
    copy = commands.add_parser("backup", help="copy the database safely, even while the bot runs")
    copy.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    copy.add_argument("--out", type=Path, required=True, help="the backup file to write")
    copy.set_defaults(handler=_backup)
    gen_key = commands.add_parser("gen-key", help="make a key that seals denouncers' identities")
    gen_key.add_argument("--out", type=Path, help="write it to this new file (mode 600)")
    gen_key.set_defaults(handler=_gen_key)
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    try:
        code: int = args.handler(args)
    except NewerDatabaseError as error:
        print(t("database.newer", found=error.found, known=error.known), file=sys.stderr)
        return 1
    except Exception:
        # Logged, not printed by Python: the log filter takes the token out of what the chat
        # library puts in its errors ("The token `…` was rejected").
        logging.getLogger("nghe-dan").exception("stopped by an unexpected error")
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
