"""The real `nghe-dan run` process and the people who talk to it through the emulator."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from localapi import BotApiEmulator
from localapi.zalo import ZaloApiEmulator

NGHE_DAN = Path(sys.executable).parent / "nghe-dan"


class BotProcess:
    """`nghe-dan run`; `verbose` logs at DEBUG, `environ` adds NGHE_DAN_* variables, `options`
    are added to `run`'s."""

    def __init__(
        self,
        config_file: Path,
        log: Path,
        *,
        verbose: bool = False,
        environ: dict[str, str] | None = None,
        options: tuple[str, ...] = (),
    ) -> None:
        self.config_file = config_file
        self.log = log
        self.verbose = verbose
        self.environ = environ or {}
        self.options = options
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("NGHE_DAN_")}
        env |= self.environ
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                str(NGHE_DAN),
                *(["--verbose"] if self.verbose else []),
                "run",
                "--config",
                str(self.config_file),
                *self.options,
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


async def start_demo(log: Path, *args: str) -> tuple[asyncio.subprocess.Process, list[str], str]:
    """Start `nghe-dan` (the demo, or run falling back to it) and read what it prints up to the
    page's address, which comes last, in English; what it logs goes to `log`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NGHE_DAN_")}
    with log.open("ab") as log_file:
        process = await asyncio.create_subprocess_exec(
            str(NGHE_DAN), *args, stdout=asyncio.subprocess.PIPE, stderr=log_file, env=env
        )
    assert process.stdout is not None
    lines: list[str] = []
    while not any("open http://" in line for line in lines):
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line, f"the demo ended before showing its address: {lines}"
        lines.append(line.decode())
    url = next(word for word in lines[-1].split() if word.startswith("http://"))
    return process, lines, url


async def interrupt(process: asyncio.subprocess.Process) -> int:
    """Ctrl-C, as a person at the terminal stops the demo."""
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0


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


async def quarantined(db_path: Path) -> list[tuple[str, int | None, str, str]]:
    """The updates set aside as unreadable: (channel, update id, raw JSON, error), oldest first."""
    async with (
        aiosqlite.connect(db_path) as conn,
        conn.execute(
            "SELECT channel, update_id, raw, error FROM quarantined_updates ORDER BY id"
        ) as cursor,
    ):
        return [(row[0], row[1], row[2], row[3]) async for row in cursor]


def press(emu: BotApiEmulator, user: int, label: str, on: str = "") -> dict[str, Any]:
    """Press the button labelled `label` on the newest message to `user` that has it and whose
    text holds `on`: a person taps the card they are looking at, even when a notice that the
    outbox sent late came after it."""
    for message in reversed(emu.messages_to(user)):
        if on not in (message.get("text") or message.get("caption") or ""):
            continue
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        for button in (b for row in rows for b in row):
            if label in button["text"]:
                return emu.user_presses(user, message["message_id"], button["callback_data"])
    raise AssertionError(f"no button {label!r} in {emu.messages_to(user)}")


def alerts(emu: BotApiEmulator, update: dict[str, Any]) -> list[str]:
    """What the bot answered a press with, if `update` is one: a refusal shows only there."""
    query = str(update.get("callback_query", {}).get("id"))
    return [str(a["text"]) for a in emu.callback_answers if str(a["callback_query_id"]) == query]


def shown(emu: BotApiEmulator, user: int) -> dict[int, dict[str, Any]]:
    """The bot's messages in the chat as shown now, by id."""
    return {m["message_id"]: m for m in emu.messages_to(user)}


