"""A press costs one call to the citizen's chat (issue #19): the pressed message becomes the
answer and the next question while it is the chat's last message; otherwise the next question
is sent below, as before. Read as the citizen reads their chat."""

from __future__ import annotations

from bot.config import Config
from bot.services import Services
from bot.texts import t
from handlers.wiring.application import build_application
from tests.conftest import POSTGRESQL_ONLY, SQLITE_ONLY
from tests.handlers.test_citizen_flow import rows
from tests.support.chat import Chats
from tests.support.clock import FakeTimer

CITIZEN = 5301
NEIGHBOUR = 5302
LABELS = ("Đồng ý", "Gửi phản ánh", "Phản ánh", "Môi trường")
CONTENT = "Cống thoát nước trước nhà văn hóa thôn Đông bị tắc, nước tràn ra đường."


def chat_calls(chats: Chats, user: int, before: int) -> list[str]:
    """The Bot API calls made to this person's chat since `before`, and the presses answered
    (which name no chat)."""
    return [
        c.method
        for c in chats.request.calls[before:]
        if c.params.get("chat_id") == user or c.method == "answerCallbackQuery"
    ]


async def press(chats: Chats, user: int, label: str) -> list[str]:
    before = len(chats.request.calls)
    await chats.tap_shown(user, label)
    return chat_calls(chats, user, before)


def answered(label: str) -> str:
    return "\n\n" + t("render.answered", answer=label) + "\n\n"


@SQLITE_ONLY
async def test_each_press_is_one_edit_and_the_chat_reads_in_order(
    chats: Chats, config: Config
) -> None:
    one_call = ["answerCallbackQuery", "editMessageText"]
    await chats.say(CITIZEN, "/start")
    assert await press(chats, CITIZEN, "Đồng ý") == one_call
    [first] = chats.chat(CITIZEN)
    consent, agreed = first.text.split(answered("Đồng ý"))
    assert consent.endswith("Ông/bà có đồng ý không?")
    assert agreed.startswith(t("start.agreed"))
    for label in LABELS[1:]:
        assert await press(chats, CITIZEN, label) == one_call
    [first] = chats.chat(CITIZEN)  # one message: every answer in order, the question last
    chosen = [line for line in first.text.splitlines() if line.startswith("✅ Đã chọn: ")]
    assert [label in line for label, line in zip(LABELS, chosen, strict=True)] == [True] * 4
    assert first.text.endswith(t("intake.ask.content", kind="Phản ánh"))

    # What the citizen typed lies below, so the next question is a new message, last; the
    # location is a question like the others, so the press becomes it.
    await chats.say(CITIZEN, CONTENT)
    assert await press(chats, CITIZEN, "Không có ảnh") == one_call
    assert await press(chats, CITIZEN, "Bỏ qua") == one_call
    assert await press(chats, CITIZEN, "Không cần") == one_call
    assert await press(chats, CITIZEN, "Gửi") == one_call

    chat = chats.chat(CITIZEN)
    summary, receipt = chat[-1].text.split(answered("✅ Gửi"))
    assert CONTENT in summary
    assert receipt.startswith("✅ Đã gửi đơn thành công")
    assert receipt.endswith("Xin bấm một nút hoặc gõ số thứ tự:")
    assert [m.message_id for m in chat if m.buttons] == [first.message_id, chat[-1].message_id]
    # The content step, answered by typing, keeps its way back, as before.
    assert [label for label, _ in first.buttons] == [t("nav.back"), t("nav.cancel")]
    [(kind, category, content)] = await rows(
        config, "SELECT kind, category_id, content FROM tickets"
    )
    assert (kind, category, content) == ("feedback", "moi-truong", CONTENT)


