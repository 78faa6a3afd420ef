"""Whatever a person sends, the bot answers kindly and the draft is kept."""

from __future__ import annotations

import json

import pytest

from bot.config import Config
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats
from tests.support.drafts import opened

CITIZEN = 7001


async def draft(config: Config) -> dict[str, object]:
    [(data,)] = await rows(config, "SELECT data FROM conversation_data")
    loaded: dict[str, object] = json.loads(opened(config, data))["draft"]
    return loaded


async def start_draft(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    await chats.say(CITIZEN, "/guidon")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        ("sticker", "chỉ đọc được chữ"),
        ("voice", "tin nhắn thoại chỉ gửi kèm khi đang soạn đơn"),
        ("video", "chưa nhận video"),
        ("document", "tệp tài liệu chỉ gửi kèm khi đang soạn đơn"),
    ],
)
async def test_media_at_the_top_level(chats: Chats, send: str, expected: str) -> None:
    await agree(chats, CITIZEN)
    answer = await getattr(chats, send)(CITIZEN)
    assert expected in str(answer[-1].params["text"])
    assert "Ông/bà cần gì ạ?" in str(answer[-1].params["text"])


# A document of no type the commune takes (the chat's document has none) is refused too.
@pytest.mark.parametrize("send", ["sticker", "video", "document"])
async def test_media_during_a_draft_keeps_it(chats: Chats, config: Config, send: str) -> None:
    await start_draft(chats)
    before = await draft(config)
    answer = await getattr(chats, send)(CITIZEN)
    assert "Xin ông/bà viết nội dung" in str(answer[-1].params["text"])
    assert await draft(config) == before


async def test_unknown_command_and_stray_words(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    unknown = await chats.say(CITIZEN, "/xoa_het_du_lieu")
    assert "không biết lệnh này" in str(unknown[-1].params["text"])
    stray = await chats.say(CITIZEN, "alo alo")
    # Never a bare "chưa hiểu": what the words may become, by number.
    assert "«alo alo»" in str(stray[-1].params["text"])
    assert "Gửi câu hỏi này cho xã" in str(stray[-1].params["reply_markup"])
    nothing = await chats.say(CITIZEN, "/huy")
    assert "không có việc gì đang làm dở" in str(nothing[-1].params["text"])


@pytest.mark.parametrize(
    "data",
    [
        "in.category|khong-co-that",
        "in.kind|feedback",  # a real button, but of an earlier step
        "menu|xoa-du-lieu",
        "lookup|SN-2026-99999",
        "lookup|p999999999999999999999",
        "'; DROP TABLE tickets; --",
        "|",
        "x" * 64,
        "in.content|back|cancel",
    ],
)
async def test_forged_buttons_change_nothing(chats: Chats, config: Config, data: str) -> None:
    await start_draft(chats)
    before = await draft(config)
    answer = await chats.press(CITIZEN, data)
    assert answer, "every press gets an answer"
    assert await draft(config) == before
    assert await rows(config, "SELECT count(*) FROM tickets") == [(0,)]


async def test_forged_button_outside_a_draft(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    answer = await chats.press(CITIZEN, "in.confirm|send")
    assert "Ông/bà cần gì ạ?" in str(answer[-1].params["text"])
    answers = [c for c in chats.request.calls if c.method == "answerCallbackQuery"]
    assert "không còn dùng được" in str(answers[-1].params.get("text"))
    assert await rows(config, "SELECT count(*) FROM tickets") == [(0,)]


@pytest.mark.parametrize(
    "content",
    [
        "'); DROP TABLE tickets; -- đường hỏng nặng",
        "Đường\u200b thôn\u202e Đông \U0001f6a7🚧 ngập sâu 50cm, trẻ em đi học rất nguy hiểm",
        "Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ và chữ tổ hợp: Đường ngập",
    ],
)
async def test_odd_text_is_stored_as_plain_data(chats: Chats, config: Config, content: str) -> None:
    await start_draft(chats)
    await chats.say(CITIZEN, content)
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    await chats.say(CITIZEN, "không cần")
    await chats.say(CITIZEN, "gửi")
    [(stored,)] = await rows(config, "SELECT content FROM tickets")
    assert "\u200b" not in str(stored)
    assert "\u202e" not in str(stored)
    assert str(stored).split()[-1] == content.rsplit(maxsplit=1)[-1]


async def test_oversized_text_is_refused_and_the_draft_kept(chats: Chats, config: Config) -> None:
    await start_draft(chats)
    before = await draft(config)
    answer = await chats.say(CITIZEN, "Đường ngập. " * 400)
    assert "quá giới hạn 4000 ký tự" in str(answer[0].params["text"])
    assert await draft(config) == before
    short = await chats.say(CITIZEN, "ngập")
    assert "ít nhất 10 ký tự" in str(short[0].params["text"])


async def test_group_chats_are_ignored(chats: Chats, config: Config) -> None:
    update = chats.text_update(CITIZEN, "/start")
    update["message"]["chat"] = {"id": -100123, "type": "group", "title": "Nhóm thôn"}
    assert await chats.deliver(update) == []
    assert await rows(config, f"SELECT * FROM people WHERE external_id = '{CITIZEN}'") == []


async def test_long_summary_is_split_to_fit_telegram(chats: Chats) -> None:
    await start_draft(chats)
    await chats.say(CITIZEN, "Nội dung rất dài. " * 222)
    await chats.tap(CITIZEN, "Không có ảnh")
    await chats.say(CITIZEN, "bỏ qua")
    summary = await chats.say(CITIZEN, "không cần")
    assert len(summary) >= 2
    assert all(len(str(c.params["text"])) <= 4096 for c in summary)
    assert "Nếu đúng, xin bấm" in str(summary[-1].params["text"])