def changed(
    emu: BotApiEmulator, user: int, before: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The bot's answer since `before`: its new messages, and the pressed message edited into
    the next question (one call a tap, issue #19)."""
    return [m for m in emu.messages_to(user) if before.get(m["message_id"]) != m]


class Phone:
    """One person's phone: does one thing, waits until the bot is done, reads the answer."""

    def __init__(self, emu: BotApiEmulator, db_path: Path, user: int) -> None:
        self.emu = emu
        self.db_path = db_path
        self.user = user
        self.last_update: dict[str, Any] = {}

    async def _answer(self, act: Callable[[], dict[str, Any]]) -> str:
        before = shown(self.emu, self.user)
        update = self.last_update = act()
        await handled(self.db_path, update["update_id"])
        new = changed(self.emu, self.user, before)
        assert new, f"every action gets an answer; alerts: {alerts(self.emu, update)}"
        return "\n".join(m.get("text") or m.get("caption", "") for m in new)

    async def says(self, text: str) -> str:
        return await self._answer(lambda: self.emu.user_sends_text(self.user, text))

    async def taps(self, label: str, on: str = "") -> str:
        return await self._answer(lambda: press(self.emu, self.user, label, on))

    async def sends_photo(self, data: bytes) -> str:
        return await self._answer(lambda: self.emu.user_sends_photo(self.user, data=data))

    async def sends_voice(self, data: bytes, duration: int) -> str:
        return await self._answer(
            lambda: self.emu.user_sends_voice(self.user, duration=duration, data=data)
        )

    async def files_feedback(self, category: str, content: str, place: str) -> tuple[str, str]:
        """Consent, then a feedback without photos or contact; the receipt and the case code."""
        await self.says("/start")
        await self.taps("Đồng ý")
        await self.taps("Gửi phản ánh")
        await self.taps("Phản ánh")
        await self.taps(category)
        await self.says(content)
        await self.taps("Không có ảnh")
        await self.says(place)
        await self.taps("Không cần")
        receipt = await self.taps("Gửi")
        return receipt, receipt.split("Mã hồ sơ: ")[1].split()[0]

    async def receives(self, words: str, seconds: int = 20) -> str:
        """Wait for a message the bot sends on its own (a notice, a reminder)."""
        for _ in range(seconds * 20):
            for message in self.emu.messages_to(self.user):
                if words in message.get("text", ""):
                    return str(message["text"])
            await asyncio.sleep(0.05)
        raise AssertionError(f"{self.user} never got {words!r}: {self.emu.messages_to(self.user)}")


async def zalo_handled(db_path: Path, event_key: str) -> None:
    """Wait until the bot has finished with a Zalo update: its inbox row is recorded handled."""
    for _ in range(400):
        try:
            async with (
                aiosqlite.connect(f"{db_path.as_uri()}?mode=ro", uri=True) as conn,
                conn.execute(
                    "SELECT 1 FROM inbox i JOIN processed_updates p ON p.channel = i.channel "
                    "AND p.update_id = i.id WHERE i.channel = 'zalo' AND i.event_key = ?",
                    (event_key,),
                ) as cursor,
            ):
                if await cursor.fetchone():
                    return
        except aiosqlite.OperationalError:
            pass  # the bot has not created its database yet
        await asyncio.sleep(0.05)
    raise AssertionError(f"Zalo update {event_key} was not handled in 20 s")


class ZaloPhone:
    """A Zalo citizen's phone: does one thing, waits until the bot is done, reads the answer."""

    def __init__(self, emu: ZaloApiEmulator, db_path: Path, user: str) -> None:
        self.emu = emu
        self.db_path = db_path
        self.user = user

    async def _answer(self, event: str, act: Callable[[], str]) -> str:
        seen = len(self.emu.sent_to(self.user))
        message_id = act()
        await zalo_handled(self.db_path, f"message.{event}.received:{message_id}")
        new = self.emu.sent_to(self.user)[seen:]
        assert new, "every message gets an answer"
        return "\n".join(sent.text or sent.caption for sent in new)

    async def says(self, text: str) -> str:
        return await self._answer("text", lambda: self.emu.user_sends_text(self.user, text))

    async def sends_image(self, image: bytes | None = None, *, once: bool = False) -> str:
        return await self._answer(
            "image", lambda: self.emu.user_sends_image(self.user, image, once=once)
        )

    async def picks(self, label: str) -> str:
        """Type the number written before `label` in the newest message that lists it."""
        for sent in reversed(self.emu.sent_to(self.user)):
            for line in sent.text.splitlines():
                number, _, rest = line.partition(". ")
                if number.isdigit() and label in rest:
                    return await self.says(number)
        raise AssertionError(f"no numbered {label!r} in {self.emu.sent_to(self.user)}")

    async def receives(self, words: str) -> str:
        return (await self.emu.wait_for(self.user, words, timeout=20)).text
