"""A citizen's erasure request through the real bot process: filed by chat, completed by the
Office from its notice's button, the citizen told, the identity gone from the database."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import unicodedata
from pathlib import Path

from localapi import BotApiEmulator
from tests.e2e.harness import BotProcess, Phone, handled, shown_log

CITIZEN = 626262
OFFICE = 100000002  # Văn phòng, the triage department of config.example.toml
NAME = "Đặng Văn Xoá"
PHONE = "0977111222"
ADDRESS = "Xóm Bến Đá, thôn Thượng"
NEIGHBOURS = (626301, 626302, 626303, 626304)


async def test_erasure_requested_completed_and_told(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    database = config_file.parent / "data" / "nghe-dan.sqlite3"
    citizen = Phone(emulator, database, CITIZEN)
    office = Phone(emulator, database, OFFICE)
    with shown_log(log):
        await bot.start()
        await office.says("/viec")  # the officer has opened the chat with the bot
        await citizen.says("/start")
        await citizen.taps("Đồng ý")
        assert str(CITIZEN) in await citizen.says("/dulieu")
        assert "xác nhận" in await citizen.says("/xoadulieu")
        assert "Đã ghi nhận yêu cầu số 1" in await citizen.taps("Xác nhận xóa")
        await office.receives("Yêu cầu xóa dữ liệu cá nhân số 1")
        assert "Đã xóa dữ liệu" in await office.taps("Xóa dữ liệu ngay")
        await citizen.receives("đã xóa dữ liệu cá nhân")
        assert await bot.stop() == 0
    with sqlite3.connect(database) as conn:
        linked = conn.execute(
            "SELECT count(*) FROM people WHERE external_id = ?", (str(CITIZEN),)
        ).fetchone()
        done = conn.execute("SELECT completed_by IS NOT NULL FROM erasure_requests").fetchall()
    assert linked == (0,)
    assert done == [(1,)]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _left_on_disk(database: Path, values: tuple[str, ...]) -> list[str]:
    """Every erased value found in any file of the database (the main file, its write-ahead
    log, its shared-memory index), as UTF-8 or as JSON escapes of it."""
    found = []
    for part in (database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))):
        data = part.read_bytes() if part.exists() else b""
        for value in values:
            forms = {value.encode(), json.dumps(value)[1:-1].encode()}
            found += [f"{part.name}: {value}" for form in forms if form in data]
    return found


async def _logged(log: Path, line: str) -> None:
    for _ in range(400):
        if line.encode() in await asyncio.to_thread(log.read_bytes):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the bot never logged {line!r}")


async def test_nothing_erased_is_left_in_any_file_of_the_database(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    """The write-ahead log keeps old versions of the pages it wrote until a checkpoint empties
    it: erasing must leave no copy there either, while other citizens keep writing."""
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log)
    database = config_file.parent / "data" / "nghe-dan.sqlite3"
    citizen = Phone(emulator, database, CITIZEN)
    office = Phone(emulator, database, OFFICE)
    neighbours = [Phone(emulator, database, user) for user in NEIGHBOURS]
    with shown_log(log):
        await bot.start()
        await office.says("/viec")
        await handled(
            database, emulator.user_sends_text(CITIZEN, "/start", first_name=NAME)["update_id"]
        )
        await citizen.taps("Đồng ý")
        await citizen.taps("Gửi phản ánh")
        await citizen.taps("Phản ánh")
        await citizen.taps("Môi trường")
        await citizen.says(f"Cống đầu ngõ tắc, nước tràn vào nhà. Tôi là Dang Van Xoa, {PHONE}.")
        await citizen.taps("Không có ảnh")
        await citizen.says("bỏ qua")
        await citizen.taps("Có, để lại")
        for answer in (NAME, PHONE, ADDRESS):
            await citizen.says(answer)
        assert "Mã hồ sơ" in await citizen.taps("Gửi")
        await citizen.says("/xoadulieu")
        await citizen.taps("Xác nhận xóa")
        await office.receives("Yêu cầu xóa dữ liệu cá nhân số 1")

        filings = [
            n.files_feedback("Môi trường", f"Rác ùn ứ ở chợ, hộ số {i} báo.", "Chợ xã")
            for i, n in enumerate(neighbours)
        ]
        erased, *filed = await asyncio.gather(office.taps("Xóa dữ liệu ngay"), *filings)
        assert "Đã xóa dữ liệu" in erased
        assert all("Mã hồ sơ" in receipt for receipt, _ in filed)
        await citizen.receives("đã xóa dữ liệu cá nhân")
        await _logged(log, "write-ahead log emptied")

        values = (NAME, PHONE, ADDRESS, "0977 111 222")
        assert _left_on_disk(database, (*values, *map(_plain, values))) == []
        assert await bot.stop() == 0
