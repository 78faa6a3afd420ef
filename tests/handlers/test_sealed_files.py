"""A tố cáo's files in the chats: the leader's card brings them, the officer a leader passes the
case to is told how many there are, sealed, and receives none of them."""

from __future__ import annotations

from bot.config import Config
from bot.texts import t
from tests.handlers.test_casework_flow import CHAIRMAN, ECONOMY, texts
from tests.handlers.test_citizen_flow import agree, rows
from tests.handlers.test_sealed_identity import ADDRESS, CONTENT, DENOUNCER, NAME, PHONE
from tests.support.chat import Chats


async def denounce_with_photos(chats: Chats) -> str:
    await agree(chats, DENOUNCER)
    await chats.say(DENOUNCER, "/guidon")
    await chats.tap(DENOUNCER, "Tố cáo")
    await chats.tap(DENOUNCER, "Đất đai")
    await chats.say(DENOUNCER, CONTENT)
    await chats.photo(DENOUNCER, "bien-lai-1")
    await chats.photo(DENOUNCER, "bien-lai-2")
    await chats.say(DENOUNCER, "xong")
    await chats.say(DENOUNCER, "bỏ qua")
    for answer in (NAME, PHONE, ADDRESS):
        await chats.say(DENOUNCER, answer)
    receipt = await chats.tap(DENOUNCER, "Gửi")
    text = str(receipt[-1].params["text"])
    return text.split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]


def photos_to(chats: Chats, user: int) -> list[object]:
    return [c.params["photo"] for c in chats.sent(user) if c.method == "sendPhoto"]


async def test_an_officer_given_a_denunciation_is_told_of_its_files_not_sent_them(
    chats: Chats, config: Config
) -> None:
    code = await denounce_with_photos(chats)
    assert len(photos_to(chats, CHAIRMAN)) == 2, "the leader's card brings the photos"

    await chats.tap(CHAIRMAN, "Chuyển")
    await chats.tap(CHAIRMAN, "Phòng Kinh tế")
    await chats.say(CHAIRMAN, "Đề nghị Phòng Kinh tế xác minh sổ sách thu tiền làm đường.")

    [(assignee,)] = await rows(
        config,
        "SELECT p.external_id FROM tickets t JOIN people p ON p.id = t.assignee_id "
        f"WHERE t.code = '{code}'",
    )
    assert assignee == str(ECONOMY)
    card = next(text for text in texts(chats, ECONOMY) if code in text)
    assert t("card.files_sealed", count=2) in card
    assert t("card.photos", count=2) not in card
    assert photos_to(chats, ECONOMY) == []
