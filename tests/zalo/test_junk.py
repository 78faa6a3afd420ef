"""Whatever reaches the Zalo webhook or poll, forged or odd, is answered (when it names someone
to answer) and loses no draft; nothing reaches the error handler."""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ZALO_TOKEN_ENV, load_config
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.services import Services
from bot.services.officers import sync_from_config
from bot.texts import t
from handlers.telegram.context import App
from handlers.wiring.application import build_application
from handlers.zalo.channel import ZaloChannel
from handlers.zalo.inbound import parse_event
from localapi.zalo import ZaloApiEmulator
from storage.sqlite import SqliteDatabase
from tests.conftest import ENVIRON, ROOT
from tests.support.clock import FakeTimer, FixedClock
from tests.support.drafts import opened
from tests.support.junk import TRICKY
from tests.support.offline import OfflineRequest
from tests.support.zalo import ZALO_TOKEN, zalo_channel

CITIZEN = "zu-junk-1"
CONTENT = "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông đã một tuần."
TO_PHOTOS = ("/start", "1", "1", "Phản ánh", "Môi trường", CONTENT)
_IDS = itertools.count(1)
EVENTS = (
    "message.text.received",
    "message.image.received",
    "message.sticker.received",
    "message.unsupported.received",
    "message.link.received",
    "user.follow",
    "",
)


def event(event_name: str, sender: object = CITIZEN, **content: Any) -> dict[str, Any]:
    return {
        "event_name": event_name,
        "message": {
            "message_id": f"m{next(_IDS)}",
            "from": {"id": sender, "display_name": "Bà Lan", "is_bot": False},
            "chat": {"id": sender, "chat_type": "PRIVATE"},
            "date": 1764300000000,
            **content,
        },
    }


texts = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=300),
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=6).map("".join),
)
well_formed = st.one_of(
    texts.map(lambda text: event("message.text.received", text=text)),
    st.tuples(
        st.sampled_from(("http://127.0.0.1:9/a.jpg", "ftp://x", "", "javascript:1", "🚧")),
        st.one_of(st.none(), texts),
    ).map(lambda p: event("message.image.received", photo=p[0], caption=p[1])),
    st.sampled_from(EVENTS).map(event),
)
forged = st.one_of(
    st.sampled_from(EVENTS).map(lambda name: {"event_name": name}),
    st.dictionaries(st.sampled_from(("event_name", "message", "x")), texts, max_size=3),
    st.sampled_from((None, 1, [], "text", {"message": None})),
    st.one_of(st.none(), st.integers(), st.just(""), st.just(True), st.just("a" * 100)).map(
        lambda sender: event("message.text.received", sender=sender, text="/start")
    ),
)


@asynccontextmanager
async def running(folder: Path, emu: ZaloApiEmulator) -> AsyncIterator[App]:
    config_path = folder / "config.toml"
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    text = text.replace("enabled = false", "enabled = true").replace(
        'base_url = "https://bot-api.zaloplatforms.com"', f'base_url = "{emu.base_url}"'
    )
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path, environ={**ENVIRON, ZALO_TOKEN_ENV: ZALO_TOKEN})
    db = await SqliteDatabase.open(config.storage.path)
    try:
        services = Services(config=config, db=db, clock=FixedClock())
        await sync_from_config(db, services.clock, config, TELEGRAM_CHANNEL)
        app = build_application(services, request=OfflineRequest(), timer=FakeTimer())
        async with app:
            try:
                yield app
            finally:
                await zalo_channel(app).api.close()
    finally:
        await db.close()


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def draft_of(app: App) -> dict[str, Any] | None:
    path = app.bot_data.services.config.storage.path
    async with (
        aiosqlite.connect(path) as conn,
        conn.execute("SELECT data FROM conversation_data") as cursor,
    ):
        rows = await cursor.fetchall()
    config = app.bot_data.services.config
    drafts = [json.loads(opened(config, row[0])).get("draft") for row in rows]
    return next((d for d in drafts if d), None)


async def send(channel: ZaloChannel, app: App, raw: object) -> None:
    await channel.receive(raw)
    await app.bot_data.deliverer.deliver_due()


@given(inputs=st.lists(st.one_of(well_formed, forged), min_size=1, max_size=5))
@pytest.mark.slow
async def test_junk_on_zalo_is_answered_and_loses_no_draft(inputs: list[object]) -> None:
    folder = Path(tempfile.mkdtemp())
    errors = _Errors()
    try:
        async with ZaloApiEmulator(token=ZALO_TOKEN) as emu, running(folder, emu) as app:
            emu.add_user(CITIZEN, "Bà Lan")
            channel = zalo_channel(app)
            for text in TO_PHOTOS:
                await send(channel, app, event("message.text.received", text=text))
            before = await draft_of(app)
            assert before is not None
            assert before["content"] == CONTENT
            logging.getLogger().addHandler(errors)
            for raw in inputs:
                parsed = parse_event(raw)
                if parsed is not None:  # Zalo hands over only what a user of its wrote
                    emu.add_user(parsed.sender, parsed.name)
                seen = len(emu.sent_to(CITIZEN))
                await send(channel, app, raw)
                said = [s.text for s in emu.sent_to(CITIZEN)[seen:]]
                if parsed is not None and parsed.sender == CITIZEN:
                    assert said, f"{raw} got no answer"
                assert all(0 < len(text) <= 2000 for text in said), said
                draft = await draft_of(app)
                if draft is None:
                    assert any(t("intake.cancelled") in text for text in said), raw
                    break
                assert draft["draft_id"] == before["draft_id"]
                assert draft["content"], f"{raw} lost the content"
            assert not errors.records, errors.records
    finally:
        logging.getLogger().removeHandler(errors)
        shutil.rmtree(folder)
