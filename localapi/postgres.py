"""A throw-away PostgreSQL server for the tests and the benchmark, started by them.

One cluster per test session (or benchmark run), in a temporary folder: `initdb`, then `pg_ctl
start` listening only on 127.0.0.1 (on a free port) with its sockets in that folder, stopped and
removed at the end.
PostgreSQL refuses to run as root and CI runs as root, so there the server runs as Debian's
`postgres` system user (through `runuser`), and the folder is made theirs.

The tests connect as the role `nghe_dan`, which owns each test's database but is no superuser,
with a password found the way an operator's is: in a `.pgpass` file named by PGPASSFILE, never in
the URL. Each test gets a new database, copied from the pristine `template0`.

It lives beside the Bot API emulators because it serves the same purpose, a real server for
runs that are not production, and both the tests and `bench/` start it.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import psycopg
from psycopg import sql

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
SYSTEM_USER = "postgres"
ADMIN = "admin"
OWNER = "nghe_dan"
HOST = "127.0.0.1"
# Fast and disposable: nothing in a test database has to survive a crash of the machine.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "50",
}
START_TRIES = 3


def binaries() -> Path | None:
    """The folder of `initdb` and `pg_ctl`: Debian's newest version, else whatever is on PATH."""
    versions = sorted(
        (entry for entry in DEBIAN_BINARIES.glob("*/bin") if (entry / "initdb").is_file()),
        key=lambda entry: int(entry.parent.name) if entry.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class Cluster:
    folder: Path
    bindir: Path
    port: int
    passfile: Path
    _names: Iterator[int]

    def url(self, database: str, user: str = OWNER) -> str:
        return f"postgresql://{user}@{HOST}:{self.port}/{database}"

    def environ(self) -> dict[str, str]:
        """The environment a process needs to log in: the password file, as an operator's."""
        return {**os.environ, "PGPASSFILE": str(self.passfile)}

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            self.url("postgres", ADMIN), passfile=str(self.passfile), autocommit=True
        )

    def create_database(self, template: str = "template0") -> str:
        """A new database copied from `template`: the pristine template0, or one prepared once
        (migrated, say) so that each test need not prepare its own."""
        name = f"test_{next(self._names)}"
        with self._admin() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(OWNER), sql.Identifier(template)
                )
            )
        return name

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _run(*command: str | Path) -> None:
    """As the server's own user: PostgreSQL refuses to run as root."""
    words = [str(word) for word in command]
    if os.geteuid() == 0:
        words = ["runuser", "-u", SYSTEM_USER, "--", *words]
    # The words are PostgreSQL's own programs and this module's folders, never outside input.
    done = subprocess.run(words, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")


def _make_theirs(*paths: Path) -> None:
    if os.geteuid() == 0:
        user = pwd.getpwnam(SYSTEM_USER)
        for path in paths:
            os.chown(path, user.pw_uid, user.pw_gid)


def _start(bindir: Path, data: Path, log: Path, folder: Path) -> int:
    """Start on a free port; another program may take the port between the probe and the
    start, so a failed start is tried again on another one."""
    for _ in range(START_TRIES):
        port = _free_port()
        options = f"-p {port} -k {folder}"
        try:
            _run(bindir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start")
        except RuntimeError:
            continue
        return port
    raise RuntimeError(f"the throw-away PostgreSQL server did not start:\n{log.read_text()}")


@contextmanager
def running_cluster(bindir: Path, settings: Mapping[str, str] = SETTINGS) -> Iterator[Cluster]:
    """A started cluster, stopped and removed on the way out, whatever happened inside.
    `settings` go to postgresql.conf; the server listens on 127.0.0.1 only, whatever they say."""
    folder = Path(tempfile.mkdtemp(prefix="nghe-dan-pg-"))
    try:
        password = secrets.token_urlsafe(24)
        data, log, pwfile = folder / "data", folder / "server.log", folder / "password"
        pwfile.write_text(password + "\n", encoding="ascii")
        log.touch()
        _make_theirs(folder, pwfile, log)
        _run(
            bindir / "initdb",
            *("-D", data, "-U", ADMIN, f"--pwfile={pwfile}", "--auth=scram-sha-256"),
            *("--encoding=UTF8", "--locale=C", "--no-sync"),
        )
        pwfile.unlink()
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
            conf.write(f"listen_addresses = '{HOST}'\n")
        passfile = folder / "pgpass"
        passfile.write_text(f"{HOST}:*:*:*:{password}\n", encoding="ascii")
        passfile.chmod(0o600)
        port = _start(bindir, data, log, folder)
        try:
            cluster = Cluster(folder, bindir, port, passfile, count(1))
            with cluster._admin() as conn:
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        sql.Identifier(OWNER), sql.Literal(password)
                    )
                )
            yield cluster
        finally:
            _run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