@SQLITE_ONLY
async def test_a_press_above_something_newer_is_answered_below(
    chats: Chats, services: Services
) -> None:
    """Anything below the pressed message — a message the bot sent (a notice), one the citizen
    typed, or nothing known after a restart — and the next question is sent below it."""
    await chats.say(CITIZEN, "/start")
    await press(chats, CITIZEN, "Đồng ý")
    assert len(chats.chat(CITIZEN)) == 1
    await chats.app.bot.send_message(CITIZEN, "Thông báo của xã")
    calls = await press(chats, CITIZEN, "Gửi phản ánh")
    assert calls == ["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]
    assert [m.message_id for m in chats.chat(CITIZEN) if m.buttons] == [3]
    assert chats.chat(CITIZEN)[-1].text.startswith(t("intake.ask.kind"))

    await chats.say(NEIGHBOUR, "/start")
    await press(chats, NEIGHBOUR, "Đồng ý")
    await chats.say(NEIGHBOUR, "xin chào")  # answered with the menu, below
    await chats.deliver(chats.press_update(NEIGHBOUR, "menu|send", shown=chats.chat(NEIGHBOUR)[0]))
    assert chats.chat(NEIGHBOUR)[0].buttons == []
    assert chats.chat(NEIGHBOUR)[-1].text.startswith(t("intake.ask.kind"))

    restarted = build_application(services, request=chats.request, timer=FakeTimer())
    async with restarted:
        again = Chats(restarted, chats.request)
        before = len(chats.request.calls)
        await again.tap_shown(NEIGHBOUR, "Phản ánh")
        calls = chat_calls(again, NEIGHBOUR, before)
    assert calls == ["answerCallbackQuery", "editMessageReplyMarkup", "sendMessage"]
    assert chats.chat(NEIGHBOUR)[-1].text.startswith(t("intake.ask.category"))


@POSTGRESQL_ONLY
async def test_on_a_shared_database_a_press_is_answered_below(chats: Chats) -> None:
    """Other processes send to the same chats unseen: nothing is known to be last."""
    await chats.say(CITIZEN, "/start")
    assert await press(chats, CITIZEN, "Đồng ý") == [
        "answerCallbackQuery",
        "editMessageReplyMarkup",
        "sendMessage",
    ]


Act = tuple[str, str]  # ("say" or "tap", what), or ("map", "") for the phone's location
# A feedback to its location step, then on to the summary, as in test_citizen_flow.
TO_LOCATION: list[Act] = [
    ("say", "/start"),
    ("tap", "Đồng ý"),
    ("tap", "Gửi phản ánh"),
    ("tap", "Phản ánh"),
    ("tap", "Môi trường"),
    ("say", CONTENT),
    ("tap", "Không có ảnh"),
]
PLACE = "Ngõ 3, thôn Đông"
LOCATION_PATHS: dict[str, list[Act]] = {
    "typed place": [("say", PLACE)],
    "skip by tap": [("tap", "Bỏ qua")],
    "skip by 1": [("say", "1")],
    "map by the button": [("tap", "Gửi vị trí trên bản đồ"), ("map", "")],
}
SPOT = (21.0285, 105.8542)


async def act(chats: Chats, user: int, what: Act) -> list[str]:
    """Do `what` as the person would; the Bot API calls it made that name their chat."""
    before = len(chats.request.calls)
    verb, words = what
    if verb == "say":
        await chats.say(user, words)
    elif verb == "tap":
        await chats.tap_shown(user, words)
    else:
        await chats.location(user, *SPOT)
    return [c for c in chat_calls(chats, user, before) if c != "answerCallbackQuery"]


@SQLITE_ONLY
async def test_every_way_through_the_location_step_is_one_call_a_step(
    chats: Chats, config: Config
) -> None:
    """Typed place, "Bỏ qua" pressed or typed as 1: one call to the chat at every step. Only
    the map costs two, once the location came: the phone's keyboard is taken away by a message
    of its own (one cannot carry both it and the next question's buttons)."""
    for n, (name, location) in enumerate(LOCATION_PATHS.items()):
        user = CITIZEN + 10 * n
        for what in [*TO_LOCATION, *location, ("tap", "Không cần"), ("tap", "Gửi")]:
            calls = await act(chats, user, what)
            lowest = chats.chat(user)[-1]
            if what == ("map", ""):
                assert calls == ["sendMessage", "sendMessage"], name
                removal = chats.request.sent_to(user)[-2]
                assert "remove_keyboard" in str(removal.params["reply_markup"])
                assert removal.params["text"] == t("intake.location.received")
            else:
                assert len(calls) == 1, (name, what, calls)
            # The latest question is the chat's last message: its buttons, or the phone's.
            if what == ("tap", "Gửi vị trí trên bản đồ"):
                assert lowest.text == t("intake.keyboard.location")
                keyboard = chats.request.sent_to(user)[-1].params["reply_markup"]
                assert "request_location" in str(keyboard)
            elif what != ("say", "/start"):
                assert lowest.buttons, (name, what)
        assert "Đã gửi đơn thành công" in chats.chat(user)[-1].text
    filed = await rows(
        config, "SELECT kind, category_id, content, place, latitude, longitude FROM tickets"
    )
    case = ("feedback", "moi-truong", CONTENT)
    assert sorted(filed, key=str) == sorted(
        [
            (*case, PLACE, None, None),
            (*case, None, None, None),
            (*case, None, None, None),
            (*case, None, *SPOT),
        ],
        key=str,
    )


COMPLAINT: list[Act] = [
    ("say", "/start"),
    ("tap", "Đồng ý"),
    ("tap", "Gửi phản ánh"),
    ("tap", "Khiếu nại"),
    ("tap", "Đất đai"),
    ("say", "Tôi không đồng ý với quyết định thu hồi đất số 12 của xã."),
    ("tap", "Không có ảnh"),
    ("tap", "Bỏ qua"),
    ("say", "Nguyễn Văn Bình"),
]


@SQLITE_ONLY
async def test_the_phone_number_typed_is_one_call_shared_is_two(
    chats: Chats, config: Config
) -> None:
    typed, shared = CITIZEN, CITIZEN + 1
    for what in [*COMPLAINT, ("say", "0912345678"), ("say", "Thôn Đông, xã Sơn Ninh")]:
        assert len(await act(chats, typed, what)) == 1, what
    assert chats.chat(typed)[-1].buttons  # the summary, last
    for what in [*COMPLAINT, ("tap", "Gửi số điện thoại của tôi")]:
        assert len(await act(chats, shared, what)) == 1, what
    assert chats.chat(shared)[-1].text == t("intake.keyboard.phone")
    answered_by_phone = await chats.contact(shared, "84912345678")
    assert [c.method for c in answered_by_phone] == ["sendMessage", "sendMessage"]
    assert answered_by_phone[0].params["text"] == t("intake.phone.received", phone="0912345678")
    assert "remove_keyboard" in str(answered_by_phone[0].params["reply_markup"])
    assert chats.chat(shared)[-1].text.startswith(t("intake.ask.address"))
    await chats.say(shared, "Thôn Đông, xã Sơn Ninh")
    for user in (typed, shared):
        await chats.tap_shown(user, "Gửi")
    phones = await rows(config, "SELECT contact_phone FROM tickets")
    assert phones == [("0912345678",), ("0912345678",)]
