"""The real `nghe-dan run` process keeps a case's photo itself: a citizen files with a photo
through the Bot API emulator, gets the receipt at once, and the process's file keeper job
downloads the photo into `[storage] files` by its hash, with the hash in the case's events; or,
with `[storage] files_url`, into an S3-compatible object store (a real one, tests/support/s3.py)."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import aiosqlite

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, shown_log
from tests.support.s3 import KEY_ID, REGION, SECRET, S3Server, s3_server

CITIZEN = 434343
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 cong thoat nuoc vo \xff\xd9"


async def kept(db_path: Path, seconds: int = 30) -> list[tuple[str, str | None]]:
    """The attachments' (status, hash), once none is pending (the keeper's job runs every few
    seconds); as they are after `seconds` otherwise."""
    rows: list[tuple[str, str | None]] = []
    for _ in range(seconds * 10):
        async with (
            aiosqlite.connect(db_path) as conn,
            conn.execute("SELECT status, sha256 FROM attachment_files") as cursor,
        ):
            rows = [(r[0], r[1]) for r in await cursor.fetchall()]
        if rows and all(status != "pending" for status, _ in rows):
            return rows
        await asyncio.sleep(0.1)
    return rows


async def file_with_photo(citizen: Phone) -> None:
    await citizen.says("/start")
    await citizen.taps("Đồng ý")
    await citizen.taps("Gửi phản ánh")
    await citizen.taps("Phản ánh")
    await citizen.taps("Môi trường")
    await citizen.says("Cống thoát nước trước chợ bị vỡ, nước tràn ra đường.")
    await citizen.sends_photo(PHOTO)
    await citizen.says("xong")
    await citizen.says("Trước chợ xã")
    await citizen.taps("Không cần")
    assert "Đã gửi đơn thành công" in await citizen.taps("Gửi")


async def test_the_process_keeps_the_photo_a_citizen_filed(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Phone(emulator, db_path, CITIZEN)
    with shown_log(log):
        await bot.start()
        await file_with_photo(citizen)
        stored = await kept(db_path)
        assert await bot.stop() == 0

    sha256 = hashlib.sha256(PHOTO).hexdigest()
    assert stored == [("kept", sha256)]
    path = config_file.parent / "data" / "files" / sha256[:2] / sha256[2:4] / sha256
    assert path.read_bytes() == PHOTO
    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute("SELECT note FROM ticket_events WHERE action = 'file_kept'") as cursor,
    ):
        notes = [r[0] for r in await cursor.fetchall()]
    assert len(notes) == 1
    assert f"sha256:{sha256}" in notes[0]


def use_object_store(config_file: Path, s3: S3Server) -> None:
    text = config_file.read_text(encoding="utf-8").replace(
        '# files = "data/files"',
        f'files_url = "s3://{s3.bucket}/xa-dong"\nfiles_endpoint = "{s3.endpoint}"\n'
        f'files_region = "{REGION}"',
    )
    config_file.write_text(text, encoding="utf-8")


async def test_with_an_object_store_the_process_keeps_the_photo_in_the_bucket(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    """`[storage] files_url` with the keys in the environment, as deploy/README sets them."""
    with s3_server() as s3:
        use_object_store(config_file, s3)
        log = tmp_path / "bot.log"
        db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
        keys = {"NGHE_DAN_S3_ACCESS_KEY_ID": KEY_ID, "NGHE_DAN_S3_SECRET_ACCESS_KEY": SECRET}
        bot = BotProcess(config_file, log, environ=keys, verbose=True)
        with shown_log(log):
            await bot.start()
            await file_with_photo(Phone(emulator, db_path, CITIZEN))
            stored = await kept(db_path)
            assert await bot.stop() == 0

        sha256 = hashlib.sha256(PHOTO).hexdigest()
        assert stored == [("kept", sha256)]
        assert s3.keys() == [f"xa-dong/{sha256[:2]}/{sha256[2:4]}/{sha256}"]
        assert await s3.store("xa-dong").read(sha256) == PHOTO
    assert not (config_file.parent / "data" / "files").exists()
    assert SECRET not in log.read_text(encoding="utf-8")


async def test_a_kill_during_a_download_loses_nothing(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    """kill -9 while the photo is being downloaded: the case and its receipt stand, the row
    stays claimed by the dead process, and the process started again under the same instance
    name (a systemd unit's) takes its own claim back and keeps the photo, once."""
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    instance = ("--instance", "p1")
    citizen = Phone(emulator, db_path, CITIZEN)
    emulator.hold_downloads()
    with shown_log(log):
        first = BotProcess(config_file, log, options=instance)
        await first.start()
        await file_with_photo(citizen)
        await asyncio.wait_for(emulator.download_asked.wait(), 30)
        await first.kill()
        async with (
            aiosqlite.connect(db_path) as conn,
            conn.execute("SELECT status, claimed_by FROM attachment_files") as cursor,
        ):
            assert [tuple(r) for r in await cursor.fetchall()] == [("pending", "p1")]

        emulator.release_downloads()
        again = BotProcess(config_file, log, options=instance)
        await again.start()
        stored = await kept(db_path)
        assert await again.stop() == 0

    sha256 = hashlib.sha256(PHOTO).hexdigest()
    assert stored == [("kept", sha256)]
    path = config_file.parent / "data" / "files" / sha256[:2] / sha256[2:4] / sha256
    assert path.read_bytes() == PHOTO
    async with aiosqlite.connect(db_path) as conn:
        async with conn.execute("SELECT count(*) FROM tickets") as cursor:
            assert (await cursor.fetchone()) == (1,)
        async with conn.execute(
            "SELECT count(*) FROM ticket_events WHERE action = 'file_kept'"
        ) as cursor:
            assert (await cursor.fetchone()) == (1,)
    receipts = [m for m in emulator.messages_to(CITIZEN) if "Đã gửi đơn" in m.get("text", "")]
    assert len(receipts) == 1
