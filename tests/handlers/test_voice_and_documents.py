"""Voice notes and documents through the real Application: a citizen files by voice alone, the
read-back counts it, the officer receives the voice itself; forged, oversized or unsupported
files get an answer naming the limit and the draft stays as it was; "➕ Bổ sung thông tin"
takes a voice note for a filed case."""

from __future__ import annotations

import pytest

from bot.config import Config
from tests.handlers.test_bad_input import draft
from tests.handlers.test_casework_flow import CHAIRMAN, ECONOMY, texts
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats
from tests.support.offline import Call

CITIZEN = 7301


async def at_content(chats: Chats) -> None:
    await agree(chats, CITIZEN)
    await chats.tap(CITIZEN, "Gửi phản ánh")
    await chats.tap(CITIZEN, "Phản ánh")
    await chats.tap(CITIZEN, "Môi trường")


async def file_by_voice(chats: Chats) -> str:
    await at_content(chats)
    heard = await chats.voice(CITIZEN, 45, file_id="voice-ok", unique="vok")
    assert "🎤 Đã nhận tin nhắn thoại (45 giây)" in " ".join(texts_of(heard))
    await chats.tap(CITIZEN, "Xong, sang bước tiếp")
    await chats.say(CITIZEN, "Bỏ qua")
    read_back = await chats.tap(CITIZEN, "Không cần")
    assert "• 🎤 1 tin nhắn thoại (45 giây)" in texts_of(read_back)[-1]
    receipt = await chats.tap(CITIZEN, "Gửi")
    text = texts_of(receipt)[-1]
    assert "Đã gửi đơn thành công" in text
    return text.split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]


def texts_of(calls: list[Call]) -> list[str]:
    return [str(c.params.get("text") or "") for c in calls]


async def test_a_case_filed_by_voice_alone_reaches_the_officer_with_the_voice(
    chats: Chats, config: Config
) -> None:
    code = await file_by_voice(chats)
    card = next(text for text in texts(chats, ECONOMY) if code in text and "Hồ sơ mới" in text)
    assert "🎤 1 tin nhắn thoại (45 giây):" in card
    [voice] = [c for c in chats.sent(ECONOMY) if c.method == "sendVoice"]
    assert voice.params["voice"] == "voice-ok"
    assert voice.params["caption"] == f"🎤 Tin nhắn thoại 1 của hồ sơ {code} (45 giây)"
    assert await rows(config, "SELECT kind, file_id, duration FROM attachments") == [
        ("voice", "voice-ok", 45)
    ]


@pytest.mark.parametrize("who", [ECONOMY, CHAIRMAN])
async def test_hoso_lists_the_voice_note_for_the_officer_and_the_leader(
    chats: Chats, who: int
) -> None:
    code = await file_by_voice(chats)
    shown = await chats.say(who, f"/hoso {code}")
    assert any("  🎤 Tin nhắn thoại 1: 45 giây" in text for text in texts_of(shown))


