"""Three real `nghe-dan run` processes on one PostgreSQL database, killed and restarted.

Each start of a process is an incarnation with a name of its own (slot and count: "a1", "a2",
...): its config differs from the shared one only in the Bot API address, which carries that
name (`BotApiEmulator.base_url_as`), so the emulator's call log says which incarnation polled
and which sent each reply. Everything else (token, database, webhook address, ports before
`--port-offset`) is the one config several processes share in production.

What the database says (cases, events, handled updates, the outbox) is read with psycopg from
outside, as an operator would; what people received is read from the emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString

from psycopg import AsyncConnection

from bot.services.outbox import INTERRUPTED
from localapi import BotApiEmulator
from localapi.calls import Call
from tests.conftest import ROOT, TOKEN
from tests.e2e.harness import BotProcess

SLOTS = ("a", "b", "c")
SECRET = "xa-Son_Ninh-2026-fleet"
WEBHOOK_PATH = "/telegram/nghe-dan"
TELEGRAM = "https://api.telegram.org"  # the example config's Bot API address
REPLIES = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText")


@dataclass
class Incarnation:
    """One start of a slot's process; `killed` is time.monotonic() of its SIGKILL."""

    name: str
    slot: str
    bot: BotProcess
    started: float
    killed: float | None = None


def consecutive_free_ports(count: int) -> int:
    """The first of `count` free ports in a row: one webhook port per process (--port-offset)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first: int = probe.getsockname()[1]
        if first + count > 65535:
            continue
        with contextlib.ExitStack() as held:
            try:
                for port in range(first, first + count):
                    sock = held.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return first
    raise RuntimeError(f"no {count} free ports in a row")


def shared_config(storage_url: str, webhook_port: int | None) -> str:
    """config.example.toml for the test's database and token, at any hour (no quiet hours);
    in webhook mode with the public address nginx would have and the first process's port."""
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    edits = [
        ('token = ""', f'token = "{TOKEN}"'),
        ('path = "data/nghe-dan.sqlite3"', f'url = "{storage_url}"'),
        ('quiet_start = "21:00"', 'quiet_start = "00:00"'),
        ('quiet_end = "06:30"', 'quiet_end = "00:00"'),
    ]
    if webhook_port is not None:
        edits += [
            ('mode = "polling"', 'mode = "webhook"'),
            ('webhook_url = ""', f'webhook_url = "https://xa.example{WEBHOOK_PATH}"'),
            ("port = 8443", f"port = {webhook_port}"),
            (
                '# secret_token = "doi-thanh-chuoi-ngau-nhien-dai-cua-xa"',
                f'secret_token = "{SECRET}"',
            ),
        ]
    for old, new in edits:
        if text.count(old) != 1:
            raise ValueError(f"config.example.toml no longer holds {old!r} once")
        text = text.replace(old, new)
    return text


class Fleet:
    """The processes, one per slot, each started again after it is killed."""

    def __init__(
        self, emu: BotApiEmulator, folder: Path, storage_url: str, *, webhook: bool
    ) -> None:
        self.emu = emu
        self.folder = folder
        self.webhook_port = consecutive_free_ports(len(SLOTS)) if webhook else None
        self.config = shared_config(storage_url, self.webhook_port)
        self.live: dict[str, Incarnation] = {}
        self.incarnations: dict[str, Incarnation] = {}
        self._count = 0
        self.started = time.monotonic()

    @property
    def webhook_targets(self) -> list[str]:
        """Where nginx would forward Telegram's posts: each process's own port."""
        assert self.webhook_port is not None
        return [f"http://127.0.0.1:{self.webhook_port + n}{WEBHOOK_PATH}" for n in range(3)]

    def log(self, slot: str) -> Path:
        return self.folder / f"bot-{slot}.log"

    async def start(self, slot: str) -> Incarnation:
        self._count += 1
        name = f"{slot}{self._count}"
        base = self.emu.base_url_as(name)
        config_file = self.folder / f"{name}.toml"
        config_file.write_text(
            self.config.replace(f'base_url = "{TELEGRAM}"', f'base_url = "{base}"', 1),
            encoding="utf-8",
        )
        options = ("--instance", name, "--port-offset", str(SLOTS.index(slot)))
        bot = BotProcess(config_file, self.log(slot), options=options)
        await bot.start()
        born = Incarnation(name, slot, bot, time.monotonic())
        self.live[slot] = self.incarnations[name] = born
        return born

    async def start_all(self) -> None:
        for slot in SLOTS:
            await self.start(slot)

    async def kill(self, slot: str) -> Incarnation:
        victim = self.live.pop(slot)
        await victim.bot.kill()
        victim.killed = time.monotonic()
        return victim

    async def up(self, incarnation: Incarnation, seconds: float = 60) -> None:
        """Until it has called the Bot API: its signal handlers are set by then, so SIGTERM
        stops it cleanly instead of killing it."""
        deadline = time.monotonic() + seconds
        while not any(call.caller == incarnation.name for call in self.emu.call_log):
            if time.monotonic() > deadline:
                raise AssertionError(f"{incarnation.name} never reached the Bot API")
            await asyncio.sleep(0.05)

    async def stop_all(self) -> dict[str, int]:
        for incarnation in self.live.values():
            await self.up(incarnation)
        return {i.name: await i.bot.stop() for i in self.live.values()}

    def logs(self) -> str:
        return "\n".join(
            f"----- {slot} -----\n" + self.log(slot).read_text(encoding="utf-8", errors="replace")
            for slot in SLOTS
            if self.log(slot).exists()
        )

    # ----- what the emulator saw ------------------------------------------------------
    def polls(self) -> list[Call]:
        return [call for call in self.emu.call_log if call.method == "getUpdates"]

    def poller_at(self, moment: float) -> str | None:
        """The incarnation whose getUpdates came last before `moment`."""
        before = [call for call in self.polls() if call.at <= moment]
        return before[-1].caller if before else None

    def takeover(self, victim: Incarnation) -> float | None:
        """Seconds from the victim's kill to the next getUpdates of another incarnation."""
        assert victim.killed is not None
        after = [c.at for c in self.polls() if c.at > victim.killed and c.caller != victim.name]
        return after[0] - victim.killed if after else None

    def replies(self, chat: int) -> list[Call]:
        """Calls that wrote into `chat` and were served, in the order they arrived."""
        return [
            call
            for call in self.emu.call_log
            if call.method in REPLIES
            and call.status == 200
            and str(call.params.get("chat_id")) == str(chat)
        ]


