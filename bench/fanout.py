"""Fan-out: thousands of queued notices delivered by the real `nghe-dan` process to the Bot API
emulator, which allows `limit` messages a second and answers 429 with retry_after beyond it.

The notices are queued in the database before the bot starts, as a burst of case events or an
announcement leaves them; the bot's own job queue, outbox, sender and HTTP client deliver them.
The outbox is set to the emulator's limit (`[outbox] max_per_second`), so the achieved rate over
the limit says how much of the allowance the delivery loop leaves unused.

With several processes on one PostgreSQL database every process delivers: each claims the due
notices of whole chats, and all take their moments from one shared send budget, so together
they must keep the one limit (no 429) and send each notice once. One of them polls (the poller
role); the others must not poll meanwhile, which the emulator's 409s would show.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.configs import fleet_configs, instance_options
from bot.clock import SystemClock
from bot.config import load_config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.domain.people import Person
from bot.messages import Notice
from bot.services.outbox import notify
from localapi import JSON, ApiError, BotApiEmulator
from storage.backends import open_database
from tests.conftest import TOKEN
from tests.e2e.harness import BotProcess

FIRST_RECIPIENT = 50_000_001


class MeteredEmulator(BotApiEmulator):
    """The emulator, timing every message it accepted and counting the 429s it answered."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.accepted: list[float] = []
        self.too_many = 0

    def _check_limits(self, method: str, params: JSON) -> None:
        try:
            super()._check_limits(method, params)
        except ApiError as error:
            self.too_many += error.code == 429
            raise
        if method.lower() == "sendmessage":
            self.accepted.append(time.monotonic())


async def _queue(path: Path, url: str | None, recipients: range, rounds: int) -> None:
    """Every recipient gets `rounds` notices, queued round by round in one transaction."""
    clock = SystemClock()
    db = await open_database(path, url)
    try:
        now = clock.now().isoformat()
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO people (channel, external_id, display_name, consent_at, "
                "consent_notice, created_at, updated_at) VALUES (?, ?, ?, ?, 'v1', ?, ?)",
                [(CHANNEL, str(r), f"Dân {r}", now, now, now) for r in recipients],
            )
            for n in range(rounds):
                for r in recipients:
                    person = Person(0, CHANNEL, str(r), f"Dân {r}", datetime.now(UTC), "v1")
                    await notify(conn, person, Notice(f"Tin {n + 1} gửi {r}"), f"b:{r}:{n}", clock)
    finally:
        await db.close()


async def _unsent(path: Path, url: str | None) -> int:
    db = await open_database(path, url)
    try:
        [row] = await db.reader.execute_fetchall(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
        )
        return int(row[0])
    finally:
        await db.close()


async def run_fanout(
    folder: Path,
    notices: int,
    recipients: int,
    limit: float,
    *,
    processes: int = 1,
    storage_url: str | None = None,
) -> dict[str, Any]:
    """`processes` bots share the PostgreSQL database at `storage_url` (one on SQLite): their
    sends together must keep the one limit, and no notice may go out twice or not at all."""
    rounds = max(1, notices // recipients)
    people = range(FIRST_RECIPIENT, FIRST_RECIPIENT + recipients)
    expected = Counter({(r, f"Tin {n + 1} gửi {r}"): 1 for n in range(rounds) for r in people})
    async with MeteredEmulator(token=TOKEN, max_per_second=limit) as emu:
        for r in people:
            emu.chats.user(r)  # opened the chat with the bot some time ago
        configs = fleet_configs(
            folder, emu.base_url_as, processes, max_per_second=limit, storage_url=storage_url
        )
        database = load_config(configs[0][1]).storage.path
        await _queue(database, storage_url, people, rounds)
        bots = [
            BotProcess(config, folder / f"{name}.log", options=instance_options(name, n))
            for n, (name, config) in enumerate(configs)
        ]
        for bot in bots:
            await bot.start()
        deadline = time.monotonic() + 60 + 3 * len(expected) / limit
        exits: list[int] = []
        try:
            while sum(len(emu.messages_to(r)) for r in people) < len(expected):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)
        finally:
            for bot in bots:
                exits.append(await bot.stop())
        unsent = await _unsent(database, storage_url)
    got = Counter((r, m.get("text", "")) for r in people for m in emu.messages_to(r))
    duplicates = sum(n - 1 for n in got.values() if n > 1)
    lost = sum(1 for key in expected if key not in got)
    span = emu.accepted[-1] - emu.accepted[0] if len(emu.accepted) > 1 else 0.0
    rate = (len(emu.accepted) - 1) / span if span else 0.0
    sent = Counter(c.caller for c in emu.call_log if c.method == "sendMessage" and c.status == 200)
    return {
        "processes": processes,
        "notices": len(expected),
        "recipients": recipients,
        "limit_per_second": limit,
        "seconds": round(span, 2),
        "achieved_per_second": round(rate, 2),
        "ratio_to_limit": round(rate / limit, 3),
        "too_many_requests": emu.too_many,
        "sent_by_process": [sent[name] for name, _ in configs],
        "duplicates": duplicates,
        "lost": lost,
        "invariants": {
            "no_duplicates": duplicates == 0,
            "no_losses": lost == 0 and unsent == 0,
            "one_poller_at_a_time": not any(
                c.status == 409 for c in emu.call_log if c.method == "getUpdates"
            ),
            "processes_exited_cleanly": exits == [0] * processes,
        },
    }
