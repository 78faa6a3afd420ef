"""Supervision through the real Application: citizens file cases with their names, phones and
addresses (and type some into the content), one case runs late, one is reopened, and the
supervisor of the Fatherland Front watches, opens every case and sends recommendations.

Then every call the bot made to the supervisor's chat (texts, button labels, callback data) and
every answer to the supervisor's button presses is scanned for personal data and for anything
of the denunciation beyond its code and dates.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from bot.config import Config
from tests.handlers.test_citizen_flow import agree, rows
from tests.support.chat import Chats, buttons
from tests.support.clock import FixedClock
from tests.support.offline import Call

CHAIRMAN = 100000001  # leader, admin
OFFICE = 100000002  # officer, reception
ECONOMY = 100000003  # officer, Phòng Kinh tế
SUPERVISOR = 100000004  # Phạm Thị Dung, Chủ tịch UBMTTQ xã

# Citizens' Telegram ids: distinctive, so that finding one in a message means a leak.
DRAIN, LAMP, COMPLAINANT, DENOUNCER = 70001, 70002, 70003, 70004

DRAIN_NAME, DRAIN_PHONE, DRAIN_ADDRESS = "Hoàng Văn Khải", "0912888777", "Số 7, xóm Chùa"
DRAIN_TEXT = (
    "Tôi là Hoàng Văn Khải ở số 7, xóm Chùa. Cống thoát nước đầu ngõ bị tắc, nước tràn vào "
    "nhà dân. Cán bộ gọi tôi số 0912 888 777 hoặc email khai.hoang@gmail.com."
)
LAMP_TEXT = "Đèn đường trục thôn Tây tắt cả tháng nay. Căn cước của tôi: 001085012345."
COMPLAINT_NAME, COMPLAINT_PHONE, COMPLAINT_ADDRESS = "Lê Thị Hoa", "0913555666", "Thôn Bắc"
COMPLAINT_TEXT = "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND, bồi thường chưa đúng giá."
DENOUNCER_NAME, DENOUNCER_PHONE, DENOUNCER_ADDRESS = "Trần Văn Mật", "0987654321", "Xóm Giữa"
DENUNCIATION_TEXT = "Ông Nguyễn Văn Xạ bảo kê bãi cát trái phép ở bến đò Cửa Làng hằng đêm."
RECOMMENDATION = "Đề nghị lãnh đạo UBND xã chỉ đạo xử lý dứt điểm, trả lời người dân trong tuần."

PERSONAL = (
    DRAIN_NAME,
    DRAIN_PHONE,
    "xóm Chùa",
    "khai.hoang",
    "001085012345",
    COMPLAINT_NAME,
    COMPLAINT_PHONE,
    COMPLAINT_ADDRESS,
    DENOUNCER_NAME,
    DENOUNCER_PHONE,
    DENOUNCER_ADDRESS,
    *(f"Dân {user}" for user in (DRAIN, LAMP, COMPLAINANT, DENOUNCER)),  # Telegram names
    *(str(user) for user in (DRAIN, LAMP, COMPLAINANT, DENOUNCER)),
)
# Of the denunciation nothing but its code and dates: not its kind, category, department or
# content (the case is about security; no other case here is).
DENUNCIATION = ("Nguyễn Văn Xạ", "Cửa Làng", "bãi cát", "An ninh", "Công an", "tố cáo")


async def file(
    chats: Chats,
    user: int,
    kind: str,
    category: str,
    content: str,
    identity: tuple[str, str, str] | None = None,
) -> str:
    """A case filed by buttons; complaints and denunciations always carry an identity."""
    await agree(chats, user)
    await chats.say(user, "/guidon")
    await chats.tap(user, kind)
    await chats.tap(user, category)
    await chats.say(user, content)
    await chats.tap(user, "Không có ảnh")
    await chats.say(user, "bỏ qua")
    if kind in ("Phản ánh", "Kiến nghị"):
        await chats.tap(user, "Có, để lại" if identity else "Không cần")
    for answer in identity or ():
        await chats.say(user, answer)
    receipt = await chats.say(user, "gửi")
    text = str(receipt[-1].params["text"])
    assert "Đã gửi đơn thành công" in text, text
    return text.split("Mã hồ sơ: ")[1].split(maxsplit=1)[0]


async def file_everything(chats: Chats, clock: FixedClock) -> dict[str, str]:
    """Three cases late by 14/12/2026, and one filed then, resolved and reopened."""
    codes = {
        "drain": await file(
            chats,
            DRAIN,
            "Phản ánh",
            "Môi trường",
            DRAIN_TEXT,
            (DRAIN_NAME, DRAIN_PHONE, DRAIN_ADDRESS),
        ),
        "complaint": await file(
            chats,
            COMPLAINANT,
            "Khiếu nại",
            "Đất đai",
            COMPLAINT_TEXT,
            (COMPLAINT_NAME, COMPLAINT_PHONE, COMPLAINT_ADDRESS + ", xã Sơn Ninh"),
        ),
        "denunciation": await file(
            chats,
            DENOUNCER,
            "Tố cáo",
            "An ninh",
            DENUNCIATION_TEXT,
            (DENOUNCER_NAME, DENOUNCER_PHONE, DENOUNCER_ADDRESS + ", xã Sơn Ninh"),
        ),
    }
    # Monday 14/12/2026: the feedback (due 11/12), the complaint (to be accepted by 08/12) and
    # the denunciation (by 08/12) are overdue.
    clock.advance(timedelta(days=16))
    codes["lamp"] = await file(chats, LAMP, "Phản ánh", "Giao thông", LAMP_TEXT)
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, "Đã thay bóng đèn mới.")
    await chats.tap(ECONOMY, "Gửi kết quả")
    await chats.tap(LAMP, "Chưa hài lòng")
    await chats.tap(LAMP, "Bỏ qua")
    return codes


def _flat(call: Call) -> str:
    """Everything in a call, buttons and callback data included, with digit groups joined so
    that 0912 888 777 is found as 0912888777."""
    blob = json.dumps(call.params, ensure_ascii=False)
    return re.sub(r"(?<=\d)[ .\-](?=\d)", "", blob)


class Watching:
    """The supervisor's side of the test: every call the bot makes while they act is kept."""

    def __init__(self, chats: Chats) -> None:
        self.chats = chats
        self.answers: list[Call] = []

    async def _act(self, step: object) -> list[Call]:
        before = len(self.chats.request.calls)
        sent = await step  # type: ignore[misc]
        self.answers += [
            c for c in self.chats.request.calls[before:] if c.method == "answerCallbackQuery"
        ]
        return list(sent)

    async def say(self, text: str) -> list[Call]:
        return await self._act(self.chats.say(SUPERVISOR, text))

    async def press(self, data: str) -> list[Call]:
        return await self._act(self.chats.press(SUPERVISOR, data))

    async def tap(self, label: str) -> list[Call]:
        return await self._act(self.chats.tap(SUPERVISOR, label))

    def everything(self) -> list[Call]:
        to_chat = [
            c for c in self.chats.request.calls if str(c.params.get("chat_id")) == str(SUPERVISOR)
        ]
        return to_chat + self.answers


