"""The `nghe-dan` command line: `run` the bot, `demo` it without Telegram, `check-config` a
settings file, `export-audit` one case's full record, `report` a period as Excel, `backup` the
live database, `migrate` the database's schema, `copy-db` from SQLite to PostgreSQL, make a
`poster` for the notice board."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import socket
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

import psycopg

from bot.cli_args import build_parser
from bot.clock import SystemClock
from bot.config import (
    TOKEN_ENV,
    Config,
    ConfigError,
    PortOffsetError,
    load_config,
    sealer,
    staffing_warnings,
    with_port_offset,
)
from bot.dialogs.audit import audit_json, audit_text
from bot.dialogs.config_summary import summary
from bot.dialogs.poster import NoUsernameError, poster, zalo_without_link
from bot.dialogs.report_text import summary_text
from bot.domain.audit import CaseRecord
from bot.domain.case_archive import CaseExport
from bot.domain.figures import Period, PeriodError, Report
from bot.domain.tickets import parse_code
from bot.logs import SECRETS, setup_logging
from bot.report_files.case_archive import write_archive
from bot.report_files.chart import chart_png
from bot.report_files.excel import workbook_bytes
from bot.sealing import generate_key
from bot.services.audit import case_record
from bot.services.case_export import case_export, record_export
from bot.services.file_stores import open_file_store
from bot.services.reporting import build_report
from bot.texts import t
from storage.backends import open_database
from storage.backup import BackupError, backup
from storage.copying import (
    CopyFailedError,
    MissingSourceError,
    SourceVersionError,
    TargetNotEmptyError,
    copy_database,
)
from storage.database import NewerDatabaseError
from storage.file_store import FolderStore
from storage.files_backup import copy_files, files_beside
from storage.postgres_backup import DumpError, dump_postgres, find_pg_dump
from storage.upgrade import Upgrade, upgrade_postgres, upgrade_sqlite


def _load(path: Path, *, need_token: bool) -> Config | None:
    """The config, with its secrets handed to the log filter before anything can log them."""
    try:
        config = load_config(path, need_token=need_token)
    except ConfigError as error:
        count = len(error.problems)
        heading = "config.invalid_one" if count == 1 else "config.invalid"
        print(t(heading, path=path, count=count), file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return None
    secrets = (
        config.telegram.token,
        config.telegram.secret_token,
        config.zalo.token,
        config.zalo.secret_token,
        config.privacy.key,
        config.storage.files_access_key_id,
        config.storage.files_secret_access_key,
    )
    SECRETS.add(*(secret.get_secret_value() for secret in secrets if secret is not None))
    return config


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
    loaded = _load(args.config, need_token=not args.demo_without_token)
    if loaded is None:
        return 1
    try:
        config = with_port_offset(loaded, args.port_offset)
    except PortOffsetError as error:
        print(
            t("cli.port_offset_too_big", offset=args.port_offset, port=error.port), file=sys.stderr
        )
        return 2
    if config.telegram.token is None:
        print(t("demo.no_token", path=args.config, env=TOKEN_ENV))
        print(t("demo.no_token_en", path=args.config, env=TOKEN_ENV))
        return _demo(args, config)
    from handlers.wiring.serving import serve  # noqa: PLC0415 - the Telegram stack loads only to run the bot

    asyncio.run(serve(config, instance=args.instance))
    return 0


def _demo(args: argparse.Namespace, own: Config | None = None) -> int:
    from localapi.demo import run_demo  # noqa: PLC0415 - the local server loads only for the demo

    try:
        return run_demo(args.dir, args.port, lambda line: print(line, flush=True), own)
    except KeyboardInterrupt:  # Ctrl-C before the demo could take over the signal
        return 0


async def _read_record(config: Config, code: str) -> CaseRecord | None:
    db = await open_database(config.storage.path, config.storage.url)
    try:
        return await case_record(db, code)
    finally:
        await db.close()


def _export_audit(args: argparse.Namespace) -> int:
    """Print one case's whole record, read from the database; needs no bot token."""
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    if config.storage.url is None and not config.storage.path.exists():
        print(t("audit.no_database", path=config.storage.path), file=sys.stderr)
        return 1
    code = parse_code(args.code) or args.code.strip().upper()
    if args.out is not None:
        return _export_archive(config, code, args.out)
    record = asyncio.run(_read_record(config, code))
    if record is None:
        where = config.storage.url or config.storage.path
        print(t("audit.not_found", code=code, path=where), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(audit_json(record, config), ensure_ascii=False, indent=2))
    else:
        print(audit_text(record, config, show_identity=True))
    return 0


