"""Restarts and re-delivered updates: a draft survives, an update acts once."""

from __future__ import annotations

import json
import logging

import pytest
from telegram import Update
from telegram.ext import Application

from bot.config import Config
from bot.services import Services
from handlers.wiring.application import build_application
from storage.backends import open_database
from storage.database import Database
from tests.conftest import TOKEN
from tests.handlers.test_casework_flow import CITIZEN as CITIZEN_OF_CASEWORK
from tests.handlers.test_casework_flow import resolved
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats, buttons
from tests.support.clock import FixedClock
from tests.support.drafts import opened
from tests.support.missing_table import without_table
from tests.support.offline import OfflineRequest

CITIZEN = 6001


async def test_draft_survives_a_restart(chats: Chats, config: Config, clock: FixedClock) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Giao thông")
    await chats.say(CITIZEN, "Ổ gà lớn giữa đường liên thôn, xe máy ngã liên tục.")
    # A second process on the same file, as after kill -9: nothing is shared in memory.
    db = await open_database(config.storage.path, config.storage.url)
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    try:
        async with app:
            again = Chats(app, request)
            resumed = await again.say(CITIZEN, "/guidon")
            assert "Ông/bà có ảnh về sự việc không?" in str(resumed[-1].params["text"])
            await again.tap(CITIZEN, "Không có ảnh")
            await again.say(CITIZEN, "bo qua")
            await again.say(CITIZEN, "khong can")
            receipt = await again.say(CITIZEN, "1")
            assert "SN-2026-00001" in str(receipt[-1].params["text"])
    finally:
        await db.close()
    [(content, category)] = await rows(config, "SELECT content, category_id FROM tickets")
    assert content == "Ổ gà lớn giữa đường liên thôn, xe máy ngã liên tục."
    assert category == "giao-thong"


async def test_redelivered_confirmation_files_one_case(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    for step in ("Phản ánh", "Môi trường"):
        await chats.tap(CITIZEN, step)
    await chats.say(CITIZEN, "Khói đốt rơm rạ bay vào khu dân cư mỗi chiều.")
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    await chats.say(CITIZEN, "không cần")
    send = chats.text_update(CITIZEN, "gửi")
    first = await chats.deliver(send, update_id=777)
    second = await chats.deliver(send, update_id=777)
    assert "SN-2026-00001" in str(first[-1].params["text"])
    assert second == []
    assert await rows(config, "SELECT code FROM tickets") == [("SN-2026-00001",)]
    assert await rows(config, "SELECT update_id FROM processed_updates WHERE update_id = 777") == [
        (777,)
    ]


async def test_redelivered_step_answer_is_applied_once(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")
    await chats.say(CITIZEN, "Nước thải chăn nuôi chảy ra mương thôn Nam.")
    photo = {
        "message": {
            "message_id": 90,
            "date": 1,
            "chat": {"id": CITIZEN, "type": "private"},
            "from": {"id": CITIZEN, "is_bot": False, "first_name": "Dân"},
            "photo": [{"file_id": "f1", "file_unique_id": "u1", "width": 1, "height": 1}],
        }
    }
    await chats.deliver(photo, update_id=900)
    await chats.deliver(photo, update_id=900)
    [(data,)] = await rows(config, "SELECT data FROM conversation_data")
    assert opened(config, data).count('"file_unique_id": "u1"') == 1


async def test_failure_keeps_the_draft_and_logs_the_update_id(
    chats: Chats, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")
    content = chats.text_update(CITIZEN, "Cống thoát nước trước chợ bị tắc, nước tràn lên đường.")
    chats.request.failing.add("sendMessage")
    with caplog.at_level(logging.ERROR):
        await chats.deliver(content, update_id=4242)
    chats.request.failing.clear()
    assert "error while handling update 4242" in caplog.text
    assert TOKEN not in caplog.text
    [(data,)] = await rows(config, "SELECT data FROM conversation_data")
    assert '"step": "content"' in opened(config, data)
    # The citizen simply sends it again and goes on.
    retried = await chats.deliver(content)
    assert "Ông/bà có ảnh về sự việc không?" in str(retried[-1].params["text"])


async def test_database_error_gets_an_apology(chats: Chats, config: Config, db: Database) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")
    await chats.say(CITIZEN, "Rác ùn ứ ở bãi tập kết đầu thôn Tây nhiều ngày.")
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    await chats.say(CITIZEN, "không cần")
    async with without_table(db, "tickets"):
        failed = await chats.say(CITIZEN, "gửi")
    assert "hệ thống đang bận" in str(failed[-1].params["text"])
    [(data,)] = await rows(config, "SELECT data FROM conversation_data")
    assert '"step": "confirm"' in opened(config, data)


async def test_a_rating_asked_before_a_restart_is_answered_by_a_typed_number(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    code = await resolved(chats)
    await chats.say(CITIZEN_OF_CASEWORK, f"/tracuu {code}")
    db = await open_database(config.storage.path, config.storage.url)
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    try:
        async with app:
            again = Chats(app, request)
            asked = await again.say(CITIZEN_OF_CASEWORK, "2")
            assert "góp ý thêm" in str(asked[-1].params["text"])
    finally:
        await db.close()
    assert await rows(config, "SELECT rating, status FROM tickets") == [("unsatisfied", "reopened")]


async def test_a_send_repeated_after_a_crash_is_answered_without_a_second_receipt(
    chats: Chats, config: Config, clock: FixedClock
) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    for step in ("Phản ánh", "Môi trường"):
        await chats.tap(CITIZEN, step)
    await chats.say(CITIZEN, "Khói đốt rơm rạ bay vào khu dân cư mỗi chiều.")
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    summary = await chats.say(CITIZEN, "không cần")
    send = next(data for label, data in buttons(summary[-1]) if "Gửi" in label)
    press = chats.press_update(CITIZEN, send)
    # The first process files the case and answers, then is killed before it records the
    # update as handled (and the draft as gone): PTB's own handling, without that record.
    update = Update.de_json({"update_id": 778, **press}, chats.app.bot)
    await Application.process_update(chats.app, update)
    assert "Mã hồ sơ: SN-2026-00001" in chats.last_text(CITIZEN)
    cards = await rows(config, "SELECT count(*) FROM outbox")
    db = await open_database(config.storage.path, config.storage.url)
    request = OfflineRequest()
    app = build_application(Services(config=config, db=db, clock=clock), request=request)
    try:
        async with app:
            again = await Chats(app, request).deliver(press, update_id=778)
    finally:
        await db.close()
    said = "\n".join(str(c.params["text"]) for c in again)
    assert "Đơn này đã được gửi, mã hồ sơ SN-2026-00001" in said
    assert "Mã hồ sơ:" not in said
    assert await rows(config, "SELECT code FROM tickets") == [("SN-2026-00001",)]
    assert await rows(config, "SELECT count(*) FROM outbox") == cards
    [(data,)] = await rows(config, "SELECT data FROM conversation_data")
    assert json.loads(opened(config, data)) == {"filed": "SN-2026-00001"}, "no draft is left"
