"""The PostgreSQL server the benchmark measures against: the tests' throw-away cluster
(`localapi.postgres`), set up for timing instead of for speed at any price.

The tests' server runs with fsync off. Here fsync and full-page writes stay on, as on any real
server, and `synchronous_commit` is off: a commit returns once its record is in the server's
write-ahead log buffers, flushed a moment later. That is the promise Nghe Dân's SQLite makes
(WAL with `synchronous = NORMAL`: a commit survives the program's crash, a power cut may lose
the last ones, nothing is corrupted), so the SQLite and PostgreSQL floors pay for the same
durability. The floor is also measured with `synchronous_commit = on`, PostgreSQL's default, to
show what waiting for the disk at every commit costs on the machine of the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from localapi.postgres import Cluster, binaries, running_cluster

SETTINGS = {
    "synchronous_commit": "off",
    "shared_buffers": "'128MB'",
    "max_connections": "50",
}


class PostgresMissingError(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "PostgreSQL (initdb, pg_ctl) is not installed: `make bench` installs Debian's "
            "postgresql package; or measure SQLite alone with --backend sqlite"
        )


@contextmanager
def server() -> Iterator[Cluster]:
    """A started server for this run; PGPASSFILE names its password file meanwhile, so every
    connection logs in as an operator's would, without a password in the URL."""
    bindir = binaries()
    if bindir is None:
        raise PostgresMissingError
    with running_cluster(bindir, SETTINGS) as cluster:
        before = os.environ.get("PGPASSFILE")
        os.environ["PGPASSFILE"] = str(cluster.passfile)
        try:
            yield cluster
        finally:
            if before is None:
                del os.environ["PGPASSFILE"]
            else:
                os.environ["PGPASSFILE"] = before


def describe(url: str) -> dict[str, Any]:
    """The server's version and the settings that decide what a commit costs."""
    facts: dict[str, Any] = {}
    with psycopg.connect(url) as conn:
        for name in ("server_version", "synchronous_commit", "fsync", "shared_buffers"):
            row = conn.execute(f"SHOW {name}").fetchone()
            facts[name] = row[0] if row else None
    return facts
