"""The file keeper with an S3-compatible object store (`[storage] files_url`), a real one started
by the test (tests/support/s3.py): the case's photos end up as objects named by their hash, and
a store out of reach is retried like a full disk, the case and its queue untouched."""

from __future__ import annotations

from pydantic import SecretStr

from bot.config import Config, StorageConfig
from bot.domain.files import retry_delay
from bot.services.file_keeping import FileKeeper
from bot.services.file_stores import open_file_store
from storage.database import Database
from storage.file_store import digest
from storage.s3_store import S3Store
from tests.services.factories import fetch
from tests.services.test_file_keeping import Channel, filed, photos, states
from tests.support.clock import FixedClock
from tests.support.s3 import KEY_ID, REGION, SECRET, free_port, running, s3_server


def s3_storage(config: Config, endpoint: str, bucket: str) -> StorageConfig:
    return config.storage.model_copy(
        update={
            "files_url": f"s3://{bucket}/xa-dong",
            "files_endpoint": endpoint,
            "files_region": REGION,
            "files_access_key_id": SecretStr(KEY_ID),
            "files_secret_access_key": SecretStr(SECRET),
        }
    )


async def test_the_keeper_keeps_each_photo_as_an_object_named_by_its_hash(
    db: Database, clock: FixedClock, config: Config
) -> None:
    ticket = await filed(db, clock, config)
    with s3_server() as s3:
        store = open_file_store(s3_storage(config, s3.endpoint, s3.bucket))
        assert isinstance(store, S3Store)

        assert await FileKeeper(db, clock, store, Channel(photos()), instance="p1").keep_due() == 3

        kept = await states(db, ticket)
        assert [s.status for s in kept] == ["kept"] * 3
        hashes = sorted({digest(data) for data in photos().values()})
        assert s3.keys() == [f"xa-dong/{h[:2]}/{h[2:4]}/{h}" for h in hashes]
        for state, reference in zip(kept, ("file-a", "file-b", "file-c"), strict=True):
            assert state.sha256 is not None
            assert await store.read(state.sha256) == photos()[reference]
    assert not config.storage.files_folder.exists()  # nothing went to the folder


async def test_a_store_out_of_reach_is_retried_and_the_case_is_never_lost(
    db: Database, clock: FixedClock, config: Config
) -> None:
    ticket = await filed(db, clock, config)
    port = free_port()
    with s3_server() as s3:
        store = open_file_store(s3_storage(config, f"http://127.0.0.1:{port}", s3.bucket))
        files = FileKeeper(db, clock, store, Channel(photos()), instance="p1")

        assert await files.keep_due() == 3  # nobody answers at the port yet

        waiting = await states(db, ticket)
        assert [(s.status, s.attempts) for s in waiting] == [("pending", 1)] * 3
        assert all((s.last_error or "").startswith("store: s3 ") for s in waiting)
        assert SECRET not in " ".join(s.last_error or "" for s in waiting)
        [(code,)] = await fetch(db, "SELECT code FROM tickets WHERE id = ?", (ticket.id,))
        assert code == ticket.code

        with running(port):  # the store is back
            clock.advance(retry_delay(1))
            assert await files.keep_due() == 3
            assert [s.status for s in await states(db, ticket)] == ["kept"] * 3
            assert len(s3.keys()) == 2  # b and c are the same picture
