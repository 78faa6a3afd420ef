"""Công khai, consent (issue #21) through the real Application: with the public page on, a
phản ánh or kiến nghị asks once whether it may be published, "no" first; the answer is stored
with the case; /tracuu CODE lets its citizen withdraw it; erasure withdraws it; nothing else
ever asks. A published case's photos go out only when its officer lets them, from the card."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.services import Services
from bot.texts import t
from tests.handlers.test_casework_flow import file_with_identity, toasts
from tests.handlers.test_citizen_flow import agree
from tests.services.factories import fetch
from tests.support.chat import Chats, buttons

CITIZEN = 8001
NEIGHBOUR = 8002
OFFICE = 100000002
ECONOMY = 100000003
CHAIRMAN = 100000001
QUESTION = "cho phép đăng công khai"


@pytest.fixture
def config(config: Config) -> Config:
    return config.model_copy(update={"web": config.web.model_copy(update={"enabled": True})})


async def up_to_contact(
    chats: Chats, user: int, category: str = "Môi trường", *, photo: bool = False
) -> str:
    """A phản ánh by buttons as far as "Không cần", with one photo or none; what the bot asked
    next."""
    await agree(chats, user)
    await chats.tap(user, "Gửi phản ánh")
    await chats.tap(user, "Phản ánh")
    await chats.tap(user, category)
    await chats.say(user, "Rác thải đổ trộm ở đầu ngõ 3, thôn Đông, đã ba ngày.")
    if photo:
        await chats.photo(user, "p1")
        await chats.say(user, "xong")
    else:
        await chats.tap(user, "Không có ảnh")
    await chats.say(user, "Bỏ qua")
    await chats.tap(user, "Không cần")
    return chats.last_text(user)


def code_in(text: str) -> str:
    return text.split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]


async def public_since(services: Services) -> list[object]:
    return [row[0] for row in await fetch(services.db, "SELECT public_since FROM tickets")]


async def test_consent_is_asked_stored_shown_and_withdrawn(
    chats: Chats, services: Services
) -> None:
    asked = await up_to_contact(chats, CITIZEN)
    assert QUESTION in asked
    labels = [label for label, _ in buttons(chats.sent(CITIZEN)[-1])]
    assert labels[:2] == ["1. 🔒 Không đăng", "2. 📢 Đồng ý đăng công khai"]

    await chats.tap(CITIZEN, "Đồng ý đăng công khai")
    assert "Đăng công khai: có (đã che thông tin cá nhân)" in chats.last_text(CITIZEN)
    code = code_in(str((await chats.tap(CITIZEN, "Gửi"))[-1].params["text"]))
    assert (await public_since(services))[0] is not None

    detail = await chats.say(CITIZEN, f"/tracuu {code}")
    assert "Đăng công khai: có" in str(detail[-1].params["text"])
    withdraw = next(d for label, d in buttons(detail[-1]) if "Thôi đăng công khai" in label)
    assert any("Bổ sung thông tin" in label for label, _ in buttons(detail[-1]))

    # A neighbour pressing the same button (forged) withdraws nothing.
    await agree(chats, NEIGHBOUR)
    await chats.press(NEIGHBOUR, withdraw)
    assert (await public_since(services))[0] is not None

    for _ in range(2):  # a double tap records one withdrawal
        done = await chats.press(CITIZEN, withdraw)
        assert f"Đã thôi đăng công khai hồ sơ {code}" in str(done[-1].params["text"])
    assert await public_since(services) == [None]
    events = await fetch(
        services.db, "SELECT action FROM ticket_events WHERE action = 'publication_withdrawn'"
    )
    assert len(events) == 1
    again = await chats.say(CITIZEN, f"/tracuu {code}")
    assert "Đăng công khai" not in str(again[-1].params["text"])
    assert not any("Thôi đăng" in label for label, _ in buttons(again[-1]))


async def test_not_publishing_comes_first_and_typing_1_says_no(
    chats: Chats, services: Services
) -> None:
    await up_to_contact(chats, CITIZEN)
    await chats.say(CITIZEN, "1")
    assert "Đăng công khai: không" in chats.last_text(CITIZEN)
    await chats.tap(CITIZEN, "Gửi")
    assert await public_since(services) == [None]


async def test_words_without_diacritics_say_yes_and_an_unclear_answer_asks_again(
    chats: Chats, services: Services
) -> None:
    await up_to_contact(chats, CITIZEN)
    answered = await chats.say(CITIZEN, "để tôi nghĩ đã")
    said = " ".join(str(c.params.get("text")) for c in answered)
    assert "chưa hiểu" in said
    assert QUESTION in said
    await chats.say(CITIZEN, "dong y")
    await chats.tap(CITIZEN, "Gửi")
    assert (await public_since(services))[0] is not None


async def test_the_answer_can_be_changed_from_the_summary(chats: Chats, services: Services) -> None:
    await up_to_contact(chats, CITIZEN)
    await chats.tap(CITIZEN, "Đồng ý đăng công khai")
    await chats.tap(CITIZEN, "Sửa")
    await chats.tap(CITIZEN, "Đăng công khai")
    await chats.tap(CITIZEN, "Không đăng")
    assert "Đăng công khai: không" in chats.last_text(CITIZEN)
    await chats.tap(CITIZEN, "Gửi")
    assert await public_since(services) == [None]


async def test_a_case_about_an_officers_conduct_is_never_asked(
    chats: Chats, services: Services
) -> None:
    asked = await up_to_contact(chats, CITIZEN, category="Thái độ, tác phong cán bộ")
    assert QUESTION not in asked
    await chats.tap(CITIZEN, "Gửi")
    assert await public_since(services) == [None]


async def test_a_complaint_is_never_asked(chats: Chats, services: Services) -> None:
    await file_with_identity(
        chats,
        "Khiếu nại",
        "Tôi không đồng ý với việc thu hồi đất của gia đình ở thửa số 12.",
        "Nguyễn Văn An",
        "0912345678",
        "Thôn Đông, xã Sơn Ninh",
    )
    assert not any(QUESTION in str(c.params.get("text")) for c in chats.sent(CITIZEN))
    assert await public_since(services) == [None]


async def test_erasure_withdraws_publication(chats: Chats, services: Services) -> None:
    await up_to_contact(chats, CITIZEN)
    await chats.tap(CITIZEN, "Đồng ý đăng công khai")
    await chats.tap(CITIZEN, "Gửi")
    await chats.say(CITIZEN, "/xoadulieu")
    await chats.say(CITIZEN, "1")
    notice = next(c for c in reversed(chats.sent(OFFICE)) if buttons(c))
    [(_, data)] = buttons(notice)
    await chats.press(OFFICE, data)
    assert await public_since(services) == [None]


async def test_the_officer_lets_a_published_cases_photos_out_and_takes_them_back(
    chats: Chats, services: Services
) -> None:
    asked = await up_to_contact(chats, CITIZEN, photo=True)
    assert "Ảnh chỉ được đăng khi cán bộ xã đã xem" in asked
    await chats.tap(CITIZEN, "Đồng ý đăng công khai")
    code = code_in(str((await chats.tap(CITIZEN, "Gửi"))[-1].params["text"]))
    [(holder, show)] = [
        (user, data)
        for user in (OFFICE, ECONOMY, CHAIRMAN)
        for call in chats.sent(user)
        for label, data in buttons(call)
        if "Đăng ảnh lên trang công khai" in label
    ]
    other = ECONOMY if holder == OFFICE else OFFICE
    await chats.press(other, show)  # forged: not this officer's case
    assert toasts(chats)[-1] == t("case.not_allowed")
    assert await photos_public(services) == [None]

    shown = await chats.press(holder, show)

    assert f"Đã đăng 1 ảnh của hồ sơ {code} lên trang công khai" in str(shown[-1].params["text"])
    assert await photos_public(services) != [None]
    [(label, hide)] = buttons(shown[-1])
    assert label.endswith("Thôi đăng ảnh công khai")
    hidden = await chats.press(holder, hide)
    assert "không còn hiện trên trang công khai" in str(hidden[-1].params["text"])
    assert await photos_public(services) == [None]
    actions = await fetch(services.db, "SELECT action FROM ticket_events ORDER BY id")
    assert [a[0] for a in actions][-2:] == ["photos_published", "photos_withheld"]


async def test_an_unpublished_cases_card_offers_no_photo_button(chats: Chats) -> None:
    await up_to_contact(chats, CITIZEN, photo=True)
    await chats.tap(CITIZEN, "Không đăng")
    await chats.tap(CITIZEN, "Gửi")
    labels = [
        label
        for user in (OFFICE, ECONOMY, CHAIRMAN)
        for c in chats.sent(user)
        for label, _ in buttons(c)
    ]
    assert any("Tiếp nhận" in label for label in labels)
    assert not any("ảnh" in label.lower() for label in labels)


async def photos_public(services: Services) -> list[object]:
    return [row[0] for row in await fetch(services.db, "SELECT photos_public_since FROM tickets")]
