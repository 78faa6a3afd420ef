"""Every service test runs on SQLite and on PostgreSQL: the repositories are written once for
both, and what a service promises must hold on either."""

from __future__ import annotations

import pytest

from tests.conftest import BOTH_BACKENDS


@BOTH_BACKENDS
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
