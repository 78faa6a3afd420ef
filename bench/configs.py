"""What every benchmark starts from: a config file like the example, pointed at a scratch folder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from bot.config import Config
from tests.conftest import ROOT, TOKEN
from tests.e2e.fleet import SECRET, WEBHOOK_PATH


class NotMeasuredError(Exception):
    """A run this version of Nghe Dân cannot make: reported as not measured, never as a number."""


def measurable(config: Config, processes: int) -> None:
    """Refuses what Nghe Dân cannot run: several processes share a PostgreSQL database (they
    poll one at a time through the poller role's lease); an SQLite file is one process's."""
    if processes > 1 and config.storage.url is None:
        raise NotMeasuredError("several processes need PostgreSQL")


def write_config(
    folder: Path,
    *,
    base_url: str | None = None,
    max_per_second: float | None = None,
    database: Path | None = None,
    storage_url: str | None = None,
    webhook_port: int | None = None,
) -> Path:
    """config.example.toml with the test token, a database in `folder` (or `database`, or the
    PostgreSQL one at `storage_url`), and optionally another Bot API server and outbox rate,
    and webhook mode on `webhook_port` (before `--port-offset`) instead of polling."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    edits = [('token = ""', f'token = "{TOKEN}"')]
    if database is not None:
        edits.append(('path = "data/nghe-dan.sqlite3"', f'path = "{database}"'))
    if storage_url is not None:
        edits.append(('path = "data/nghe-dan.sqlite3"', f'url = "{storage_url}"'))
    if base_url is not None:
        edits.append(('base_url = "https://api.telegram.org"', f'base_url = "{base_url}"'))
    if max_per_second is not None:
        edits.append(("max_per_second = 25", f"max_per_second = {max_per_second:g}"))
    if webhook_port is not None:
        edits += [
            ('mode = "polling"', 'mode = "webhook"'),
            ('webhook_url = ""', f'webhook_url = "https://xa.example{WEBHOOK_PATH}"'),
            ("port = 8443", f"port = {webhook_port}"),
            (
                '# secret_token = "doi-thanh-chuoi-ngau-nhien-dai-cua-xa"',
                f'secret_token = "{SECRET}"',
            ),
        ]
    for old, new in edits:
        if text.count(old) != 1:
            raise ValueError(f"config.example.toml no longer holds {old!r} once")
        text = text.replace(old, new)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def fleet_configs(
    folder: Path,
    base_url_as: Callable[[str], str],
    processes: int,
    *,
    storage_url: str | None = None,
    max_per_second: float | None = None,
    webhook_port: int | None = None,
) -> list[tuple[str, Path]]:
    """(instance name, config file) of each of `processes` bot processes on one database: the
    configs differ only in the Bot API address, which carries the process's name
    (`BotApiEmulator.base_url_as`), so the server's call log says which process polled and
    which sent each message. One SQLite file (one process) lies in `folder`."""
    database = None if storage_url else folder / "nghe-dan.sqlite3"
    names = [f"p{n + 1}" for n in range(processes)]
    return [
        (
            name,
            write_config(
                folder / name,
                base_url=base_url_as(name),
                max_per_second=max_per_second,
                database=database,
                storage_url=storage_url,
                webhook_port=webhook_port,
            ),
        )
        for name in names
    ]


def instance_options(name: str, index: int) -> tuple[str, ...]:
    """`nghe-dan run`'s options for one of several processes sharing a config, as deployed."""
    return ("--instance", name, "--port-offset", str(index))


def fresh(folder: Path) -> Path:
    """An empty scratch folder."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
