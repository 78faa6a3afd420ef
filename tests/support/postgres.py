"""The tests' PostgreSQL server: `localapi.postgres` starts it (the benchmark uses it too); here is
only what decides, in a test run, between skipping and failing when it is not installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from localapi.postgres import Cluster, binaries, running_cluster

__all__ = ["Cluster", "installed_binaries", "running_cluster"]


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
