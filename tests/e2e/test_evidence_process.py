"""Issue #20's evidence kept by the commune, through the real `nghe-dan run` process: a Telegram
citizen files with two photos and a voice note, a Zalo citizen with a photo whose URL dies
right after the bot fetched it; the officer receives every file; a day later (the process
started again, Telegram no longer knowing the citizen's own file ids, the Zalo URL dead) /hoso
still shows every file, from the commune's store, then by the ids of its own uploads; the
report's workbook lists them and `nghe-dan export-audit` zips them with their hashes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.config import ZALO_TOKEN_ENV
from localapi import BotApiEmulator
from localapi.files import UploadedFile
from localapi.zalo import ZaloApiEmulator
from tests.e2e.harness import BotProcess, Phone, ZaloPhone, shown_log
from tests.e2e.test_files_process import kept
from tests.e2e.test_zalo_process import with_zalo, zalo_emulator
from tests.support.zalo import ZALO_TOKEN

__all__ = ["zalo_emulator"]  # the fixture, used here by name
CITIZEN = 464646
ZALO_CITIZEN = "zalo-5e7a11"
ECONOMY = 100000003  # officer, Phòng Kinh tế: the example routes Môi trường there
PHOTO_1 = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 rac thai do xuong muong \xff\xd9"
PHOTO_2 = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 muong bi tac nuoc den \xff\xd9"
VOICE = b"OggS\x00\x02 ba con keu ca ve mui hoi tu muong"
ZALO_PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00 cot dien nghieng sat mai nha \xff\xd9"

FileMessage = dict[str, Any]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_of(message: FileMessage) -> str:
    """The id of the file a message to the officer carried (a photo's largest size)."""
    if "photo" in message:
        return str(message["photo"][-1]["file_id"])
    return str(message["voice"]["file_id"])


async def officer_files(emu: BotApiEmulator, code: str, count: int) -> list[FileMessage]:
    """The photos and voice messages of case `code` the officer received, once `count` came."""
    files: list[FileMessage] = []
    for _ in range(30 * 20):
        files = [
            m
            for m in emu.messages_to(ECONOMY)
            if ("photo" in m or "voice" in m) and code in m.get("caption", "")
        ]
        if len(files) >= count:
            return files
        await asyncio.sleep(0.05)
    raise AssertionError(f"the officer got {len(files)} of the {count} files of {code}")


async def files_telegram(citizen: Phone) -> tuple[str, list[str]]:
    """Two photos and a voice note; the code, and the citizen's own file ids."""
    await citizen.says("/start")
    await citizen.taps("Đồng ý")
    await citizen.taps("Gửi phản ánh")
    await citizen.taps("Phản ánh")
    await citizen.taps("Môi trường")
    await citizen.says("Rác thải đổ xuống mương thôn Bắc, nước đen và bốc mùi.")
    own = []
    for photo in (PHOTO_1, PHOTO_2):
        await citizen.sends_photo(photo)
        own.append(citizen.last_update["message"]["photo"][-1]["file_id"])
    await citizen.sends_voice(VOICE, 20)
    own.append(citizen.last_update["message"]["voice"]["file_id"])
    await citizen.says("xong")
    await citizen.says("Mương thôn Bắc")
    assert "🎤 1 tin nhắn thoại (20 giây)" in await citizen.taps("Không cần")
    receipt = await citizen.taps("Gửi")
    return receipt.split("Mã hồ sơ: ")[1].split()[0], own


async def files_zalo(citizen: ZaloPhone) -> str:
    await citizen.says("/start")
    await citizen.picks("Đồng ý")
    await citizen.picks("Gửi phản ánh")
    await citizen.picks("Phản ánh")
    await citizen.picks("Môi trường")
    await citizen.says("Cột điện nghiêng sát mái nhà dân ở xóm Giữa, rất nguy hiểm.")
    assert "Đã nhận ảnh 1/" in await citizen.sends_image(ZALO_PHOTO, once=True)
    await citizen.picks("Xong, sang bước tiếp")
    await citizen.says("Xóm Giữa")
    await citizen.picks("Không cần")
    receipt = await citizen.picks("Gửi")
    return receipt.split("Mã hồ sơ: ")[1].split()[0]


def file_sends(emu: BotApiEmulator, since: int) -> list[tuple[str, bool]]:
    """The files sent to the officer since the `since`-th call: the method, and whether the
    file was uploaded (rather than named by an id)."""
    field = {"sendPhoto": "photo", "sendVoice": "voice"}
    return [
        (method, isinstance(params[field[method]], UploadedFile))
        for method, params in emu.calls[since:]
        if method in field and int(params["chat_id"]) == ECONOMY
    ]


def nghe_dan(environ: dict[str, str], *args: str) -> None:
    """A command of the operator's, on the bot's own config; it must succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NGHE_DAN_")} | environ
    done = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**env, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def workbook_files(path: Path) -> dict[str, list[str]]:
    """The attachments sheet: each case code's SHA-256 column, in order."""
    sheet = load_workbook(path, read_only=True)["Tệp đính kèm"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r and "Mã băm SHA-256" in r)
    code_at, sha_at = 0, header.index("Mã băm SHA-256")
    listed: dict[str, list[str]] = {}
    for row in sheet.iter_rows(values_only=True):
        if len(row) > sha_at and isinstance(row[sha_at], str) and len(row[sha_at]) == 64:
            listed.setdefault(str(row[code_at]), []).append(row[sha_at])
    return listed


async def status_of(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status


@pytest.mark.slow
async def test_every_file_reaches_the_officer_and_is_shown_again_a_day_later(
    emulator: BotApiEmulator, zalo_emulator: ZaloApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    with_zalo(config_file, zalo_emulator)
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    environ = {ZALO_TOKEN_ENV: ZALO_TOKEN}
    citizen = Phone(emulator, db_path, CITIZEN)
    zalo_citizen = ZaloPhone(zalo_emulator, db_path, ZALO_CITIZEN)
    officer = Phone(emulator, db_path, ECONOMY)
    with shown_log(log):
        bot = BotProcess(config_file, log, environ=environ)
        await bot.start()
        await officer.says("/start")
        # Telegram's downloads wait until the card's files are out: they go by the citizen's
        # own file ids then, nothing being kept yet, and nothing of this case is uploaded.
        emulator.hold_downloads()
        code, own_ids = await files_telegram(citizen)
        on_card = await officer_files(emulator, code, 3)
        card_files = [emulator.file_bytes(file_of(m)) for m in on_card]
        emulator.release_downloads()
        zalo_code = await files_zalo(zalo_citizen)
        [zalo_on_card] = await officer_files(emulator, zalo_code, 1)
        stored = await kept(db_path)
        assert await bot.stop() == 0

        # The Zalo URL answered once, to the bot's download, and is dead since.
        [image_url] = [
            e["message"]["photo"] for e in zalo_emulator.events.history if "photo" in e["message"]
        ]
        assert await status_of(image_url) == 404
        # A day later: Telegram no longer knows the citizen's own file ids.
        for file_id in own_ids:
            emulator.files.forget(file_id)
        again = BotProcess(config_file, log, environ=environ)
        await again.start()
        before = len(emulator.calls)
        await officer.says(f"/hoso {code}")
        from_store = await officer_files(emulator, code, 6)
        uploads = file_sends(emulator, before)
        before = len(emulator.calls)
        await officer.says(f"/hoso {code}")
        by_ids = await officer_files(emulator, code, 9)
        named = file_sends(emulator, before)
        before = len(emulator.calls)
        await officer.says(f"/hoso {zalo_code}")
        [*_, zalo_later] = await officer_files(emulator, zalo_code, 2)
        zalo_named = file_sends(emulator, before)
        assert await again.stop() == 0

    config = ("--config", str(config_file))
    today = datetime.now(UTC).date()
    book = tmp_path / "bao-cao.xlsx"
    span = (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()
    nghe_dan(environ, "report", *config, "--from", span[0], "--to", span[1], "--out", str(book))
    archive = tmp_path / f"{code}.zip"
    nghe_dan(environ, "export-audit", *config, "--code", code, "--out", str(archive))

    originals = [PHOTO_1, PHOTO_2, VOICE]
    assert sorted(sha for _, sha in stored) == sorted(sha256(d) for d in [*originals, ZALO_PHOTO])
    assert {status for status, _ in stored} == {"kept"}
    # The card: every file, the Zalo photo from the store although its URL died at once.
    assert card_files == originals
    assert len(stored) == 4
    assert emulator.file_bytes(file_of(zalo_on_card)) == ZALO_PHOTO
    # /hoso a day later: the kept files, uploaded again, then by the ids those uploads got.
    shown = from_store[3:6]
    assert [emulator.file_bytes(file_of(m)) for m in shown] == originals
    assert not {file_of(m) for m in shown} & set(own_ids)
    assert [m["caption"] for m in shown] == [
        f"Ảnh 1 của hồ sơ {code}",
        f"Ảnh 2 của hồ sơ {code}",
        f"🎤 Tin nhắn thoại 1 của hồ sơ {code} (20 giây)",
    ]
    assert uploads == [("sendPhoto", True), ("sendPhoto", True), ("sendVoice", True)]
    assert [emulator.file_bytes(file_of(m)) for m in by_ids[6:9]] == originals
    assert named == [("sendPhoto", False), ("sendPhoto", False), ("sendVoice", False)]
    # The Zalo photo was uploaded once, for the card; /hoso names the id that upload got.
    assert emulator.file_bytes(file_of(zalo_later)) == ZALO_PHOTO
    assert zalo_named == [("sendPhoto", False)]
    # The report lists every file by the hash it was kept under.
    listed = workbook_files(book)
    assert listed[code] == [sha256(d) for d in originals]
    assert listed[zalo_code] == [sha256(ZALO_PHOTO)]
    # The export holds the files themselves, whose hashes match the manifest, SHA256SUMS and
    # the hashes recorded when they were kept.
    with zipfile.ZipFile(archive) as zipped:
        members = {name: zipped.read(name) for name in zipped.namelist()}
    sums = dict(
        reversed(line.split("  ", 1)) for line in members["SHA256SUMS"].decode().splitlines()
    )
    assert {name: sha256(members[name]) for name in sums} == sums
    exported = sorted(data for name, data in members.items() if name.startswith("files/"))
    assert exported == sorted(originals)
    manifest = json.loads(members["manifest.json"])
    assert [f["sha256"] for f in manifest["files"]] == [sha256(d) for d in originals]
