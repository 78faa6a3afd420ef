"""The real `nghe-dan run` process against a Bot API emulator on 127.0.0.1.

A citizen files a case as on a phone; the bot is killed with SIGKILL half-way, started again,
and the citizen finishes the case and looks it up.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from tests.conftest import ROOT, TOKEN
from tests.e2e.bot_api_emulator import BotApiEmulator

CITIZEN = 424242
NGHE_DAN = Path(sys.executable).parent / "nghe-dan"


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emu:
        yield emu


@pytest.fixture
def config_file(tmp_path: Path, emulator: BotApiEmulator) -> Path:
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace('token = ""', f'token = "{TOKEN}"')
    text = text.replace(
        'base_url = "https://api.telegram.org"', f'base_url = "{emulator.base_url}"'
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


class BotProcess:
    def __init__(self, config_file: Path, log: Path) -> None:
        self.config_file = config_file
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NGHE_DAN_")}
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                str(NGHE_DAN),
                "run",
                "--config",
                str(self.config_file),
                stdout=log,
                stderr=log,
                env=env,
            )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=20)
        return self.process.returncode or 0


@contextmanager
def shown_log(log: Path) -> Iterator[None]:
    """On failure, show what the bot logged: the only window into another process."""
    try:
        yield
    except BaseException:
        sys.stderr.write(log.read_text(encoding="utf-8", errors="replace"))
        raise


async def handled(db_path: Path, update_id: int) -> None:
    """Wait until the bot has finished with an update: it records the id after saving state."""
    for _ in range(400):
        try:
            async with (
                aiosqlite.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as conn,
                conn.execute(
                    "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
                ) as cursor,
            ):
                if await cursor.fetchone():
                    return
        except aiosqlite.OperationalError:
            pass  # the bot has not created its database yet
        await asyncio.sleep(0.05)
    raise AssertionError(f"update {update_id} was not handled in 20 s")


def press(emu: BotApiEmulator, label: str) -> dict[str, Any]:
    """Press the button labelled `label` on the newest message that has it."""
    for message in reversed(emu.messages_to(CITIZEN)):
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        for button in (b for row in rows for b in row):
            if label in button["text"]:
                return emu.user_presses(CITIZEN, message["message_id"], button["callback_data"])
    raise AssertionError(f"no button {label!r} in {emu.messages_to(CITIZEN)}")


class Citizen:
    """The citizen's phone: does one thing, waits until the bot is done, reads the answer."""

    def __init__(self, emu: BotApiEmulator, db_path: Path) -> None:
        self.emu = emu
        self.db_path = db_path

    async def answer(self, update: dict[str, Any]) -> str:
        seen = len(self.emu.messages_to(CITIZEN))
        await handled(self.db_path, update["update_id"])
        new = self.emu.messages_to(CITIZEN)[seen:]
        assert new, "every action gets an answer"
        return "\n".join(m["text"] for m in new)

    async def says(self, text: str) -> str:
        return await self.answer(self.emu.user_sends_text(CITIZEN, text))

    async def taps(self, label: str) -> str:
        return await self.answer(press(self.emu, label))


async def test_file_a_case_across_a_kill_and_look_it_up(
    emulator: BotApiEmulator, config_file: Path, tmp_path: Path
) -> None:
    emu = emulator
    log = tmp_path / "bot.log"
    db_path = config_file.parent / "data" / "nghe-dan.sqlite3"
    bot = BotProcess(config_file, log)
    citizen = Citizen(emu, db_path)
    content = "Rác thải đổ trộm ở đầu ngõ 3 thôn Đông đã một tuần chưa dọn."
    with shown_log(log):
        await bot.start()
        assert "Ông/bà có đồng ý không?" in await citizen.says("/start")
        assert "Ông/bà cần gì ạ?" in await citizen.taps("Đồng ý")
        await citizen.taps("Gửi phản ánh")
        await citizen.taps("Phản ánh")
        assert "Xin ông/bà viết nội dung" in await citizen.taps("Môi trường")
        assert "Ông/bà có ảnh" in await citizen.says(content)

        await bot.kill()
        assert bot.process is not None
        assert bot.process.returncode == -signal.SIGKILL
        await bot.start()

        assert "gửi vị trí" in await citizen.taps("Không có ảnh")
        await citizen.says("Đầu ngõ 3, thôn Đông")
        summary = await citizen.taps("Không cần")
        assert content in summary
        send = press(emu, "Gửi")
        receipt = await citizen.answer(send)
        found = re.search(r"Mã hồ sơ: (SN-\d{4}-00001)", receipt)
        assert found, receipt
        code = found.group(1)
        # Telegram delivers the confirmation again (as after a crash before confirming it):
        # the next answer shows it changed nothing.
        emu.redeliver(send["update_id"])
        listing = await citizen.says("/tracuu")
        assert f"{code} · Phản ánh · Đã tiếp nhận" in listing
        assert "Đã gửi đơn thành công" not in listing
        assert await bot.stop() == 0

    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute("SELECT code, content, place FROM tickets") as cursor,
    ):
        stored = await cursor.fetchall()
    assert [tuple(r) for r in stored] == [(code, content, "Đầu ngõ 3, thôn Đông")]
    commands = [c["command"] for c in emu.commands()]
    assert commands == ["start", "guidon", "tracuu", "lich", "huy", "trogiup"]
    assert TOKEN not in log.read_text(encoding="utf-8")
