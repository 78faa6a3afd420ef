"""`python -m bench.trips`: how often the ingest waits for its database, per update.

The ingest's speed (bench.ingest) follows the trips to the database more than the statements:
on SQLite a hand-over to a database thread and back (the writer's, `SqliteDatabase.hand_overs`,
and aiosqlite's reader, one per call), on PostgreSQL a round trip to the server, counted from
libpq's trace of every connection: each time the client, having sent messages (a statement and
its Sync, a pipeline's batch), reads the server's answer. The run is the ingest's own (100
citizens by default, 10 updates each) with its deliveries; counting slows it, so only the
counts are printed, never a timing.

With `--batches N`, the N most frequent round trips on PostgreSQL, each named by the first
words of the statements it carried: where the round trips go.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import psycopg

from bench import ingest
from bench.configs import fresh
from bench.postgres import server
from storage.database import Database
from storage.sqlite import SqliteDatabase

_MESSAGE = re.compile(r"\n(?=[FB]\t)")  # a statement's text may span lines
_PARSE = re.compile(r'^F\s+\d+\s+Parse\s+"([^"]*)"\s+"(.{0,200})', re.DOTALL)
_BIND = re.compile(r'^F\s+\d+\s+Bind\s+"[^"]*"\s+"([^"]+)"')
_QUERY = re.compile(r'^F\s+\d+\s+Query\s+"(.{0,200})', re.DOTALL)


@contextmanager
def _traced(folder: Path) -> Iterator[list[Path]]:
    """Every PostgreSQL connection opened meanwhile writes libpq's trace to a file of its own
    in `folder`; the files' paths, to read once the connections are closed."""
    original = psycopg.AsyncConnection.connect
    files: list[Path] = []

    async def connect(*args: Any, **kwargs: Any) -> Any:
        conn = await original(*args, **kwargs)
        path = folder / f"conn{len(files)}.trace"
        files.append(path)
        # libpq writes through a C stream of its own on this descriptor, which stays open
        # until the process ends; its buffer is flushed below.
        conn.pgconn.trace(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        conn.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        return conn

    psycopg.AsyncConnection.connect = connect  # type: ignore[method-assign]
    try:
        yield files
    finally:
        psycopg.AsyncConnection.connect = original  # type: ignore[method-assign]
        ctypes.CDLL(None).fflush(None)


def _round_trips(files: list[Path]) -> tuple[int, Counter[str]]:
    """Each time the client stops sending and reads the server's answer is one round trip,
    named by the statements sent since the one before."""
    waits = 0
    batches: Counter[str] = Counter()
    for path in files:
        prepared: dict[str, str] = {}
        batch: list[str] = []
        sending = False
        for line in _MESSAGE.split(path.read_text(errors="replace")):
            if line.startswith("B") and sending:
                waits += 1
                batches[" | ".join(batch) or "(fetch)"] += 1
                batch = []
            sending = line.startswith("F")
            statement = _statement(line, prepared)
            if statement:
                batch.append(" ".join(statement.replace('"', " ").split()[:3]))
    return waits, batches


def _statement(line: str, prepared: dict[str, str]) -> str | None:
    """The statement a traced message runs, if it runs one; `prepared` learns the named ones."""
    parse = _PARSE.match(line)
    if parse:
        prepared[parse.group(1)] = parse.group(2)
        return None if parse.group(1) else parse.group(2)
    bind = _BIND.match(line)
    if bind:
        return prepared.get(bind.group(1), bind.group(1))
    query = _QUERY.match(line)
    return query.group(1) if query else None


@contextmanager
def _reader_calls() -> Iterator[list[int]]:
    """Counts aiosqlite's hand-overs to its connections' threads (the reader's)."""
    original = aiosqlite.Connection._execute
    count = [0]

    async def execute(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return await original(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = execute  # type: ignore[method-assign]
    try:
        yield count
    finally:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]


async def _sqlite(folder: Path, citizens: int) -> dict[str, Any]:
    opened: list[Database] = []
    original = ingest._open

    async def keep(config: Any) -> Database:
        db = await original(config)
        opened.append(db)
        return db

    ingest._open = keep  # type: ignore[assignment]
    try:
        with _reader_calls() as reader:
            run = await ingest.run_ingest(fresh(folder / "sqlite"), citizens)
    finally:
        ingest._open = original  # type: ignore[assignment]
    db = opened[0]
    if not isinstance(db, SqliteDatabase):
        raise TypeError("the SQLite run opened another backend")
    updates = run["updates"]
    return {
        "updates": updates,
        "invariants": run["invariants"],
        "writer_hand_overs_per_update": round(db.hand_overs / updates, 2),
        "reader_calls_per_update": round(reader[0] / updates, 2),
        "hand_overs_per_update": round((db.hand_overs + reader[0]) / updates, 2),
    }


async def _postgresql(folder: Path, citizens: int, batches: int) -> dict[str, Any]:
    with server() as cluster, tempfile.TemporaryDirectory() as traces:
        url = cluster.url(cluster.create_database())
        with _traced(Path(traces)) as files:
            run = await ingest.run_ingest(fresh(folder / "postgresql"), citizens, storage_url=url)
        waits, counted = _round_trips(files)
    updates = run["updates"]
    found: dict[str, Any] = {
        "updates": updates,
        "invariants": run["invariants"],
        "round_trips_per_update": round(waits / updates, 2),
    }
    if batches:
        found["batches_per_update"] = {
            batch: round(count / updates, 2) for batch, count in counted.most_common(batches)
        }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.trips", description=__doc__)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--citizens", type=int, default=100)
    parser.add_argument("--batches", type=int, default=0, help="show the N most frequent")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nghe-dan-trips-") as work:
        for backend in args.backend or ["sqlite", "postgresql"]:
            if backend == "sqlite":
                found = asyncio.run(_sqlite(Path(work), args.citizens))
            else:
                found = asyncio.run(_postgresql(Path(work), args.citizens, args.batches))
            print(backend, found)


if __name__ == "__main__":
    main()
