"""Processes: citizens filing cases through real `nghe-dan run` processes, as deployed.

`processes` bot processes share one config and one database and poll the local Bot API server
(`localapi.BotApiEmulator`). Every citizen is a phone, all at once: one action, then the next
once the bot has confirmed the last update to the server, which it does only after handling it.
An action's wait is from the update reaching the server to its answer showing in the person's
chat (looked at every `LOOK` seconds, so a wait is at most that much late). Nothing but the
server is read, so the part is the same on every backend.

The server enforces no limit here: the bots pace themselves (AIORateLimiter, Telegram's 30 a
second), and the part reports the most sends and edits the server saw in any one second, which
is what several processes must keep within together.

Several processes need PostgreSQL (one SQLite file is one process's) and a bot that shares
the updates out between processes; on SQLite one process runs, as the baseline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path
from typing import Any

from bench.configs import measurable, write_config
from bench.ingest import FIRST_CITIZEN, RECEIPT, STEPS, case_step
from bench.stats import latency
from bot.config import load_config
from localapi import JSON, BotApiEmulator
from tests.conftest import TOKEN
from tests.e2e.harness import BotProcess, press

LOOK = 0.02
ACTION_TIMEOUT = 120.0  # seconds; beyond it the run fails, naming the citizen and the step
CODE = "Mã hồ sơ: "


class NoButtonError(Exception):
    """The button the person would press is not in their chat."""


class MeteredEmulator(BotApiEmulator):
    """The emulator, noting when each call that Telegram's flood control counts arrived."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counted: list[float] = []

    def _check_limits(self, method: str, params: JSON) -> None:
        super()._check_limits(method, params)
        if method.startswith(("send", "edit", "copy", "forward")):
            self.counted.append(time.monotonic())

    def busiest_second(self) -> int:
        """The most counted calls within any one second."""
        most, first = 0, 0
        for last, at in enumerate(self.counted):
            while at - self.counted[first] >= 1.0:
                first += 1
            most = max(most, last - first + 1)
        return most


class Phone:
    """One citizen's phone on the server: acts, waits for the answer and the confirmation."""

    def __init__(self, emu: BotApiEmulator, user: int) -> None:
        self.emu = emu
        self.user = user
        self.waits: list[float] = []
        self.unanswered = 0
        self.stuck_at: int | None = None  # the step whose button was not there

    def _pending(self, update_id: int) -> bool:
        return any(update["update_id"] == update_id for update in self.emu.updates.pending)

    async def act(self, step: int) -> None:
        tap, words = case_step(self.user, step)
        seen = len(self.emu.messages_to(self.user))
        start = time.perf_counter()
        try:
            update = (
                press(self.emu, self.user, words)
                if tap
                else self.emu.user_sends_text(self.user, words)
            )
        except AssertionError as missing:
            raise NoButtonError(str(missing)) from None
        answered: float | None = None
        while True:
            if answered is None and len(self.emu.messages_to(self.user)) > seen:
                answered = time.perf_counter() - start
            if not self._pending(update["update_id"]):
                break
            if time.perf_counter() - start > ACTION_TIMEOUT:
                raise TimeoutError(f"citizen {self.user}, step {step}: not handled in time")
            await asyncio.sleep(LOOK)
        if answered is None and len(self.emu.messages_to(self.user)) > seen:
            answered = time.perf_counter() - start
        if answered is None:
            self.unanswered += 1
        else:
            self.waits.append(answered)

    async def file_case(self) -> None:
        """Every step; a person whose next button is missing (a reply that failed) stops."""
        for step in range(STEPS):
            try:
                await self.act(step)
            except NoButtonError:
                self.stuck_at = step
                return


def _cpu_seconds(bot: BotProcess) -> float:
    """The processor time the bot process has used so far, from /proc (Linux)."""
    assert bot.process is not None
    fields = Path(f"/proc/{bot.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def run_processes(
    folder: Path,
    processes: int,
    citizens: int,
    *,
    storage_url: str | None = None,
) -> dict[str, Any]:
    """`citizens` file a case each, all at once, through `processes` bot processes on the
    database of `storage_url` (PostgreSQL) or a SQLite file in `folder`."""
    emu = MeteredEmulator(token=TOKEN)
    async with emu:
        config_file = write_config(folder, base_url=emu.base_url, storage_url=storage_url)
        measurable(load_config(config_file), processes)
        if storage_url is None and processes != 1:
            raise ValueError("one SQLite file serves one process")
        bots = [BotProcess(config_file, folder / f"bot-{n}.log") for n in range(processes)]
        phones = [Phone(emu, FIRST_CITIZEN + n) for n in range(citizens)]
        exits: list[int] = []
        try:
            for bot in bots:
                await bot.start()
            await asyncio.wait_for(emu.polled.wait(), ACTION_TIMEOUT)
            cpu_before = [_cpu_seconds(bot) for bot in bots]
            start = time.perf_counter()
            await asyncio.gather(*(phone.file_case() for phone in phones))
            elapsed = time.perf_counter() - start
            cpu = [_cpu_seconds(bot) - used for bot, used in zip(bots, cpu_before, strict=True)]
        finally:
            for bot in bots:
                with contextlib.suppress(AssertionError):  # one that never started
                    exits.append(await bot.stop())
        receipts = [
            [m.get("text", "") for m in emu.messages_to(phone.user) if RECEIPT in m.get("text", "")]
            for phone in phones
        ]
    busiest = emu.busiest_second()
    codes = {
        text.split(CODE, 1)[1].split()[0] for texts in receipts for text in texts if CODE in text
    }
    updates = citizens * STEPS
    return {
        "processes": processes,
        "citizens": citizens,
        "busiest_second": busiest,
        "updates": updates,
        "seconds": round(elapsed, 3),
        "updates_per_second": round(updates / elapsed, 1),
        "cases_per_second": round(citizens / elapsed, 2),
        # Of the run's time, the share each process kept a core busy: what the cores allow.
        "cpu_share": [round(used / elapsed, 3) for used in cpu],
        "wait": latency([wait for phone in phones for wait in phone.waits]),
        "invariants": {
            "every_action_answered": all(phone.unanswered == 0 for phone in phones),
            "every_button_shown": all(phone.stuck_at is None for phone in phones),
            "one_receipt_each": [len(texts) for texts in receipts] == [1] * citizens,
            "distinct_case_codes": len(codes) == citizens,
            "processes_exited_cleanly": exits == [0] * processes,
        },
    }