def text_of(calls: list[Call]) -> str:
    return "\n".join(str(c.params.get("text") or "") for c in calls)


@pytest.mark.slow
async def test_supervisors_watch_without_seeing_anyone(
    chats: Chats, clock: FixedClock, config: Config
) -> None:
    codes = await file_everything(chats, clock)
    watching = Watching(chats)

    listing = await watching.say("/giamsat")
    shown = text_of(listing)
    # The year's figures first, without the breakdown that would tell what the tố cáo is about.
    assert "Kỳ báo cáo: 01/01/2026 – 31/12/2026" in shown
    assert f"Tổng số hồ sơ nhận: {len(codes)}" in shown
    assert "Đang giải quyết: 4; quá hạn: 3" in shown
    assert "Theo lĩnh vực" not in shown
    assert "Theo loại đơn" not in shown
    assert "14/12/2026" in shown
    assert "Hồ sơ quá hạn, chưa giải quyết: 3" in shown
    assert "bị mở lại, đang xem xét lại (còn hạn): 1" in shown
    assert all(code in shown for code in codes.values())
    # An ordinary case shows what it is about, with the personal data masked.
    assert "Cống thoát nước đầu ngõ bị tắc" in shown
    assert "Môi trường" in shown
    assert "Phòng Kinh tế" in shown
    assert "[đã ẩn]" in shown
    assert "thu hồi đất số 12/QĐ-UBND" in shown, "a complaint's content is not secret"
    assert f"{codes['denunciation']} · hồ sơ bảo mật" in shown
    assert "Đã mở lại 1 lần" in shown

    opened = [data for _, data in buttons(listing[-1])]
    assert len(opened) == 4
    views = {}
    for data in opened:
        view = text_of(await watching.press(data))
        code = next(c for c in codes.values() if c in view)
        views[code] = view
    assert set(views) == set(codes.values())
    lamp = views[codes["lamp"]]
    assert "Lịch sử hồ sơ:" in lamp
    assert "Lê Văn Cường" in lamp, "officers are named"
    assert "Người dân · Mở lại" in lamp
    assert "Đã thay bóng đèn mới." not in lamp, "no notes but the supervisors' own"
    secret = views[codes["denunciation"]]
    assert "chỉ hiển thị mã hồ sơ và các mốc thời gian" in secret
    assert "Ngày nhận: 28/11/2026" in secret
    for code in codes.values():
        typed = text_of(await watching.say(f"/giamsat {code.lower()}"))
        assert code in typed

    # A recommendation on the overdue feedback: written, read back, confirmed.
    await watching.say(f"/giamsat {codes['drain']}")
    await watching.tap("Kiến nghị giám sát")
    preview = text_of(await watching.say(RECOMMENDATION))
    assert RECOMMENDATION in preview
    assert "Gửi tới lãnh đạo" in preview
    done = text_of(await watching.tap("Gửi kiến nghị"))
    assert f"Đã gửi kiến nghị về hồ sơ {codes['drain']}" in done
    # And one on the denunciation, whose code is all the supervisor knows.
    await watching.say(f"/giamsat {codes['denunciation']}")
    await watching.tap("Kiến nghị giám sát")
    await watching.say("Đề nghị giải quyết đúng thời hạn luật định.")
    await watching.tap("Gửi kiến nghị")
    again = text_of(await watching.say(f"/giamsat {codes['drain']}"))
    assert RECOMMENDATION in again, "supervision notes are in the history supervisors see"

    stored = await rows(
        config,
        "SELECT t.code, e.action, e.from_status, e.to_status, e.note, p.external_id "
        "FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id "
        "JOIN people p ON p.id = e.actor_id WHERE e.action = 'recommend' ORDER BY e.id",
    )
    assert stored == [
        (codes["drain"], "recommend", "new", "new", RECOMMENDATION, str(SUPERVISOR)),
        (
            codes["denunciation"],
            "recommend",
            "new",
            "new",
            "Đề nghị giải quyết đúng thời hạn luật định.",
            str(SUPERVISOR),
        ),
    ]
    to_leader = [
        str(c.params["text"])
        for c in chats.sent(CHAIRMAN)
        if "Kiến nghị giám sát" in str(c.params["text"])
    ]
    assert len(to_leader) == 2
    assert codes["drain"] in to_leader[0]
    assert "Phạm Thị Dung (Chủ tịch UBMTTQ xã)" in to_leader[0]
    assert RECOMMENDATION in to_leader[0]
    assert not any("Kiến nghị giám sát" in str(c.params.get("text")) for c in chats.sent(ECONOMY))

    # Now the scan: nothing personal, nothing of the denunciation, anywhere.
    everything = watching.everything()
    assert len(everything) > 20
    for call in everything:
        flat = _flat(call)
        for value in (*PERSONAL, *DENUNCIATION):
            assert value.lower() not in flat.lower(), (value, call.method, call.params)
    # The masked content does not even keep the shape of the e-mail or the ID number.
    assert "@" not in text_of(everything)


