"""Scale of data: the real handlers over a database of years of cases.

In process (the real Application, offline Bot API, the rate limiter's overall pace lifted): a
citizen's /tracuu (the list) and /tracuu CODE, an officer's /viec, and a leader's monthly report
(/baocao, "Tháng trước": the summary, the workbook and the chart), each timed as the update that
asks for it.

In the real `nghe-dan` process against the Bot API emulator: the start-up (from launch to its
first poll for updates), then the same requests by chat, and the memory (RSS) after each.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.configs import write_config
from bench.crowd import Crowd, Recorder, unpaced
from bench.dataset import FIRST_CITIZEN, FIRST_STAFF, STAFF, generate, size_mb
from bench.stats import latency, millis, rss_mb
from bot.clock import SystemClock
from bot.config import Config, load_config
from bot.services import Services
from handlers.wiring.application import build_application
from handlers.wiring.serving import freeze_start_up_heap
from localapi import BotApiEmulator
from storage.database import Database
from storage.sqlite import SqliteDatabase
from tests.conftest import TOKEN
from tests.e2e.harness import BotProcess, press
from tests.support.clock import FakeTimer

LEADER = 100000001  # the chairman in config.example.toml
CONFIG_OFFICER = 100000003
REPORTS = 3


async def _cases_of(db: Database, citizens: list[int]) -> dict[int, str]:
    """One case code of each of these citizens (by Telegram id), if they have one."""
    codes: dict[int, str] = {}
    for user in citizens:
        async with db.reader.execute(
            "SELECT t.code FROM tickets t JOIN people p ON p.id = t.citizen_id "
            "WHERE p.channel = 'telegram' AND p.external_id = ? LIMIT 1",
            (str(user),),
        ) as cursor:
            row = await cursor.fetchone()
        if row:
            codes[user] = str(row[0])
    return codes


async def in_process(config: Config, citizens: int, samples: int) -> dict[str, Any]:
    chooser = random.Random(7)
    people = chooser.sample(range(FIRST_CITIZEN, FIRST_CITIZEN + citizens), samples)
    staff = [CONFIG_OFFICER, *chooser.sample(range(FIRST_STAFF, FIRST_STAFF + STAFF), samples)]
    db = await SqliteDatabase.open(config.storage.path)
    try:
        codes = await _cases_of(db, people)
        services = Services(config=config, db=db, clock=SystemClock())
        request = Recorder()
        app = build_application(
            services, request=request, timer=FakeTimer(), rate_limiter=unpaced()
        )
        results: dict[str, Any] = {}
        async with app:
            await app.start()
            freeze_start_up_heap()  # as `serve` does once started
            asks = {
                "tracuu_list": [(u, "/tracuu") for u in people],
                "tracuu_code": [(u, f"/tracuu {code}") for u, code in codes.items()],
                "viec": [(o, "/viec") for o in staff],
            }
            for name, said in asks.items():
                crowd = Crowd(app, request)
                for user, text in said:
                    await crowd.say(user, text)
                results[name] = latency(crowd.stopwatch.samples)
            crowd = Crowd(app, request)
            report_times = []
            for _ in range(REPORTS):
                await crowd.say(LEADER, "/baocao")
                before = len(crowd.stopwatch.samples)
                await crowd.tap(LEADER, "Tháng trước")
                report_times += crowd.stopwatch.samples[before:]
            results["monthly_report"] = latency(report_times)
            await app.stop()
        answered = all(request.texts[u] for u in people) and all(request.texts[o] for o in staff)
        results["invariants"] = {
            "every_request_answered": answered,
            "every_report_with_its_workbook": request.documents[LEADER] == REPORTS,
        }
        return results
    finally:
        await db.close()


async def _answer(emu: BotApiEmulator, user: int, act: Any, count: int = 1) -> float:
    """Seconds from the update being queued to the last of `count` answers."""
    seen = len(emu.messages_to(user))
    start = time.perf_counter()
    act()
    await emu.wait_for_messages(user, seen + count, timeout=120)
    return time.perf_counter() - start


async def real_process(folder: Path, database: Path, citizen: int) -> dict[str, Any]:
    async with BotApiEmulator(token=TOKEN) as emu:
        live = write_config(folder / "process", base_url=emu.base_url, database=database)
        bot = BotProcess(live, folder / "process.log")
        start = time.perf_counter()
        await bot.start()
        assert bot.process is not None
        pid = bot.process.pid
        try:
            while not any(method == "getUpdates" for method, _ in emu.calls):
                if time.perf_counter() - start > 120:
                    raise AssertionError("the bot did not start polling in 120 s")
                await asyncio.sleep(0.01)
            startup = time.perf_counter() - start
            memory = {"after_startup": rss_mb(pid)[0]}
            timings = {
                "tracuu": await _answer(
                    emu, citizen, lambda: emu.user_sends_text(citizen, "/tracuu")
                ),
            }
            memory["after_tracuu"] = rss_mb(pid)[0]
            officer = CONFIG_OFFICER
            timings["viec"] = await _answer(
                emu, officer, lambda: emu.user_sends_text(officer, "/viec")
            )
            memory["after_viec"] = rss_mb(pid)[0]
            await _answer(emu, LEADER, lambda: emu.user_sends_text(LEADER, "/baocao"))
            # The summary, the workbook and the chart.
            timings["monthly_report"] = await _answer(
                emu, LEADER, lambda: press(emu, LEADER, "Tháng trước"), count=3
            )
            memory["after_report"], peak = rss_mb(pid)
            memory["peak"] = peak
        finally:
            code = await bot.stop()
    return {
        "startup_seconds": round(startup, 2),
        "answer_ms": {name: millis(seconds) for name, seconds in timings.items()},
        "rss_mb": memory,
        "invariants": {"clean_exit": code == 0},
    }


async def run_scale(folder: Path, cases: int, citizens: int, samples: int) -> dict[str, Any]:
    config_file = write_config(folder)
    config = load_config(config_file)
    start = time.perf_counter()
    await asyncio.to_thread(generate, config, cases, citizens)
    generated = time.perf_counter() - start
    db = await SqliteDatabase.open(config.storage.path)  # what the bot's start-up does first
    await db.close()
    stored = _count(config, "SELECT count(*) FROM tickets")
    results = {
        "cases": cases,
        "citizens": citizens,
        "generate_seconds": round(generated, 1),
        "database_mb": size_mb(config.storage.path),
        "handlers": await in_process(config, citizens, samples),
        "process": await real_process(folder, config.storage.path, FIRST_CITIZEN + 1),
    }
    results["invariants"] = {"all_cases_stored": stored == cases}
    return results


def _count(config: Config, sql: str) -> int:
    with sqlite3.connect(config.storage.path) as conn:
        return int(conn.execute(sql).fetchone()[0])