def _export_archive(config: Config, code: str, out: Path) -> int:
    """The case and its files as a zip at `out`, written whole or not at all: into a temporary
    file beside it, linked to `out` only once complete (a link, unlike a rename, never replaces
    a file that appeared meanwhile), and removed again if the case's history cannot say so."""
    if out.exists():
        print(t("export.exists", path=out), file=sys.stderr)
        return 1
    try:
        export = asyncio.run(_read_export(config, code))
    except OSError as error:  # the store out of reach: a folder not mounted, S3 down
        print(t("export.cannot_read", detail=error), file=sys.stderr)
        return 1
    if export is None:
        where = config.storage.url or config.storage.path
        print(t("audit.not_found", code=code, path=where), file=sys.stderr)
        return 1
    clock = SystemClock()
    try:
        count = _write_whole(out, lambda file: write_archive(file, export, config, clock.now()))
    except FileExistsError:
        print(t("export.exists", path=out), file=sys.stderr)
        return 1
    except OSError as error:
        print(t("export.cannot_write", path=out, detail=error), file=sys.stderr)
        return 1
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    opened = export.record.ticket.sealed and count > 0
    note = t(
        "export.event_note_opened" if opened else "export.event_note",
        who=who,
        name=out.name,
        count=count,
    )
    try:
        asyncio.run(_record_export(config, clock, export, note))
    except Exception as error:
        out.unlink(missing_ok=True)
        print(t("export.not_recorded", path=out, detail=error), file=sys.stderr)
        return 1
    print(t("export.written", code=export.record.ticket.code, path=out, count=count))
    for f in export.files:
        if f.data is None:
            state = t(f"export.states.{f.state}")
            print(t("export.not_included", position=f.position, state=state), file=sys.stderr)
    return 0


def _write_whole(out: Path, write: Callable[[IO[bytes]], int]) -> int:
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            written = write(file)
            file.flush()
            os.fsync(file.fileno())
        os.link(temporary, out)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return written


async def _read_export(config: Config, code: str) -> CaseExport | None:
    db = await open_database(config.storage.path, config.storage.url)
    try:
        return await case_export(db, config, open_file_store(config.storage), code)
    finally:
        await db.close()


async def _record_export(config: Config, clock: SystemClock, export: CaseExport, note: str) -> None:
    db = await open_database(config.storage.path, config.storage.url)
    try:
        await record_export(db, clock, export, note)
    finally:
        await db.close()


async def _build_report(config: Config, period: Period) -> Report:
    db = await open_database(config.storage.path, config.storage.url)
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
    if config.storage.url is None and not config.storage.path.exists():
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
    """Copy the database, even while the bot runs, then the kept files; needs no bot token.
    SQLite copies itself; PostgreSQL is copied by its own pg_dump. Files in a folder are copied
    beside the database's copy; an object store is backed up by its own versioning or
    replication, which is said instead."""
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    if config.storage.url is not None:
        done = _backup_postgres(config.storage.url, args.out)
    else:
        done = _backup_sqlite(config.storage.path, args.out)
    if done != 0:
        return done
    return _backup_files(config, args.out)