class Watcher:
    """The ids of handled Telegram updates, read from processed_updates every few hundredths
    of a second by one connection, for every phone at once."""

    def __init__(self, storage_url: str) -> None:
        self.url = storage_url
        self.handled: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Watcher:
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _watch(self) -> None:
        async with await AsyncConnection.connect(self.url, autocommit=True) as conn:
            while True:
                cursor = await conn.execute(
                    "SELECT update_id FROM processed_updates WHERE channel = 'telegram'"
                )
                self.handled = {int(row[0]) for row in await cursor.fetchall()}
                await asyncio.sleep(0.03)

    async def wait(self, update_id: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while update_id not in self.handled:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.03)
        return True


@dataclass
class Action:
    """One thing a person did: its update, when, and what the bot answered in their chat."""

    user: int
    update_id: int
    at: float
    handled: bool = False
    answered: bool = False


@dataclass
class Phone:
    """One person: acts, waits until the update is handled, then acts again."""

    emu: BotApiEmulator
    watcher: Watcher
    user: int
    actions: list[Action] = field(default_factory=list)
    stuck: str = ""  # why the person could not go on, if they could not

    async def act(self, update: dict[str, Any], seconds: float = 90) -> bool:
        seen = len(self.emu.messages_to(self.user))
        action = Action(self.user, int(update["update_id"]), time.monotonic())
        self.actions.append(action)
        action.handled = await self.watcher.wait(action.update_id, seconds)
        action.answered = len(self.emu.messages_to(self.user)) > seen
        if not action.handled:
            self.stuck = f"update {action.update_id} not handled in {seconds} s"
        return action.handled

    async def says(self, text: str) -> bool:
        return await self.act(self.emu.user_sends_text(self.user, text))

    async def taps(self, label: str, containing: str = "") -> bool:
        """Press `label` on the newest message that has it (and holds `containing`)."""
        for message in reversed(self.emu.messages_to(self.user)):
            if containing not in message.get("text", ""):
                continue
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            for button in (b for row in rows for b in row):
                if label in button["text"]:
                    data = button["callback_data"]
                    return await self.act(
                        self.emu.user_presses(self.user, message["message_id"], data)
                    )
        last = self.texts()[-1:] or [""]
        self.stuck = f"no button {label!r} on a message with {containing!r}; last: {last[0][:60]!r}"
        return False

    def texts(self) -> list[str]:
        return [m.get("text") or m.get("caption", "") for m in self.emu.messages_to(self.user)]


@dataclass(frozen=True)
class Notice:
    """An outbox row as the database holds it after the run."""

    recipient: str
    key: str
    text: str
    attempts: int
    sent: bool
    error: str | None


class Ledger:
    """What the shared database holds, read from outside."""

    def __init__(self, storage_url: str) -> None:
        self.url = storage_url

    async def _rows(self, query: LiteralString) -> list[tuple[Any, ...]]:
        async with await AsyncConnection.connect(self.url, autocommit=True) as conn:
            cursor = await conn.execute(query)
            return list(await cursor.fetchall())

    async def codes(self) -> list[str]:
        return [str(r[0]) for r in await self._rows("SELECT code FROM tickets ORDER BY id")]

    async def events(self) -> dict[str, list[str]]:
        """Each case's actions, in order, by code."""
        rows = await self._rows(
            "SELECT t.code, e.action FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
            "ORDER BY e.id"
        )
        events: dict[str, list[str]] = {}
        for code, action in rows:
            events.setdefault(str(code), []).append(str(action))
        return events

    async def notices(self) -> list[Notice]:
        rows = await self._rows(
            "SELECT recipient, dedupe_key, payload, attempts, sent_at, last_error FROM outbox "
            "ORDER BY id"
        )
        return [
            Notice(
                str(r[0]),
                str(r[1]),
                str(json.loads(r[2]).get("text", "")),
                int(r[3]),
                r[4] is not None,
                r[5],
            )
            for r in rows
        ]

    async def settled(self, seconds: float) -> list[Notice]:
        """Wait until every notice is sent or on record as interrupted; the rows then."""
        deadline = time.monotonic() + seconds
        while True:
            rows = await self.notices()
            if all(n.sent or n.error == INTERRUPTED for n in rows):
                return rows
            if time.monotonic() > deadline:
                return rows
            await asyncio.sleep(0.2)


def unhandled(phones: Iterable[Phone]) -> list[int]:
    return [a.update_id for p in phones for a in p.actions if not a.handled]
