"""Processes: citizens filing cases through real `nghe-dan run` processes, as deployed.

`processes` bot processes share one database and poll the local Bot API server
(`localapi.BotApiEmulator`); each process's Bot API address carries its name, so the server's
call log says who polled and who answered what. Every citizen is a phone, all at once: one
action, then the next once the bot has confirmed the last update to the server, which it does
only after handling it. An action's wait is from the update reaching the server to the first
answer in the person's chat (a new message or an edit: a press edits its message into the next
question), taken from the call log afterwards.

The server enforces no limit here: the bots pace themselves (AIORateLimiter, Telegram's 30 a
second, shared through the database on PostgreSQL), and the part reports the most sends and
edits the server saw in any one second, which is what several processes must keep within
together.

Several processes need PostgreSQL (one SQLite file is one process's). In polling mode one of
them polls (the poller role's lease) and handles every update; the others stand by for the role
and deliver the outbox. So the part shows what extra processes cost or give when all updates
come through one poller. With `webhook`, the server posts each update to the processes in turn,
as nginx in front of them would (`BotApiEmulator.post_updates`), posting again to the next one
what failed or timed out; each process takes the person's turn before handling (MULTIPROCESS.md
§1), so handling is spread over all of them. An update is then confirmed by its post's 200.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.configs import fleet_configs, instance_options, measurable
from bench.ingest import FIRST_CITIZEN, RECEIPT, STEPS, case_step
from bench.stats import latency
from bot.config import load_config
from localapi import BotApiEmulator
from localapi.calls import Call
from storage.backends import open_database
from tests.conftest import TOKEN
from tests.e2e.fleet import WEBHOOK_PATH, consecutive_free_ports
from tests.e2e.harness import BotProcess, press

LOOK = 0.02
ACTION_TIMEOUT = 120.0  # seconds; beyond it the run fails, naming the citizen and the step
CODE = "Mã hồ sơ: "
COUNTED = ("send", "edit", "copy", "forward")  # the calls Telegram's flood control counts


class NoButtonError(Exception):
    """The button the person would press is not in their chat."""


def busiest_second(calls: list[Call]) -> int:
    """The most counted calls that arrived within any one second."""
    moments = sorted(c.at for c in calls if c.method.lower().startswith(COUNTED))
    most, first = 0, 0
    for last, at in enumerate(moments):
        while at - moments[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


@dataclass
class Phone:
    """One citizen's phone on the server: acts, then waits for the bot to confirm the update.
    `actions` holds the moment (time.monotonic()) each update reached the server."""

    emu: BotApiEmulator
    user: int
    actions: list[float] = field(default_factory=list)
    stuck_at: int | None = None  # the step whose button was not there

    def _pending(self, update_id: int) -> bool:
        return any(update["update_id"] == update_id for update in self.emu.updates.pending)

    async def act(self, step: int) -> None:
        tap, words = case_step(self.user, step)
        try:
            update = (
                press(self.emu, self.user, words)
                if tap
                else self.emu.user_sends_text(self.user, words)
            )
        except AssertionError as missing:
            raise NoButtonError(str(missing)) from None
        start = time.monotonic()
        self.actions.append(start)
        while self._pending(update["update_id"]):
            if time.monotonic() - start > ACTION_TIMEOUT:
                raise TimeoutError(f"citizen {self.user}, step {step}: not handled in time")
            await asyncio.sleep(LOOK)

    async def file_case(self) -> None:
        """Every step; a person whose next button is missing (a reply that failed) stops."""
        for step in range(STEPS):
            try:
                await self.act(step)
            except NoButtonError:
                self.stuck_at = step
                return


@dataclass(frozen=True)
class Answers:
    """What each phone's actions got, read from the call log: the replies between an action
    and the next, leaving out outbox notices (any process delivers those, at any moment)."""

    waits: list[float]
    unanswered: int
    handled_twice: list[str]


def answers(calls: list[Call], phones: list[Phone], notices: set[tuple[str, str]]) -> Answers:
    by_chat: dict[str, list[Call]] = {}
    for call in calls:
        if call.status == 200 and call.method.lower().startswith(COUNTED):
            chat = str(call.params.get("chat_id"))
            if (chat, str(call.params.get("text", ""))) not in notices:
                by_chat.setdefault(chat, []).append(call)
    waits: list[float] = []
    unanswered = 0
    twice: list[str] = []
    for phone in phones:
        replies = by_chat.get(str(phone.user), [])
        ends = [*phone.actions[1:], float("inf")]
        for step, (start, end) in enumerate(zip(phone.actions, ends, strict=True)):
            window = [c for c in replies if start <= c.at < end]
            if not window:
                unanswered += 1
                continue
            waits.append(window[0].at - start)
            callers = {c.caller for c in window}
            same = Counter(
                (c.method, str(c.params.get("text")), c.params.get("message_id")) for c in window
            )
            if len(callers) > 1 or max(same.values()) > 1:
                twice.append(f"citizen {phone.user}, step {step}: {sorted(callers)}")
    return Answers(waits, unanswered, twice)


def gapless(codes: list[str]) -> bool:
    """Case codes PREFIX-YEAR-NNNNN numbered 1..n, each once."""
    return sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, len(codes) + 1))


async def _stored(config_file: Path) -> tuple[list[str], set[tuple[str, str]]]:
    """The case codes in the database, and the (chat, text) of every outbox notice."""
    storage = load_config(config_file).storage
    db = await open_database(storage.path, storage.url)
    try:
        codes = await db.reader.execute_fetchall("SELECT code FROM tickets ORDER BY id")
        outbox = await db.reader.execute_fetchall("SELECT recipient, payload FROM outbox")
    finally:
        await db.close()
    notices = {(str(r[0]), str(json.loads(r[1]).get("text", ""))) for r in outbox}
    return [str(row[0]) for row in codes], notices


def _cpu_seconds(bot: BotProcess) -> float:
    """The processor time the bot process has used so far, from /proc (Linux)."""
    assert bot.process is not None
    fields = Path(f"/proc/{bot.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def _ready(emu: BotApiEmulator, names: list[str], *, webhook: bool) -> None:
    """Polling: the poller's first getUpdates. Webhook: every process has set the webhook,
    which it does once it listens."""
    if not webhook:
        await asyncio.wait_for(emu.polled.wait(), ACTION_TIMEOUT)
        return
    deadline = time.monotonic() + ACTION_TIMEOUT
    while not set(names) <= {
        c.caller for c in emu.call_log if c.method == "setWebhook" and c.status == 200
    }:
        if time.monotonic() > deadline:
            raise TimeoutError("not every process set its webhook")
        await asyncio.sleep(LOOK)


def _receipts(emu: BotApiEmulator, user: int) -> list[str]:
    return [m.get("text", "") for m in emu.messages_to(user) if RECEIPT in m.get("text", "")]


async def run_processes(
    folder: Path,
    processes: int,
    citizens: int,
    *,
    storage_url: str | None = None,
    webhook: bool = False,
) -> dict[str, Any]:
    """`citizens` file a case each, all at once, through `processes` bot processes on the
    database of `storage_url` (PostgreSQL) or a SQLite file in `folder`, polling or behind a
    load balancer (`webhook`)."""
    async with BotApiEmulator(token=TOKEN) as emu:
        port = consecutive_free_ports(processes) if webhook else None
        configs = fleet_configs(
            folder, emu.base_url_as, processes, storage_url=storage_url, webhook_port=port
        )
        measurable(load_config(configs[0][1]), processes)
        if port is not None:
            emu.post_updates(
                [f"http://127.0.0.1:{port + n}{WEBHOOK_PATH}" for n in range(processes)]
            )
        bots = [
            BotProcess(config, folder / f"{name}.log", options=instance_options(name, n))
            for n, (name, config) in enumerate(configs)
        ]
        phones = [Phone(emu, FIRST_CITIZEN + n) for n in range(citizens)]
        exits: list[int] = []
        try:
            for bot in bots:
                await bot.start()
            await _ready(emu, [name for name, _ in configs], webhook=webhook)
            cpu_before = [_cpu_seconds(bot) for bot in bots]
            began = time.monotonic()
            await asyncio.gather(*(phone.file_case() for phone in phones))
            ended = time.monotonic()
            elapsed = ended - began
            cpu = [_cpu_seconds(bot) - used for bot, used in zip(bots, cpu_before, strict=True)]
        finally:
            for bot in bots:
                with contextlib.suppress(AssertionError):  # one that never started
                    exits.append(await bot.stop())
        receipts = [_receipts(emu, phone.user) for phone in phones]
        posts = emu.poster.posts if emu.poster is not None else []
    codes, notices = await _stored(configs[0][1])
    got = answers(emu.call_log, phones, notices)
    confirmed = {t.split(CODE, 1)[1].split()[0] for texts in receipts for t in texts if CODE in t}
    names = [name for name, _ in configs]
    polls = Counter(
        c.caller for c in emu.call_log if c.method == "getUpdates" and began <= c.at <= ended
    )
    sends = Counter(c.caller for c in emu.call_log if c.method.lower().startswith(COUNTED))
    updates = citizens * STEPS
    return {
        "processes": processes,
        "mode": "webhook" if webhook else "polling",
        "citizens": citizens,
        "busiest_second": busiest_second(emu.call_log),
        "updates": updates,
        "seconds": round(elapsed, 3),
        "updates_per_second": round(updates / elapsed, 1),
        "cases_per_second": round(citizens / elapsed, 2),
        # Of the run's time, the share each process kept a core busy: what the cores allow.
        "cpu_share": [round(used / elapsed, 3) for used in cpu],
        "polls": [polls[name] for name in names],  # each process's getUpdates while filing
        "sends": [sends[name] for name in names],  # sends and edits of each process
        # Webhook posts that failed or timed out, posted again to the next process.
        "reposts": sum(post.status != 200 for post in posts if began <= post.started <= ended),
        "wait": latency(got.waits),
        "invariants": {
            "every_action_answered": got.unanswered == 0,
            "every_button_shown": all(phone.stuck_at is None for phone in phones),
            "no_update_handled_twice": not got.handled_twice,
            "one_receipt_each": [len(texts) for texts in receipts] == [1] * citizens,
            "every_case_stored_once": sorted(codes) == sorted(confirmed)
            and len(set(codes)) == citizens,
            "codes_without_gaps": gapless(codes),
            "one_poller_at_a_time": not any(
                c.status == 409 for c in emu.call_log if c.method == "getUpdates"
            ),
            "processes_exited_cleanly": exits == [0] * processes,
        },
    }
