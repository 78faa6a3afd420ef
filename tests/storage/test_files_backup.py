"""`nghe-dan backup` copies the kept files with the database, and a restore as the README says
gives back every file a case names, whole: backed up from a database with kept photos, restored
into a fresh place, each file read back under its hash. On SQLite in the fast loop; on the real
PostgreSQL test server through pg_dump and pg_restore (a process each, so slow)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Config
from bot.services.file_keeping import FileKeeper
from bot.texts import t
from localapi.postgres import Cluster
from storage import attachment_files
from storage.backends import open_database
from storage.database import Database
from storage.file_store import FolderStore, digest
from storage.files_backup import files_beside
from tests.conftest import POSTGRESQL, SQLITE, SQLITE_ONLY
from tests.services.test_file_keeping import Channel, filed, photos
from tests.support.clock import FixedClock
from tests.support.config_files import write

BOTH = pytest.mark.parametrize(
    "backend", [SQLITE, pytest.param(POSTGRESQL, marks=pytest.mark.slow)]
)


def config_file(tmp_path: Path, config: Config) -> Path:
    """The config the bot runs with, as a file the command reads."""
    if config.storage.url is None:
        return write(tmp_path)
    return write(tmp_path, ('path = "data/nghe-dan.sqlite3"', f'url = "{config.storage.url}"'))


async def backup(path: Path, out: Path) -> int:
    return await asyncio.to_thread(main, ["backup", "--config", str(path), "--out", str(out)])


async def kept_hashes(db: Database, ticket_id: int) -> list[str]:
    states = await attachment_files.for_ticket(db.reader, ticket_id)
    assert [s.status for s in states] == ["kept"] * len(states)
    return [s.sha256 for s in states if s.sha256 is not None]


@BOTH
async def test_a_backup_with_kept_files_restores_every_file_whole(
    db: Database,
    clock: FixedClock,
    config: Config,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    ticket = await filed(db, clock, config)
    store = FolderStore(config.storage.files_folder)
    assert await FileKeeper(db, clock, store, Channel(photos()), instance="p1").keep_due() == 3
    hashes = await kept_hashes(db, ticket.id)
    out = tmp_path / "backups" / "nghe-dan-2026-12-05.backup"
    out.parent.mkdir()

    assert await backup(config_file(tmp_path, config), out) == 0

    said = capsys.readouterr()
    copy = files_beside(out)
    size = sum(len(data) for data in {digest(d): d for d in photos().values()}.values())
    assert t("backup.files_done", path=copy, count=2, size=size) in said.out.splitlines()
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name, copy.name]

    # Restore as the README says, into a fresh place: the database, and the files folder's
    # content into the new [storage] files.
    fresh = tmp_path / "fresh" / "data"
    fresh.mkdir(parents=True)
    cp = ["cp", "-a", f"{copy}/.", str(fresh / "files")]
    await asyncio.to_thread(subprocess.run, cp, check=True)
    if config.storage.url is None:
        shutil.copy(out, fresh / "nghe-dan.sqlite3")
        restored = await open_database(fresh / "nghe-dan.sqlite3", None)
        try:
            assert await kept_hashes(restored, ticket.id) == hashes
        finally:
            await restored.close()
    else:
        cluster: Cluster = request.getfixturevalue("postgres_cluster")
        name = cluster.create_database()
        try:
            url = cluster.url(name)
            pg_restore = [cluster.bindir / "pg_restore", "--no-owner", "-d", url, out]
            await asyncio.to_thread(
                subprocess.run, pg_restore, env=cluster.environ(), check=True, capture_output=True
            )
            restored = await open_database(fresh / "unused.sqlite3", url)
            try:
                assert await kept_hashes(restored, ticket.id) == hashes
            finally:
                await restored.close()
        finally:
            cluster.drop_database(name)
    files = FolderStore(fresh / "files")
    for sha256 in hashes:
        assert digest(await files.read(sha256)) == sha256
    assert files.hashes() == sorted(set(hashes))


@SQLITE_ONLY
async def test_a_damaged_file_is_named_and_the_others_are_copied(
    db: Database,
    clock: FixedClock,
    config: Config,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket = await filed(db, clock, config)
    store = FolderStore(config.storage.files_folder)
    await FileKeeper(db, clock, store, Channel(photos()), instance="p1").keep_due()
    damaged, good = (await kept_hashes(db, ticket.id))[:2]
    store.path_of(damaged).write_bytes(b"bit rot")
    out = tmp_path / "nghe-dan.sqlite3"

    assert await backup(config_file(tmp_path, config), out) == 1

    said = capsys.readouterr()
    folder = config.storage.files_folder
    assert t("backup.files_damaged", folder=folder, hashes=damaged) in said.err
    assert FolderStore(files_beside(out)).hashes() == [good]
    assert out.exists()  # the database's copy is good all the same


@SQLITE_ONLY
async def test_files_in_an_object_store_are_not_copied_and_the_way_to_back_them_up_is_said(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "s3://kho-xa/xa-dong"
    path = write(tmp_path, ('# files = "data/files"', f'files_url = "{url}"'))
    out = tmp_path / "nghe-dan.sqlite3"

    assert await backup(path, out) == 0

    assert t("backup.files_s3", url=url) in capsys.readouterr().out.splitlines()
    assert not files_beside(out).exists()
