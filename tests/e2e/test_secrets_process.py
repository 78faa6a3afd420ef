"""The real process at DEBUG level through a tố cáo: neither its log, nor its database file, nor
a backup of it holds the token, the key, or the denouncer's name and phone."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.config import SECRET_KEY_ENV
from localapi import BotApiEmulator
from tests.conftest import SECRET_KEY, TOKEN
from tests.e2e.harness import NGHE_DAN, BotProcess, Phone, shown_log

DENOUNCER = 626262
CHAIRMAN = 100000001  # the example config's chairman (leader)
NAME = "Võ Thị Bí Mật"
PHONE = "0977123456"
ADDRESS = "Xóm Chùa, thôn Nam"


def leaked(data: bytes, *secrets: str) -> list[str]:
    return [secret for secret in secrets if secret.encode() in data]


def database_bytes(path: Path) -> bytes:
    found = b""
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists():
            found += part.read_bytes()
    return found


async def test_a_denunciation_leaves_no_secret_behind(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log, verbose=True, environ={SECRET_KEY_ENV: SECRET_KEY})
    citizen = Phone(emulator, db_path, DENOUNCER)
    leader = Phone(emulator, db_path, CHAIRMAN)
    with shown_log(log):
        await bot.start()
        await leader.says("/start")
        await citizen.says("/start")
        await citizen.taps("Đồng ý")
        await citizen.taps("Gửi phản ánh")
        await citizen.taps("Tố cáo")
        await citizen.taps("Đất đai")
        await citizen.says("Cán bộ địa chính X nhận tiền của các hộ để cấp sổ đỏ sai quy định.")
        await citizen.taps("Không có ảnh")
        await citizen.says("bỏ qua")
        await citizen.says(NAME)
        await citizen.says(PHONE)
        await citizen.says(ADDRESS)
        receipt = await citizen.taps("Gửi")
        code = receipt.split("Mã hồ sơ: ")[1].split()[0]

        card = await leader.receives(f"Hồ sơ mới {code}")
        assert NAME not in card
        shown = await leader.taps("Xem danh tính")
        assert NAME in shown
        assert PHONE in shown
        await leader.taps("Tiếp nhận")
        # Told through the pseudonym: the sender opens it to find the denouncer's chat.
        await citizen.receives("đã được thụ lý")
        assert await bot.stop() == 0

    backup = tmp_path / "backup.sqlite3"
    copying = await asyncio.create_subprocess_exec(
        str(NGHE_DAN), "backup", "--config", str(config_file), "--out", str(backup)
    )
    assert await copying.wait() == 0
    logged = log.read_bytes()
    assert b" DEBUG " in logged, "the run logged at DEBUG level"
    secrets = (TOKEN, TOKEN.split(":")[1], SECRET_KEY, NAME, PHONE, ADDRESS)
    assert leaked(logged, *secrets) == []
    assert leaked(database_bytes(db_path), *secrets) == []
    assert leaked(backup.read_bytes(), *secrets) == []
    with sqlite3.connect(db_path) as conn:
        [(action,)] = conn.execute(
            "SELECT action FROM ticket_events WHERE action = 'identity_viewed'"
        ).fetchall()
    assert action == "identity_viewed"


def swap_token(config_file: Path, token: str) -> None:
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace(TOKEN, token), encoding="utf-8")


async def test_a_rejected_token_is_not_printed(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    """The chat library puts the token in its error ("The token `…` was rejected")."""
    wrong = "987654321:AAHwrongTOKENzyxwvutsrqponmlkjih"
    swap_token(config_file, wrong)
    log = tmp_path / "bot.log"
    bot = BotProcess(config_file, log, verbose=True, environ={SECRET_KEY_ENV: SECRET_KEY})
    await bot.start()
    assert bot.process is not None
    # It gives up by itself, without being stopped.
    assert await asyncio.wait_for(bot.process.wait(), 60) != 0
    logged = log.read_bytes()
    assert b"rejected" in logged or b"Unauthorized" in logged or b"nvalid" in logged, logged
    assert leaked(logged, wrong, wrong.split(":")[1], SECRET_KEY) == []