@pytest.mark.slow
async def test_a_supervisor_can_change_nothing(
    chats: Chats, clock: FixedClock, config: Config
) -> None:
    codes = await file_everything(chats, clock)
    snapshot = "SELECT * FROM tickets ORDER BY id"
    history = "SELECT * FROM ticket_events ORDER BY id"
    tickets_before, events_before = await rows(config, snapshot), await rows(config, history)
    [(lamp_id,)] = await rows(config, f"SELECT id FROM tickets WHERE code = '{codes['lamp']}'")
    forged = [
        f"case.{ticket_id}|{action}"
        for ticket_id in range(1, 6)
        for action in (
            "accept",
            "ask",
            "resolve",
            "reassign",
            "refuse",
            "complex",
            "extend",
            "open",
            "recommend",
            "view",
            "reopen",
        )
    ]
    forged += [
        f"reply.{lamp_id}|answer",
        f"rate.{lamp_id}|satisfied",
        "watch.999|open",
        "watch.999|recommend",
        "watch.x|recommend",
        f"watch.{lamp_id}|delete",
        f"watch.{lamp_id}|open|x",
        "officer.confirm|send",
        "watch.confirm|send",
    ]
    for data in forged:
        await chats.press(SUPERVISOR, data)
        # Words typed after a forged press go nowhere either.
        await chats.say(SUPERVISOR, "Đã giải quyết xong, đóng hồ sơ.")
    assert await rows(config, snapshot) == tickets_before
    assert await rows(config, history) == events_before
    answers = [c for c in chats.request.calls if c.method == "answerCallbackQuery"]
    assert sum("không có quyền" in str(a.params.get("text")) for a in answers) >= 50
    # The officer's commands show nothing either.
    hidden = await chats.say(SUPERVISOR, f"/hoso {codes['drain']}")
    assert "không có quyền xem" in str(hidden[-1].params["text"])


