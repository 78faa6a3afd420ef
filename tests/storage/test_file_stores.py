"""The promise every file store keeps (storage.file_store.FileStore), checked on the folder and
on a real S3-compatible server (tests/support/s3.py): a file is kept and read back by the hash of
its content, keeping it again changes nothing, and what the store gives back is what was put."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage.file_store import DamagedFileError, FileStore, FileStoreError, FolderStore, digest
from storage.s3_store import S3Store
from tests.support.s3 import S3Server, free_port, running, s3_server

SECRET = "bi-mat-khong-in-ra"
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"anh-o-ga" * 100


@pytest.fixture
def s3() -> Iterator[S3Server]:
    with s3_server() as server:
        yield server


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    if request.param == "folder":
        return FolderStore(tmp_path / "files")
    server: S3Server = request.getfixturevalue("s3")
    return server.store()


async def test_a_file_is_kept_by_the_hash_of_its_content_and_read_back(store: FileStore) -> None:
    sha256 = await store.put(PHOTO)

    assert sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert await store.exists(sha256)
    assert await store.read(sha256) == PHOTO


async def test_keeping_the_same_content_again_is_the_same_one_file(store: FileStore) -> None:
    first = await store.put(PHOTO)
    second = await store.put(PHOTO)
    other = await store.put(b"another picture")

    assert first == second != other
    assert (await store.read(first), await store.read(other)) == (PHOTO, b"another picture")


async def test_a_sweep_sees_only_files_written_before_its_moment(store: FileStore) -> None:
    """The orphan sweep (bot.services.file_retention) asks each store what is old; keeping a
    file again makes it fresh, so a file about to be referenced is never swept."""
    sha256 = await store.put(PHOTO)
    now = datetime.now(UTC)

    assert await store.stale(now - timedelta(days=1)) == []
    assert await store.stale(now + timedelta(minutes=1)) == [sha256]
    await store.delete_temporary("nothing-of-that-name")  # nothing to remove: no error
    assert await store.read(sha256) == PHOTO


async def test_an_empty_file_is_a_file(store: FileStore) -> None:
    sha256 = await store.put(b"")
    assert await store.read(sha256) == b""


async def test_nothing_is_read_under_a_hash_never_kept(store: FileStore) -> None:
    missing = digest(b"never kept")
    assert not await store.exists(missing)
    with pytest.raises(FileNotFoundError):
        await store.read(missing)


async def test_a_deleted_file_is_gone_and_deleting_again_is_no_error(store: FileStore) -> None:
    sha256 = await store.put(PHOTO)
    kept = await store.put(b"kept")

    await store.delete(sha256)
    await store.delete(sha256)

    assert not await store.exists(sha256)
    with pytest.raises(FileNotFoundError):
        await store.read(sha256)
    assert await store.read(kept) == b"kept"


async def test_the_folder_names_files_ab_cd_hash_and_leaves_no_partial_file(
    tmp_path: Path,
) -> None:
    store = FolderStore(tmp_path / "files")
    sha256 = await store.put(PHOTO)

    assert [
        p.relative_to(store.folder).as_posix() for p in store.folder.rglob("*") if p.is_file()
    ] == [f"{sha256[:2]}/{sha256[2:4]}/{sha256}"]
    assert store.hashes() == [sha256]


async def test_the_bucket_names_objects_prefix_ab_cd_hash(s3: S3Server) -> None:
    sha256 = await s3.store("xa-dong/tep/").put(PHOTO)
    await s3.store("").put(b"no prefix")

    assert s3.keys() == sorted(
        [f"xa-dong/tep/{sha256[:2]}/{sha256[2:4]}/{sha256}", _key(digest(b"no prefix"))]
    )


async def test_a_store_out_of_reach_fails_as_an_oserror_and_works_once_back(
    s3: S3Server,
) -> None:
    """The file keeper retries an OSError; the server coming back is all a later put needs."""
    port = free_port()
    with running(port) as endpoint:  # the same moto memory: the bucket is there
        store = S3Store(
            s3.bucket,
            "p",
            endpoint=endpoint,
            region="us-east-1",
            access_key_id="nghe-dan-test",
            secret_access_key=SECRET,
        )
    with pytest.raises(FileStoreError) as failed:
        await store.put(PHOTO)
    assert isinstance(failed.value, OSError)
    assert SECRET not in str(failed.value)  # what the keeper logs holds no key

    with running(port):
        sha256 = await store.put(PHOTO)
        assert await store.read(sha256) == PHOTO


async def test_an_object_changed_in_the_bucket_is_refused_on_reading(s3: S3Server) -> None:
    store = s3.store()
    sha256 = await store.put(PHOTO)
    s3.overwrite(store.key_of(sha256), b"something else")

    with pytest.raises(DamagedFileError):
        await store.read(sha256)


def _key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
