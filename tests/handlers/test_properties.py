"""Whatever anyone sends, in whatever state they are, the bot answers and loses nothing.

Each example starts the real Application on a copy of a database in which one person stands
at a given point (a citizen half-way through a case at each step, an officer half-way through
an action, each role idle), feeds that person arbitrary updates aimed at every registered
handler, and checks after each one: the error handler was not reached, the person got an
answer, and a draft was kept or taken forward, never dropped.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Update

from bot.config import Config, load_config
from bot.domain.chats import TELEGRAM_CHANNEL as CHANNEL
from bot.services import Services
from bot.services.officers import sync_from_config
from bot.texts import t
from handlers.wiring.application import build_application
from storage.sqlite import SqliteDatabase
from tests.conftest import ENVIRON, ROOT
from tests.support.chat import Chats
from tests.support.clock import FakeTimer, FixedClock
from tests.support.drafts import opened
from tests.support.junk import Junk, junk, routes, update
from tests.support.offline import SENDS, OfflineRequest

CITIZEN = 9001
STRANGER = 9002
CHAIRMAN = 100000001  # leader, admin
OFFICE = 100000002  # officer, reception, Văn phòng
ECONOMY = 100000003  # officer of Phòng Kinh tế: the example case goes there
SUPERVISOR = 100000004
CONTENT = "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông đã một tuần."

Step = tuple[int, str, str]  # (who, "say" or "tap", what)


def agreed(user: int) -> list[Step]:
    return [(user, "say", "/start"), (user, "tap", "Đồng ý")]


FEEDBACK = [
    *agreed(CITIZEN),
    (CITIZEN, "say", "/guidon"),
    (CITIZEN, "tap", "Phản ánh"),
    (CITIZEN, "tap", "Môi trường"),
    (CITIZEN, "say", CONTENT),
    (CITIZEN, "tap", "Không có ảnh"),
    (CITIZEN, "say", "bỏ qua"),
    (CITIZEN, "tap", "Không cần"),
    (CITIZEN, "tap", "Sửa"),
]
COMPLAINT = [
    *agreed(CITIZEN),
    (CITIZEN, "say", "/guidon"),
    (CITIZEN, "tap", "Khiếu nại"),
    (CITIZEN, "tap", "Đất đai"),
    (CITIZEN, "say", "Tôi không đồng ý với quyết định thu hồi đất số 12 của xã."),
    (CITIZEN, "tap", "Không có ảnh"),
    (CITIZEN, "say", "bỏ qua"),
    (CITIZEN, "say", "Nguyễn Văn Bình"),
    (CITIZEN, "say", "0912345678"),
    (CITIZEN, "say", "Thôn Đông, xã Sơn Ninh"),
]
FILED = [*FEEDBACK[:-1], (CITIZEN, "tap", "Gửi")]
ACCEPTED = [*FILED, (ECONOMY, "tap", "Tiếp nhận")]
RESOLVING = [*ACCEPTED, (ECONOMY, "tap", "Giải quyết"), (ECONOMY, "say", "Đã thu gom rác.")]
RESOLVED = [*RESOLVING, (ECONOMY, "tap", "Gửi kết quả")]
ASKED = [*ACCEPTED, (ECONOMY, "tap", "Yêu cầu bổ sung"), (ECONOMY, "say", "Ở ngõ nào ạ?")]
REASSIGNING = [*FILED, (ECONOMY, "tap", "Chuyển")]


@dataclass(frozen=True)
class Scenario:
    name: str
    who: int  # the person the junk comes from
    steps: tuple[Step, ...]


def _scenarios() -> list[Scenario]:
    found = [
        Scenario("stranger", STRANGER, ()),
        Scenario("asked for consent", CITIZEN, ((CITIZEN, "say", "/start"),)),
        Scenario("citizen idle", CITIZEN, tuple(agreed(CITIZEN))),
        Scenario("citizen with a filed case", CITIZEN, tuple(FILED)),
        Scenario("citizen answering a question", CITIZEN, (*ASKED, (CITIZEN, "tap", "Trả lời"))),
        Scenario("citizen commenting a rating", CITIZEN, (*RESOLVED, (CITIZEN, "tap", "Hài lòng"))),
        Scenario(
            "citizen booking a reception",
            CITIZEN,
            (*agreed(CITIZEN), (CITIZEN, "say", "/lich"), (CITIZEN, "tap", "Đăng ký gặp")),
        ),
        *(
            Scenario(f"officer {who} idle", who, tuple(FILED))
            for who in (CHAIRMAN, OFFICE, ECONOMY, SUPERVISOR)
        ),
        Scenario("officer writing a question", ECONOMY, (*FILED, (ECONOMY, "tap", "Yêu cầu"))),
        Scenario("officer confirming a result", ECONOMY, tuple(RESOLVING)),
        Scenario("officer choosing a department", ECONOMY, tuple(REASSIGNING)),
        Scenario(
            "officer naming a colleague", ECONOMY, (*REASSIGNING, (ECONOMY, "tap", "thái độ"))
        ),
        Scenario(
            "supervisor writing a recommendation",
            SUPERVISOR,
            (*FILED, (SUPERVISOR, "press", "watch.1|recommend")),
        ),
        Scenario("leader picking a report period", CHAIRMAN, ((CHAIRMAN, "say", "/baocao"),)),
        Scenario("leader writing an announcement", CHAIRMAN, ((CHAIRMAN, "say", "/thongbao"),)),
        Scenario(
            "leader confirming an announcement",
            CHAIRMAN,
            ((CHAIRMAN, "say", "/thongbao"), (CHAIRMAN, "say", "Lịch thu gom rác mới.")),
        ),
    ]
    # A citizen stopped at every step of a case: feedback, then a complaint's identity steps.
    found += [
        Scenario(f"feedback draft, step {n}", CITIZEN, tuple(FEEDBACK[: n + 1]))
        for n in range(2, len(FEEDBACK))
    ]
    found += [
        Scenario(f"complaint draft, step {n}", CITIZEN, tuple(COMPLAINT[: n + 1]))
        for n in range(7, len(COMPLAINT))
    ]
    # ... and with the phone's own keyboard, chosen at the location and at the phone number.
    found += [
        Scenario(
            "feedback draft, the phone's location asked",
            CITIZEN,
            (*FEEDBACK[:7], (CITIZEN, "tap", "Gửi vị trí trên bản đồ")),
        ),
        Scenario(
            "complaint draft, the phone's number asked",
            CITIZEN,
            (*COMPLAINT[:9], (CITIZEN, "tap", "Gửi số điện thoại của tôi")),
        ),
    ]
    return found


SCENARIOS = _scenarios()


def _laid_out(folder: Path, snapshot: Path | None) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / "config.toml"
    shutil.copy(ROOT / "config.example.toml", config_path)
    config = load_config(config_path, environ=ENVIRON)
    if snapshot is not None:
        config.storage.path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(snapshot, config.storage.path)
    return config


@asynccontextmanager
async def running(folder: Path, snapshot: Path | None = None) -> AsyncIterator[Chats]:
    """The real Application on its own config and database, started from `snapshot`."""
    config = _laid_out(folder, snapshot)
    db = await SqliteDatabase.open(config.storage.path)
    try:
        services = Services(config=config, db=db, clock=FixedClock())
        await sync_from_config(db, services.clock, config, CHANNEL)
        request = OfflineRequest()
        app = build_application(services, request=request, timer=FakeTimer())
        async with app:
            yield Chats(app, request)
    finally:
        await db.close()


async def _act(chats: Chats, step: Step) -> None:
    who, verb, what = step
    if verb == "say":
        await chats.say(who, what)
    elif verb == "tap":
        await chats.tap(who, what)
    else:
        await chats.press(who, what)


_SNAPSHOTS: dict[str, Path] = {}


async def snapshot(scenario: Scenario, base: Path) -> Path:
    """The database file of a world where `scenario` has been played, built once."""
    if scenario.name not in _SNAPSHOTS:
        folder = Path(tempfile.mkdtemp(dir=base))
        async with running(folder) as chats:
            for step in scenario.steps:
                await _act(chats, step)
            path = Path(chats.app.bot_data.services.config.storage.path)
        kept = base / f"{len(_SNAPSHOTS)}.sqlite3"
        shutil.copy(path, kept)
        shutil.rmtree(folder)
        _SNAPSHOTS[scenario.name] = kept
    return _SNAPSHOTS[scenario.name]


class _Errors(logging.Handler):
    """Every ERROR logged anywhere: the error handler logs one for each exception it gets."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@asynccontextmanager