@pytest.mark.slow
async def test_watching_is_for_supervisors_and_leaders(
    chats: Chats, clock: FixedClock, config: Config
) -> None:
    codes = await file_everything(chats, clock)
    refused = await chats.say(ECONOMY, "/giamsat")
    assert "dành cho Ủy ban MTTQ" in str(refused[-1].params["text"])
    refused = await chats.say(ECONOMY, f"/giamsat {codes['drain']}")
    assert "dành cho Ủy ban MTTQ" in str(refused[-1].params["text"])
    stranger = await chats.say(DRAIN, "/giamsat")
    assert "dành cho cán bộ" in str(stranger[-1].params["text"])
    # An officer pressing a supervision button is refused too.
    [(drain_id,)] = await rows(config, f"SELECT id FROM tickets WHERE code = '{codes['drain']}'")
    await chats.press(ECONOMY, f"watch.{drain_id}|open")
    await chats.press(ECONOMY, f"watch.{drain_id}|recommend")
    await chats.say(ECONOMY, "Kiến nghị giả mạo.")
    assert await rows(config, "SELECT count(*) FROM ticket_events WHERE action = 'recommend'") == [
        (0,)
    ]
    # A leader watches too, but recommending is the supervisors' own word.
    leader = await chats.say(CHAIRMAN, "/giamsat")
    assert codes["drain"] in str(leader[-1].params["text"])
    case = await chats.say(CHAIRMAN, f"/giamsat {codes['drain']}")
    assert not any("Kiến nghị" in label for label, _ in buttons(case[-1]))
    bad = await chats.say(SUPERVISOR, "/giamsat không-phải-mã")
    assert "/giamsat MÃ" in str(bad[-1].params["text"])
    unknown = await chats.say(SUPERVISOR, "/giamsat SN-2026-09999")
    assert "Không tìm thấy hồ sơ" in str(unknown[-1].params["text"])