def _backup_sqlite(source: Path, out: Path) -> int:
    if not source.exists():
        print(t("backup.no_database", path=source), file=sys.stderr)
        return 1
    try:
        info = asyncio.run(backup(source, out))
    except BackupError as error:
        print(t("backup.damaged", path=source, detail=error), file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:  # no such folder, no room, no permission
        print(t("backup.cannot_write", path=out, detail=error), file=sys.stderr)
        return 1
    print(t("backup.done", path=out, size=info.size, version=info.schema_version))
    return 0


def _backup_postgres(url: str, out: Path) -> int:
    """pg_dump's copy, and how to put it back; exit 2 without pg_dump, as for a wrong command
    line: nothing was tried, and the message says what to install or run by hand."""
    pg_dump = find_pg_dump()
    if pg_dump is None:
        print(t("backup.no_pg_dump", url=url, path=out), file=sys.stderr)
        return 2
    try:
        info = asyncio.run(dump_postgres(pg_dump, url, out))
    except (DumpError, psycopg.Error) as error:
        print(t("backup.postgres_failed", url=url, detail=error), file=sys.stderr)
        return 1
    except OSError as error:  # no such folder, no room, no permission
        print(t("backup.cannot_write", path=out, detail=error), file=sys.stderr)
        return 1
    print(t("backup.postgres_done", url=url, path=out, size=info.size, version=info.schema_version))
    print(t("backup.postgres_restore", url=url, path=out))
    return 0


def _backup_files(config: Config, out: Path) -> int:
    """The kept files after the database (storage.files_backup says why in that order); exit 1
    when one is damaged, so a nightly job's failure reaches the operator."""
    storage = config.storage
    if storage.files_url is not None:
        print(t("backup.files_s3", url=storage.files_url))
        return 0
    folder, target = storage.files_folder, files_beside(out)
    try:
        copied = asyncio.run(copy_files(FolderStore(folder), target))
    except OSError as error:
        print(t("backup.files_cannot_write", path=target, detail=error), file=sys.stderr)
        return 1
    print(t("backup.files_done", path=target, count=copied.count, size=copied.size))
    print(t("backup.files_restore", path=target, folder=folder))
    if copied.damaged:
        hashes = ", ".join(copied.damaged)
        print(t("backup.files_damaged", folder=folder, hashes=hashes), file=sys.stderr)
        return 1
    return 0


def _migrate(args: argparse.Namespace) -> int:
    """Apply the migrations to the database the config names, SQLite or PostgreSQL, and say
    what was done; needs no bot token. Running it again changes nothing."""
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    url = config.storage.url
    target = url if url is not None else str(config.storage.path)
    try:
        done: Upgrade = asyncio.run(
            upgrade_sqlite(config.storage.path) if url is None else upgrade_postgres(url)
        )
    except NewerDatabaseError as error:
        key = "database.newer" if url is None else "migrate.newer_server"
        print(t(key, target=target, found=error.found, known=error.known), file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error, psycopg.Error) as error:
        print(t("migrate.failed", target=target, detail=error), file=sys.stderr)
        return 1
    for name in done.applied:
        print(t("migrate.applied", name=name))
    if done.applied:
        print(t("migrate.done", target=target, before=done.before, after=done.after))
    else:
        print(t("migrate.up_to_date", target=target, version=done.after))
    return 0


def _copy_db(args: argparse.Namespace) -> int:
    """Copy the SQLite database the config names into the empty PostgreSQL database `--to`;
    needs no bot token. Each refusal exits 2, as a wrong command line does, having written
    nothing; a copy failing part way exits 1, rolled back."""
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    if config.storage.url is not None:
        print(t("copy_db.config_names_postgres", url=config.storage.url), file=sys.stderr)
        return 2
    source, target = config.storage.path, args.to
    try:
        copied = asyncio.run(copy_database(source, target))
    except MissingSourceError:
        print(t("copy_db.no_database", path=source), file=sys.stderr)
        return 2
    except SourceVersionError as error:
        key = "copy_db.source_older" if error.found < error.known else "copy_db.source_newer"
        found, known = error.found, error.known
        print(t(key, path=source, found=found, known=known, config=args.config), file=sys.stderr)
        return 2
    except TargetNotEmptyError as error:
        print(
            t("copy_db.not_empty", target=target, tables=", ".join(error.tables)), file=sys.stderr
        )
        return 2
    except NewerDatabaseError as error:
        found, known = error.found, error.known
        print(t("migrate.newer_server", target=target, found=found, known=known), file=sys.stderr)
        return 2
    except (CopyFailedError, OSError, sqlite3.Error, psycopg.Error) as error:
        print(t("copy_db.failed", source=source, target=target, detail=error), file=sys.stderr)
        return 1
    print(t("copy_db.done", source=source, target=target))
    for name, count in sorted(copied.tables):
        print(t("copy_db.table", table=name, count=count))
    print(t("copy_db.checked"))
    print(t("copy_db.next", target=target))
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


def _poster(args: argparse.Namespace) -> int:
    """The poster in each `--out` file, PDF or PNG by its suffix. It needs no token, network
    or database, so the Office can make one on any machine that holds config.toml."""
    config = _load(args.config, need_token=False)
    if config is None:
        return 1
    from bot.report_files.poster import poster_pdf, poster_png  # noqa: PLC0415 - fpdf2 loads only for posters

    today = SystemClock().now().astimezone(config.commune.zone).date()
    try:
        content = poster(config, today)
    except NoUsernameError:
        print(t("poster.cli.no_username", path=args.config), file=sys.stderr)
        return 1
    if zalo_without_link(config):
        print(t("poster.cli.zalo_no_link", path=args.config), file=sys.stderr)
    for path in args.out:
        render = poster_png if path.suffix.lower() == ".png" else poster_pdf
        try:
            path.write_bytes(render(content))
        except OSError as error:  # no such folder, no room, no permission
            print(t("poster.cli.cannot_write", path=path, detail=error), file=sys.stderr)
            return 1
        print(t("poster.cli.written", path=path))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(
        {
            "run": _run,
            "check-config": _check_config,
            "demo": _demo,
            "export-audit": _export_audit,
            "report": _report,
            "backup": _backup,
            "gen-key": _gen_key,
            "migrate": _migrate,
            "copy-db": _copy_db,
            "poster": _poster,
        }
    )
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