async def test_a_voice_note_too_long_names_the_limit_and_loses_nothing(
    chats: Chats, config: Config
) -> None:
    await at_content(chats)
    await chats.say(CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    before = await draft(config)
    answer = await chats.voice(CITIZEN, 10_000, file_id="voice-long", unique="vlong")
    assert "quá giới hạn 180 giây" in " ".join(texts_of(answer))
    assert await draft(config) == before


@pytest.mark.parametrize(
    ("mime_type", "size", "expected"),
    [
        ("application/zip", 2_000, "chỉ nhận các loại tệp: application/pdf, image/jpeg, image/png"),
        ("application/pdf", 50 * 1024 * 1024, "quá giới hạn 10 MB"),
        ("application/pdf", -1, "không đọc được tệp này"),
    ],
)
async def test_a_refused_document_is_answered_and_the_draft_kept(
    chats: Chats, config: Config, mime_type: str, size: int, expected: str
) -> None:
    await at_content(chats)
    await chats.say(CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    before = await draft(config)
    answer = await chats.document(CITIZEN, mime_type=mime_type, size=size, file_name="x.bin")
    assert expected in " ".join(texts_of(answer))
    assert await draft(config) == before


async def test_a_photo_sent_as_a_file_is_taken_as_a_document(chats: Chats, config: Config) -> None:
    await at_content(chats)
    await chats.say(CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    taken = await chats.document(
        CITIZEN, mime_type="image/jpeg", size=900_000, file_name="IMG_0042.jpg"
    )
    assert "📄 Đã nhận tệp IMG_0042.jpg." in " ".join(texts_of(taken))
    stored = await draft(config)
    assert isinstance(stored["media"], list)
    assert [m["media_type"] for m in stored["media"]] == ["image/jpeg"]


async def test_a_voice_note_added_to_a_filed_case_reaches_its_officer(
    chats: Chats, config: Config
) -> None:
    code = await file_by_voice(chats)
    await chats.say(CITIZEN, f"/tracuu {code}")
    await chats.tap(CITIZEN, "Bổ sung thông tin")
    sent = await chats.voice(CITIZEN, 20, file_id="voice-more", unique="vmore")
    assert (
        f"Đã chuyển tin nhắn thoại của ông/bà đến cán bộ phụ trách hồ sơ {code}"
        in (texts_of(sent)[-1])
    )
    assert any(f"bổ sung tin nhắn thoại cho hồ sơ {code}" in t for t in texts(chats, ECONOMY))
    voices = [c.params["voice"] for c in chats.sent(ECONOMY) if c.method == "sendVoice"]
    assert voices == ["voice-ok", "voice-more"]
    done = await chats.tap(CITIZEN, "Xong")
    assert "Ông/bà cần gì ạ?" in texts_of(done)[-1]
    assert await rows(
        config,
        "SELECT a.position, a.kind, f.status FROM attachments a "
        "JOIN attachment_files f ON f.attachment_id = a.id ORDER BY a.position",
    ) == [(1, "voice", "pending"), (2, "voice", "pending")]


async def test_a_voice_note_too_long_for_a_supplement_is_refused_and_nothing_stored(
    chats: Chats, config: Config
) -> None:
    code = await file_by_voice(chats)
    await chats.say(CITIZEN, f"/tracuu {code}")
    await chats.tap(CITIZEN, "Bổ sung thông tin")
    answer = await chats.voice(CITIZEN, 999, file_id="voice-huge", unique="vhuge")
    assert "quá giới hạn 180 giây" in texts_of(answer)[-1]
    assert await rows(config, "SELECT count(*) FROM attachments") == [(1,)]


async def test_a_signed_don_sent_under_an_officers_question_is_the_answer(
    chats: Chats, config: Config
) -> None:
    """The officer asks for the signed đơn; the citizen sends its PDF without pressing
    "✍️ Trả lời" first, then a word: both reach the officer, the case waits no longer."""
    code = await file_by_voice(chats)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Yêu cầu bổ sung")
    await chats.say(ECONOMY, "Xin gửi bản chụp đơn có chữ ký.")
    sent = await chats.document(
        CITIZEN, mime_type="application/pdf", size=120_000, file_name="don-co-chu-ky.pdf"
    )
    assert (
        f"Đã chuyển tệp tài liệu của ông/bà đến cán bộ phụ trách hồ sơ {code}"
        in (texts_of(sent)[-1])
    )
    [document] = [c for c in chats.sent(ECONOMY) if c.method == "sendDocument"]
    assert document.params["caption"] == f"📄 Tệp 1 của hồ sơ {code}: don-co-chu-ky.pdf"
    await chats.say(CITIZEN, "Đơn đã ký ạ.")
    assert "Đơn đã ký ạ." in texts(chats, ECONOMY)[-1]
    assert await rows(
        config, "SELECT action, note FROM ticket_events WHERE action = 'citizen_reply'"
    ) == [("citizen_reply", "tệp tài liệu")]
    assert await rows(config, "SELECT status FROM tickets") == [("in_progress",)]


async def test_forged_file_details_are_refused_or_cleaned_and_nothing_lost(
    chats: Chats, config: Config
) -> None:
    """What a client says of a file is its own claim: an absurd length is refused with the
    limit, a name hiding a right-to-left mark and pages of letters is kept clean and short."""
    await at_content(chats)
    await chats.say(CITIZEN, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.")
    before = await draft(config)
    absurd = await chats.voice(CITIZEN, 10**12, file_id="voice-forged", unique="vforged")
    assert "quá giới hạn 180 giây" in " ".join(texts_of(absurd))
    assert await draft(config) == before
    name = "\u202e" + "fdp.exe" + "x" * 5000
    await chats.document(CITIZEN, mime_type="APPLICATION/PDF", size=100, file_name=name)
    stored = await draft(config)
    assert isinstance(stored["media"], list)
    [kept] = stored["media"]
    assert kept["file_name"].startswith("fdp.exex")
    assert len(kept["file_name"]) <= 255


async def test_a_file_for_a_case_closed_meanwhile_is_answered_and_nothing_stored(
    chats: Chats, config: Config
) -> None:
    code = await file_by_voice(chats)
    await chats.say(CITIZEN, f"/tracuu {code}")
    await chats.tap(CITIZEN, "Bổ sung thông tin")
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã cho thu gom rác và nhắc nhở các hộ liên quan.")
    await chats.tap(ECONOMY, "Gửi")
    assert await rows(config, "SELECT status FROM tickets") == [("resolved",)]
    answer = await chats.voice(CITIZEN, 20, file_id="voice-late", unique="vlate")
    assert "đã có kết quả nên không nhận bổ sung thêm" in texts_of(answer)[-1]
    assert await rows(config, "SELECT count(*) FROM attachments") == [(1,)]