@pytest.mark.slow
async def test_a_recommendation_can_be_edited_or_cancelled(
    chats: Chats, clock: FixedClock, config: Config
) -> None:
    codes = await file_everything(chats, clock)
    await chats.say(SUPERVISOR, f"/giamsat {codes['complaint']}")
    await chats.tap(SUPERVISOR, "Kiến nghị giám sát")
    await chats.sticker(SUPERVISOR)
    assert "bằng chữ" in chats.last_text(SUPERVISOR)
    await chats.say(SUPERVISOR, "Bản nháp thứ nhất.")
    again = await chats.say(SUPERVISOR, "ừ")
    said = " ".join(str(c.params["text"]) for c in again)
    assert "ông/bà" not in said.lower(), "officer words"
    assert "Bản nháp thứ nhất." in str(again[-1].params["text"]), "the read-back again"
    await chats.tap(SUPERVISOR, "Sửa")
    await chats.say(SUPERVISOR, "Đề nghị thụ lý khiếu nại đúng hạn luật định.")
    await chats.say(SUPERVISOR, "gửi")
    await chats.say(SUPERVISOR, f"/giamsat {codes['complaint']}")
    await chats.tap(SUPERVISOR, "Kiến nghị giám sát")
    await chats.say(SUPERVISOR, "Không gửi cái này.")
    cancelled = await chats.tap(SUPERVISOR, "Hủy")
    assert "chưa được gửi" in str(cancelled[-1].params["text"])
    notes = await rows(config, "SELECT note FROM ticket_events WHERE action = 'recommend'")
    assert notes == [("Đề nghị thụ lý khiếu nại đúng hạn luật định.",)]


async def test_a_leaders_case_file_has_the_whole_history(
    chats: Chats, clock: FixedClock, config: Config
) -> None:
    code = await file(
        chats, DRAIN, "Phản ánh", "Môi trường", DRAIN_TEXT, (DRAIN_NAME, DRAIN_PHONE, DRAIN_ADDRESS)
    )
    long_result = "Kết quả kiểm tra hiện trường: " + "đã nạo vét cống, " * 40 + "xong."
    await chats.tap(ECONOMY, "Tiếp nhận")
    await chats.tap(ECONOMY, "Giải quyết")
    await chats.say(ECONOMY, long_result)
    await chats.tap(ECONOMY, "Gửi kết quả")
    leader = "\n".join(str(c.params["text"]) for c in await chats.say(CHAIRMAN, f"/hoso {code}"))
    assert long_result in leader, "notes in full, not shortened"
    assert len(long_result) > 600
    assert DRAIN_TEXT in leader
    assert f"{DRAIN_NAME}, {DRAIN_PHONE}, {DRAIN_ADDRESS}" in leader
    assert f"Người dân {DRAIN_NAME} · Gửi đơn" in leader
    assert "Lê Văn Cường (Công chức Địa chính – Xây dựng) · Giải quyết" in leader
    assert "Nhận lúc: 28/11/2026 09:30" in leader
    # The officer keeps today's view: notes shortened, the citizen unnamed in the history.
    officer = "\n".join(str(c.params["text"]) for c in await chats.say(ECONOMY, f"/hoso {code}"))
    assert long_result not in officer
    assert "Người dân · Gửi đơn" in officer


async def test_a_one_word_name_hides_no_ordinary_word(chats: Chats, config: Config) -> None:
    """A citizen whose Telegram name is "Khiếu" complains ("khiếu nại") about a place whose
    name shares words with common given names: the sentence stays whole, and only the full
    name they gave, typed into the text without diacritics, is hidden."""
    citizen = 70005
    chats.names[citizen] = "Khiếu"
    matter = "Tôi khiếu nại việc xây tường lấn lối đi chung ở xóm Đông, xã Nam Sơn."
    code = await file(
        chats,
        citizen,
        "Phản ánh",
        "Môi trường",
        f"{matter} Tôi là Dang Van Xoa.",
        ("Đặng Văn Xoá", "0977111222", "Số 9, ngõ 3"),
    )
    assert await rows(
        config, f"SELECT display_name FROM people WHERE external_id = '{citizen}'"
    ) == [("Khiếu",)]

    shown = text_of(await chats.say(SUPERVISOR, f"/giamsat {code}"))

    assert f"{matter} Tôi là [đã ẩn]." in shown
    assert "Dang Van Xoa" not in shown