async def watching_errors() -> AsyncIterator[_Errors]:
    errors = _Errors()
    root = logging.getLogger()
    root.addHandler(errors)
    try:
        yield errors
    finally:
        root.removeHandler(errors)


async def _state(chats: Chats, who: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the person's stored conversation data, their stored conversation states by name)."""
    path = chats.app.bot_data.services.config.storage.path
    async with aiosqlite.connect(path) as conn:
        async with conn.execute(
            "SELECT data FROM conversation_data WHERE user_id = ?", (who,)
        ) as cursor:
            row = await cursor.fetchone()
        async with conn.execute("SELECT name, key, state FROM conversation_states") as cursor:
            states = {
                name: json.loads(state)
                async for name, key, state in cursor
                if json.loads(key)[-1] == who
            }
    config = chats.app.bot_data.services.config
    return (json.loads(opened(config, row[0])) if row else {}), states


async def _filed(chats: Chats, draft_id: str) -> bool:
    path = chats.app.bot_data.services.config.storage.path
    async with (
        aiosqlite.connect(path) as conn,
        conn.execute("SELECT 1 FROM tickets WHERE draft_id = ?", (draft_id,)) as cursor,
    ):
        return await cursor.fetchone() is not None


def _kept(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Every answer the draft had is still there (it may have changed or moved on)."""
    if after.get("draft_id") != before.get("draft_id"):
        return False
    return all(
        after.get(name) not in (None, []) for name, v in before.items() if v not in (None, [])
    )


async def _check_draft(
    chats: Chats, who: int, before: dict[str, Any], said: list[str], junk: Junk
) -> None:
    data, states = await _state(chats, who)
    draft = data.get("draft")
    if draft is not None:
        assert states.get("intake") == draft["step"], f"state {states} but draft at {draft}"
    old = before.get("draft")
    if old is None:
        return
    if draft is None:
        cancelled = any(t("intake.cancelled") in text for text in said)
        assert cancelled or await _filed(chats, old["draft_id"]), f"{junk} dropped {old}"
        return
    assert _kept(old, draft), f"{junk} lost part of {old}: now {draft}"


async def feed(chats: Chats, who: int, inputs: list[Junk]) -> None:
    """Send each input as `who` and check what came of it."""
    for item in inputs:
        before, _ = await _state(chats, who)
        seen = len(chats.request.calls)
        async with watching_errors() as errors:
            await chats.app.process_update(Update.de_json(update(who, item), chats.app.bot))
            await chats.app.bot_data.deliverer.deliver_due()
        calls = chats.request.calls[seen:]
        said = [str(c.params.get("text", "")) for c in calls if c.method in SENDS]
        assert not errors.records, f"{item} reached the error handler: {errors.records}"
        assert t("error.busy") not in said
        assert all(0 < len(text) <= 4096 for text in said if text), said
        mine = [c for c in calls if c.method in SENDS and int(c.params["chat_id"]) == who]
        if item.kind == "message":
            assert mine, f"{item} got no answer"
        if item.kind == "press":
            answers = [c for c in calls if c.method == "answerCallbackQuery"]
            assert len(answers) == 1, f"{item} was answered {len(answers)} times"
        await _check_draft(chats, who, before, said, item)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("snapshots")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
@given(data=st.data())
async def test_anything_anywhere_is_answered_and_loses_nothing(
    snapshots: Path, scenario: Scenario, data: st.DataObject
) -> None:
    base = await snapshot(scenario, snapshots)
    folder = Path(tempfile.mkdtemp(dir=snapshots))
    try:
        async with running(folder, base) as chats:
            inputs = data.draw(st.lists(junk(routes(chats.app)), min_size=1, max_size=4))
            await feed(chats, scenario.who, inputs)
    finally:
        shutil.rmtree(folder)


async def test_every_handler_is_reached_by_the_junk(chats: Chats) -> None:
    """The walk finds every command and button pattern registered, conversations included."""
    found = routes(chats.app)
    assert {"start", "guidon", "huy", "tracuu", "thongbao", "baocao", "viec"} <= set(found.commands)
    assert any(pattern.startswith("^case") for pattern in found.patterns)
    assert found.handlers > 40
