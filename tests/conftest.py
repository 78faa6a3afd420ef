"""Shared fixtures: a real config file, a real SQLite file, the real Application offline."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from playwright.async_api import Browser, async_playwright
from psycopg import AsyncConnection

from bot.config import SECRET_KEY_ENV, TOKEN_ENV, Config, load_config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.services import Services
from bot.services.officers import sync_from_config
from handlers.wiring.application import build_application
from storage.backends import open_database
from storage.database import Database
from storage.postgres_migrations import migrate_postgres
from tests.support.browser import CHROMIUM, FLAGS
from tests.support.chat import Chats
from tests.support.clock import FakeTimer, FixedClock
from tests.support.offline import OfflineRequest
from tests.support.postgres import (
    Cluster,
    MigratedDatabases,
    installed_binaries,
    running_cluster,
)

# python-telegram-bot 22 warns, on every duration it builds (a 429's retry_after, a voice
# message's length), that durations will become timedeltas; opting in now keeps tests quiet.
os.environ.setdefault("PTB_TIMEDELTA", "true")

# Property tests: a modest, reproducible run by default (per scenario), so the suite stays fast; set
# HYPOTHESIS_PROFILE=deep to search harder. Each example builds its own world from files, so
# module-scoped fixtures shared between examples are intended.
settings.register_profile(
    "default",
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep", parent=settings.get_profile("default"), max_examples=1000, derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
SQLITE = "sqlite"
POSTGRESQL = "postgresql"
BACKEND_ENV = "NGHE_DAN_TEST_BACKEND"
# The service tests run on both backends (tests/services/conftest.py).
BOTH_BACKENDS = pytest.fixture(params=[SQLITE, POSTGRESQL])
# A test of something only SQLite has (its query planner, its files) stays on SQLite.
SQLITE_ONLY = pytest.mark.parametrize("backend", [SQLITE])
POSTGRESQL_ONLY = pytest.mark.parametrize("backend", [POSTGRESQL])
TOKEN = "123456789:AAHtestTOKENabcdefghijklmnopqrstu"
# The key that seals denouncers' identities in tests (made by `nghe-dan gen-key`).
SECRET_KEY = "lUq0cO0v9nO6m4aHIgY1xS2V7q0u8m1kQZ9t1P0pV4M="
ENVIRON = {TOKEN_ENV: TOKEN, SECRET_KEY_ENV: SECRET_KEY}


# Real processes (also the command-line tests, which start `nghe-dan`), the browser, the benchmark
# and the searches (properties, forged data, a flood): `pytest -m "not slow"` leaves them out for
# a quick loop while editing; `make test` runs everything. Single slow tests are marked in place.
SLOW = (
    "tests/e2e/",
    "tests/test_bench.py",
    "tests/handlers/test_properties.py",
    "tests/handlers/test_forged_data.py",
    "tests/handlers/test_flood.py",
    "tests/test_audit_cli.py",
    "tests/test_backup_cli.py",
    "tests/test_copy_db_cli.py",
    "tests/test_report_cli.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.relative_to(ROOT).as_posix().startswith(SLOW):
            item.add_marker(pytest.mark.slow)
    if os.environ.get(BACKEND_ENV) == POSTGRESQL:
        # The PostgreSQL pass (`make test`'s second) runs only what it changes: a test that opens
        # no database, or stays on SQLite, would repeat the first pass exactly.
        same = [item for item in items if _backend_of(item) != POSTGRESQL]
        if same:
            config.hook.pytest_deselected(items=same)
            items[:] = [item for item in items if _backend_of(item) == POSTGRESQL]


def _backend_of(item: pytest.Item) -> str | None:
    """The backend the test's database is on; None for a test that opens none."""
    if "backend" not in getattr(item, "fixturenames", ()):
        return None
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    return str(params.get("backend", os.environ.get(BACKEND_ENV, SQLITE)))


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    shutil.copy(ROOT / "config.example.toml", path)
    return path


@pytest.fixture
def config(config_path: Path, backend: str, request: pytest.FixtureRequest) -> Config:
    """The example config; on PostgreSQL its `[storage] url` names the test's database."""
    loaded = load_config(config_path, environ=ENVIRON)
    if backend != POSTGRESQL:
        return loaded
    url = request.getfixturevalue("migrated_postgres_url")
    return loaded.model_copy(update={"storage": loaded.storage.model_copy(update={"url": url})})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def backend() -> str:
    """Which database `db` opens: SQLite, unless a folder's conftest asks for both, or
    NGHE_DAN_TEST_BACKEND=postgresql runs every test that opens `db` on PostgreSQL."""
    return os.environ.get(BACKEND_ENV, SQLITE)


@pytest.fixture
async def db(config: Config) -> AsyncIterator[Database]:
    database = await open_database(config.storage.path, config.storage.url)
    yield database
    await database.close()


@pytest.fixture
def reopen(config: Config) -> Callable[[], Awaitable[Database]]:
    """Another handle on the database `db` opened, as a second process would open it."""

    async def again() -> Database:
        return await open_database(config.storage.path, config.storage.url)

    return again


@pytest.fixture
def services(config: Config, db: Database, clock: FixedClock) -> Services:
    return Services(config=config, db=db, clock=clock)


@pytest.fixture
async def chats(services: Services) -> AsyncIterator[Chats]:
    await sync_from_config(services.db, services.clock, services.config, CHANNEL)
    request = OfflineRequest()
    app = build_application(services, request=request, timer=FakeTimer())
    async with app:
        yield Chats(app, request)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium, for the tests that look at a page as a phone shows it."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One throw-away PostgreSQL server for the whole session (localapi/postgres.py); skipped
    or failed when missing as `installed_binaries` says."""
    with running_cluster(installed_binaries()) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def migrated_template(postgres_cluster: Cluster) -> str:
    """A database migrated once, copied for each test that opens `db` on PostgreSQL: copying
    is several times faster than applying every migration again."""
    name = postgres_cluster.create_database()

    async def migrate() -> None:
        url = postgres_cluster.url(name)
        async with await AsyncConnection.connect(
            url, autocommit=True, passfile=str(postgres_cluster.passfile)
        ) as conn:
            await migrate_postgres(conn)

    # Set up from inside a test's running event loop, so in a thread of its own.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, migrate()).result()
    return name


@pytest.fixture(scope="session")
def migrated_databases(
    postgres_cluster: Cluster, migrated_template: str
) -> Iterator[MigratedDatabases]:
    databases = MigratedDatabases(postgres_cluster, migrated_template)
    yield databases
    databases.drop_all()


@pytest.fixture
def migrated_postgres_url(
    postgres_cluster: Cluster,
    migrated_databases: MigratedDatabases,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """A database of its own with the schema in place, as `nghe-dan migrate` leaves it (one an
    earlier test used, emptied: tests/support/postgres.py)."""
    monkeypatch.setenv("PGPASSFILE", str(postgres_cluster.passfile))
    name = migrated_databases.take()
    yield postgres_cluster.url(name)
    migrated_databases.give_back(name)


@pytest.fixture
def postgres_url(postgres_cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, empty database of its own; the password is in the file PGPASSFILE names, as an
    operator's is, never in the URL."""
    monkeypatch.setenv("PGPASSFILE", str(postgres_cluster.passfile))
    name = postgres_cluster.create_database()
    yield postgres_cluster.url(name)
    postgres_cluster.drop_database(name)
