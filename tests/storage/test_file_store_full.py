"""The file store on a real full disk: nothing is kept under the hash, no stray temporary file
stays, and the error is told apart as the database's own full disk is."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.database import is_disk_full
from storage.file_store import FolderStore, digest
from tests.support.small_disk import small_disk

PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


async def test_a_full_disk_keeps_nothing_and_is_told_apart_as_a_full_disk(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        store = FolderStore(disk.folder)
        disk.fill()

        with pytest.raises(OSError, match="No space left") as failed:
            await store.put(PHOTO)

        assert is_disk_full(failed.value)
        assert [p for p in disk.folder.rglob("*") if p.is_file()] == []
        disk.free()
        assert await store.read(await store.put(PHOTO)) == PHOTO
        assert store.path_of(digest(PHOTO)).is_file()


async def test_a_deleted_file_is_gone_and_deleting_it_again_is_fine(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "files")
    sha256 = await store.put(PHOTO)

    await store.delete(sha256)
    await store.delete(sha256)

    assert not store.path_of(sha256).exists()


async def test_storing_a_file_again_makes_it_fresh_for_the_sweep(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "files")
    sha256 = await store.put(PHOTO)
    os.utime(store.path_of(sha256), (0, 0))
    assert await store.stale(datetime.now(UTC)) == [sha256]

    await store.put(PHOTO)

    assert await store.stale(datetime.now(UTC) - timedelta(hours=1)) == []
