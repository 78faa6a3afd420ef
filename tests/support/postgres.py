"""The tests' PostgreSQL server: `localapi.postgres` starts it (the benchmark uses it too); here is
only what decides, in a test run, between skipping and failing when it is not installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import psycopg
import pytest

from localapi.postgres import Cluster, binaries, running_cluster

__all__ = ["Cluster", "MigratedDatabases", "installed_binaries", "running_cluster"]


def could_install() -> bool:
    """Whether this machine could have installed the server (as `make test` does): root with
    apt. There a missing server is a failure, so CI never skips these tests silently."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def installed_binaries() -> Path:
    """The folder of `initdb` and `pg_ctl`. Skips the test only where the server could not have
    been installed; where `make test` installs it (root with apt, as on CI) it fails instead."""
    bindir = binaries()
    if bindir is None:
        if could_install():
            pytest.fail("PostgreSQL is not installed; `make test` installs it (postgresql)")
        pytest.skip("PostgreSQL (initdb, pg_ctl) is not installed and cannot be installed here")
    return bindir


# The schema as the migrations leave it: every column of every table, and the version.
_SHAPE = """
SELECT (SELECT string_agg(format('%s.%s %s %s', table_name, column_name, data_type,
                                 is_nullable), ',' ORDER BY table_name, ordinal_position)
        FROM information_schema.columns WHERE table_schema = current_schema()),
       (SELECT string_agg(version::text, ',') FROM schema_version)
"""
_TABLES = """
SELECT string_agg(quote_ident(table_name), ', ') FROM information_schema.tables
WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
AND table_name <> 'schema_version'
"""
_OTHERS = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


class MigratedDatabases:
    """Migrated databases, each used by one test at a time. After a test its rows are emptied
    (TRUNCATE ... RESTART IDENTITY, a few hundredths of a second) and the database waits for the
    next test: copying the migrated template for each test takes ten times as long, and the
    PostgreSQL pass of `make test` opens a database for a thousand tests. The migrations store
    no rows but the schema version, so an emptied database is as the template was. One whose
    schema a test changed, or that cannot be emptied, is dropped instead."""

    def __init__(self, cluster: Cluster, template: str) -> None:
        self._cluster = cluster
        self._template = template
        self._spare: list[str] = []
        with self._connect(template) as conn:
            self._shape = conn.execute(_SHAPE).fetchone()

    def _connect(self, name: str) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(
            self._cluster.url(name), passfile=str(self._cluster.passfile), autocommit=True
        )

    def take(self) -> str:
        return self._spare.pop() if self._spare else self._cluster.create_database(self._template)

    def give_back(self, name: str) -> None:
        try:
            with self._connect(name) as conn:
                conn.execute("SET lock_timeout = '5s'")
                conn.execute(_OTHERS)  # a pool the test left open
                if conn.execute(_SHAPE).fetchone() != self._shape:
                    raise psycopg.DataError("the test changed the schema")
                row = conn.execute(_TABLES).fetchone()
                assert row is not None
                conn.execute(f"TRUNCATE {row[0]} RESTART IDENTITY")
        except psycopg.Error:
            self._cluster.drop_database(name)
            return
        self._spare.append(name)

    def drop_all(self) -> None:
        while self._spare:
            self._cluster.drop_database(self._spare.pop())
