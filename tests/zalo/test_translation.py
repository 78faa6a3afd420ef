"""The pure translations of the Zalo channel: updates in, keyboards out as numbered lines, typed
answers back to the buttons they pick, Telegram-only sentences reworded."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.chats import LOCAL_ID_BASE, Keyboard, ShownOptions
from bot.texts import catalog, t
from handlers.zalo.inbound import Kind, parse_event, telegram_update, unreadable
from handlers.zalo.numbered import numbered, options_of, picked, removes_keyboard
from handlers.zalo.outbound import local_chat
from handlers.zalo.wording import reworded

LOCAL = LOCAL_ID_BASE + 7
BOT = {"id": 1, "is_bot": True, "first_name": "Nghe Dân"}
INLINE = {
    "inline_keyboard": [
        [{"text": "1. 🌳 Môi trường", "callback_data": "cat|moi-truong"}],
        [{"text": "2. 🚧 Giao thông, hạ tầng", "callback_data": "cat|giao-thong"}],
        [
            {"text": "↩️ Quay lại", "callback_data": "cat|back"},
            {"text": "✖️ Hủy", "callback_data": "cat|cancel"},
        ],
    ]
}
REPLY = {
    "keyboard": [
        [{"text": "📍 Gửi vị trí hiện tại", "request_location": True}],
        [{"text": "Bỏ qua"}],
        [{"text": "↩️ Quay lại"}, {"text": "✖️ Hủy"}],
    ],
    "resize_keyboard": True,
}


def zalo(event: str = "message.text.received", **message: Any) -> dict[str, Any]:
    return {
        "event_name": event,
        "message": {
            "message_id": "m1",
            "from": {"id": "zu1", "display_name": "Bà Lan", "is_bot": False},
            "chat": {"id": "zu1", "chat_type": "PRIVATE"},
            "date": 1764300000123,
            **message,
        },
    }


def shown(markup: dict[str, Any]) -> ShownOptions:
    found = options_of(markup)
    assert found is not None
    return ShownOptions(41, "Việc này thuộc lĩnh vực nào?", *found)


def test_inline_buttons_are_numbered_once_in_order_with_one_hint() -> None:
    kind, options = options_of(INLINE) or (None, ())
    assert kind is Keyboard.INLINE
    assert numbered(options).splitlines() == [
        "1. 🌳 Môi trường",
        "2. 🚧 Giao thông, hạ tầng",
        "3. ↩️ Quay lại",
        "4. ✖️ Hủy",
        t("zalo.hint"),
    ]


def test_request_buttons_are_left_out_of_a_reply_keyboard() -> None:
    kind, options = options_of(REPLY) or (None, ())
    assert kind is Keyboard.REPLY
    assert [label for label, _ in options] == ["Bỏ qua", "↩️ Quay lại", "✖️ Hủy"]
    assert options_of({"keyboard": [[{"text": "📱", "request_contact": True}]]}) is None
    assert removes_keyboard({"remove_keyboard": True})
    assert options_of(None) is None
    assert options_of({"inline_keyboard": [[{"text": "web", "url": "https://x"}]]}) is None


@pytest.mark.parametrize(
    ("typed", "data"),
    [
        ("1", "cat|moi-truong"),
        ("số 2", "cat|giao-thong"),
        ("moi truong", "cat|moi-truong"),
        ("GIAO THÔNG", "cat|giao-thong"),
        ("quay lại", "cat|back"),
        ("huỷ", "cat|cancel"),
        ("5", None),
        ("/start", None),
        ("Đường làng bị ngập sau mưa", None),
        ("", None),
    ],
)
def test_a_typed_answer_picks_the_button_it_means(typed: str, data: str | None) -> None:
    assert picked(typed, shown(INLINE)) == data


NAVIGATION = {
    "inline_keyboard": [
        [
            {"text": "↩️ Quay lại", "callback_data": "in.content|back"},
            {"text": "✖️ Hủy", "callback_data": "in.content|cancel"},
        ]
    ]
}


@pytest.mark.parametrize(
    ("typed", "data"),
    [
        ("1", None),
        ("2", None),
        ("số 2", None),
        ("quay lai", "in.content|back"),
        ("Hủy", "in.content|cancel"),
        ("Hủy sạch rác ở đầu ngõ", None),
    ],
)
def test_a_step_waiting_for_words_takes_no_number(typed: str, data: str | None) -> None:
    """Quay lại and Hủy alone are written as words to type, not as numbers: a "2" meant as
    an answer stays an answer."""
    _, options = options_of(NAVIGATION) or (None, ())
    assert numbered(options) == t("zalo.nav_hint", words="“quay lại” hoặc “hủy”")
    assert picked(typed, shown(NAVIGATION)) == data


def test_a_typed_navigation_word_never_picks_a_longer_label() -> None:
    markup = {
        "inline_keyboard": [
            [{"text": "1. Hủy đăng ký", "callback_data": "rcbc|drop"}],
            [{"text": "2. Giữ lại đăng ký", "callback_data": "rcbc|keep"}],
        ]
    }
    assert picked("hủy", shown(markup)) is None
    assert picked("huy dang ky", shown(markup)) == "rcbc|drop"


def test_nothing_is_picked_without_shown_choices() -> None:
    assert picked("1", None) is None


def test_a_text_becomes_a_message_and_a_command_keeps_its_entity() -> None:
    event = parse_event(zalo(text="/tracuu SN-2026-00001"))
    assert event is not None
    update = telegram_update(event, update_id=5, user_id=LOCAL, message_id=9, shown=None, bot=BOT)
    message = update["message"]
    assert message["chat"] == {"id": LOCAL, "type": "private", "first_name": "Bà Lan"}
    assert message["from"]["id"] == LOCAL
    assert message["date"] == 1764300000
    assert message["text"] == "/tracuu SN-2026-00001"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    assert event.key == "message.text.received:m1"


def test_a_pick_becomes_a_press_on_the_message_that_showed_the_choices() -> None:
    event = parse_event(zalo(text="2"))
    assert event is not None
    update = telegram_update(
        event, update_id=5, user_id=LOCAL, message_id=9, shown=shown(INLINE), bot=BOT
    )
    query = update["callback_query"]
    assert query["data"] == "cat|giao-thong"
    assert query["message"]["message_id"] == 41
    assert query["message"]["text"] == "Việc này thuộc lĩnh vực nào?"
    assert local_chat("answerCallbackQuery", {"callback_query_id": query["id"]}) == LOCAL


def test_a_pick_on_a_reply_keyboard_becomes_the_button_text() -> None:
    event = parse_event(zalo(text="1"))
    assert event is not None
    update = telegram_update(
        event, update_id=5, user_id=LOCAL, message_id=9, shown=shown(REPLY), bot=BOT
    )
    assert update["message"]["text"] == "Bỏ qua"


def test_an_image_is_a_photo_whose_file_id_is_its_url() -> None:
    url = "https://zalo.example/media/abc.jpg"
    event = parse_event(zalo("message.image.received", photo=url, caption="Ảnh bãi rác"))
    assert event is not None
    assert event.kind is Kind.IMAGE
    message = telegram_update(event, update_id=5, user_id=LOCAL, message_id=9, shown=None, bot=BOT)[
        "message"
    ]
    [size] = message["photo"]
    assert size["file_id"] == url
    assert message["caption"] == "Ảnh bãi rác"


@pytest.mark.parametrize(
    ("event", "content"),
    [
        ("message.sticker.received", "sticker"),
        ("message.unsupported.received", None),
        ("message.image.received", None),  # no URL: nothing to show
        ("message.text.received", None),  # no text
    ],
)
def test_other_messages_reach_the_handlers_as_media_they_do_not_take(
    event: str, content: str | None
) -> None:
    parsed = parse_event(zalo(event))
    assert parsed is not None
    message = telegram_update(
        parsed, update_id=5, user_id=LOCAL, message_id=9, shown=None, bot=BOT
    )["message"]
    assert "text" not in message
    assert "photo" not in message
    assert (
        (content in message)
        if content
        else set(message)
        == {
            "message_id",
            "date",
            "chat",
            "from",
        }
    )


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        {"event_name": "message.text.received"},
        {"event_name": "message.text.received", "message": {"message_id": "m1", "text": "hi"}},
        zalo(**{"from": {"id": "", "display_name": "x"}}),
        zalo(**{"from": {"id": "zu1", "is_bot": True}}),
        zalo(chat={"id": "g1", "chat_type": "GROUP"}),
        {"event_name": 3, "message": zalo()["message"]},
    ],
)
def test_an_update_naming_no_one_to_answer_is_not_taken(raw: object) -> None:
    assert parse_event(raw) is None


@pytest.mark.parametrize(
    ("raw", "readable"),
    [
        (None, False),
        ({"event_name": "message.text.received", "message": {"text": "hi"}}, False),
        (zalo(**{"from": {"display_name": "x"}}), False),
        ({"event_name": 3, "message": zalo()["message"]}, False),
        (zalo(), True),
        (zalo(**{"from": {"id": "zu1", "is_bot": True}}), True),  # not answered, not broken
        (zalo(chat={"id": "g1", "chat_type": "GROUP"}), True),
    ],
)
def test_only_an_update_naming_no_sender_or_message_is_unreadable(
    raw: object, readable: bool
) -> None:
    assert (unreadable(raw) is None) is readable


def test_only_local_ids_are_carried_to_zalo() -> None:
    assert local_chat("sendMessage", {"chat_id": LOCAL}) == LOCAL
    assert local_chat("sendMessage", {"chat_id": str(LOCAL)}) == LOCAL
    assert local_chat("sendMessage", {"chat_id": 100000003}) is None
    assert local_chat("sendMessage", {"chat_id": -1001234}) is None
    assert local_chat("getMe", {}) is None
    assert local_chat("answerCallbackQuery", {"callback_query_id": "4242424242"}) is None


def test_telegram_only_sentences_are_reworded_with_their_values() -> None:
    asked = t("intake.ask.phone")
    assert reworded(f"Đang ghi: 091\n\n{asked}") == (
        f"Đang ghi: 091\n\n{t('zalo.instead.intake.ask.phone')}"
    )
    too_long = reworded(t("intake.location.too_long", length=301, max=300))
    assert too_long == t("zalo.instead.intake.location.too_long", length=301, max=300)
    assert "📍" not in reworded(t("intake.ask.location"))
    notice = reworded(t("start.privacy", office=""))
    assert "tên Zalo" in notice
    assert "Telegram" not in notice
    plain = "Cảm ơn ông/bà đã đồng ý."
    assert reworded(plain) == plain


def test_a_zalo_citizen_asking_their_id_is_not_told_it_is_a_telegram_one() -> None:
    """/id answers with the local id, the one /chan takes; calling it a Telegram id misleads."""
    answer = reworded(t("admin.your_id", id=4503599627370497))
    assert "4503599627370497" in answer
    assert "Telegram" not in answer


def test_every_zalo_wording_replaces_an_existing_sentence_with_the_same_values() -> None:
    texts = catalog()
    prefix = "zalo.instead."
    swapped = [key for key in texts if key.startswith(prefix)]
    assert swapped
    for key in swapped:
        original = texts[key[len(prefix) :]]
        names = {part.split("}")[0] for part in original.split("{")[1:]}
        assert names == {part.split("}")[0] for part in texts[key].split("{")[1:]}, key
