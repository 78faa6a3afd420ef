"""/baocao through the real Application: who may ask, the period picker, what arrives."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.config import Config
from bot.services import Services
from handlers.wiring.application import build_application
from tests.handlers.test_casework_flow import CHAIRMAN, ECONOMY, OFFICE, SUPERVISOR
from tests.handlers.test_citizen_flow import agree, rows
from tests.services.test_reports import CASES, put_cases
from tests.support.chat import Chats, buttons
from tests.support.clock import FakeTimer, FixedClock
from tests.support.offline import Call, OfflineRequest

CITIZEN = 8101


def documents(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendDocument"]


def photos(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method == "sendPhoto"]


def words(calls: list[Call]) -> str:
    return "\n".join(str(c.params.get("text") or c.params.get("caption") or "") for c in calls)


async def with_cases(services: Services) -> None:
    clock = services.clock
    assert isinstance(clock, FixedClock)
    await put_cases(services.db, services.config, clock, CASES)


async def test_a_leader_gets_summary_workbook_and_chart(chats: Chats, services: Services) -> None:
    await with_cases(services)
    asked = await chats.say(CHAIRMAN, "/baocao")
    labels = [label for label, _ in buttons(asked[-1])]
    assert labels[:5] == [
        "1. Tháng này",
        "2. Tháng trước",
        "3. Quý này",
        "4. Năm nay",
        "5. Chọn từ ngày đến ngày",
    ]
    got = await chats.tap(CHAIRMAN, "Tháng này")
    text = words([c for c in got if c.method == "sendMessage"])
    assert "Đang lập báo cáo từ 01/11/2026 đến 30/11/2026" in text
    assert "Tổng số hồ sơ nhận: 9" in text
    assert "tính đến 28/11/2026" in text
    assert "đúng hạn 3, trễ hạn 1" in text
    assert "Người Tố Cáo Kín" not in text
    assert "Nguyễn Văn An Dân" not in text
    [document] = documents(got)
    name, data, _ = document.files["document"]
    assert name == "bao-cao-2026-11-01-2026-11-30.xlsx"
    book = load_workbook(BytesIO(data))
    assert book.sheetnames == ["Tổng hợp", "Danh sách hồ sơ", "Tệp đính kèm", "Tra cứu thủ tục"]
    assert book["Danh sách hồ sơ"].max_row == 2 + 9
    [photo] = photos(got)
    _, png, _ = photo.files["photo"]
    with Image.open(BytesIO(png)) as image:
        assert image.format == "PNG"
    # The order a leader reads them in: the line, the summary, the file, the picture.
    methods = [c.method for c in got]
    assert methods.index("sendDocument") < methods.index("sendPhoto")
    assert methods[-1] == "sendPhoto"


async def test_the_office_types_the_dates_with_the_command(
    chats: Chats, services: Services
) -> None:
    await with_cases(services)
    got = await chats.say(OFFICE, "/baocao 01/11/2026 15/11/2026")
    [document] = documents(got)
    assert document.files["document"][0] == "bao-cao-2026-11-01-2026-11-15.xlsx"
    assert "Tổng số hồ sơ nhận: 6" in words(got)  # A, B, C, D, E and I
    assert photos(got)


@pytest.mark.parametrize("user", [ECONOMY, SUPERVISOR])
async def test_other_officers_are_refused(chats: Chats, user: int) -> None:
    got = await chats.say(user, "/baocao")
    assert words(got) == "Báo cáo dành cho lãnh đạo và Văn phòng UBND xã."
    assert not documents(got)
    again = await chats.say(user, "1")
    assert not documents(again)


async def test_a_citizen_is_refused(chats: Chats, config: Config) -> None:
    await agree(chats, CITIZEN)
    got = await chats.say(CITIZEN, "/baocao 01/11/2026 15/11/2026")
    assert "dành cho cán bộ" in words(got)
    assert not documents(got)


async def test_bad_dates_are_asked_again(chats: Chats) -> None:
    await chats.say(CHAIRMAN, "/baocao")
    asked = await chats.tap(CHAIRMAN, "Chọn từ ngày đến ngày")
    assert "ví dụ: 01/01/2026 - 31/03/2026" in words(asked)
    for typed, expected in (
        ("31/03/2026 - 01/01/2026", "Ngày bắt đầu đang sau ngày kết thúc."),
        ("31/02/2026 - 10/03/2026", "Có ngày không có trên lịch"),
        ("01/12/2026 - 31/12/2026", "Ngày bắt đầu chưa đến"),
        ("01/01/1990 - 31/12/2026", "dài quá 5 năm"),
        ("đầu năm đến giờ", "Chưa đọc được hai ngày."),
    ):
        got = await chats.say(CHAIRMAN, typed)
        assert expected in words(got), typed
        assert "ví dụ: 01/01/2026 - 31/03/2026" in words(got)
        assert not documents(got)
    sticker = await chats.sticker(CHAIRMAN)
    assert "Xin gõ ngày bằng chữ số" in words(sticker)
    got = await chats.say(CHAIRMAN, "1/1/2026 đến 31/3/2026")
    [document] = documents(got)
    assert document.files["document"][0] == "bao-cao-2026-01-01-2026-03-31.xlsx"


async def test_back_forged_buttons_and_stray_input_at_the_picker(
    chats: Chats, config: Config
) -> None:
    await chats.say(CHAIRMAN, "/baocao")
    await chats.tap(CHAIRMAN, "Chọn từ ngày đến ngày")
    back = await chats.tap(CHAIRMAN, "Quay lại")
    assert "Anh/chị cần báo cáo kỳ nào?" in words(back)
    for forged in ("report.period|khong-co", "report.period|", "report.period|a|b"):
        got = await chats.press(CHAIRMAN, forged)
        assert not documents(got)
    stray = await chats.say(CHAIRMAN, "alo")
    assert "Xin bấm một kỳ báo cáo ở trên" in words(stray)
    photo = await chats.photo(CHAIRMAN, "p1")
    assert "Xin bấm một kỳ báo cáo ở trên" in words(photo)
    # Typing the number picks it; it never starts a citizen's case.
    got = await chats.say(CHAIRMAN, "2")
    assert documents(got)[0].files["document"][0] == "bao-cao-2026-10-01-2026-10-31.xlsx"
    assert await rows(config, "SELECT count(*) FROM conversation_data") in ([], [(0,)])


async def test_cancel_by_word_command_and_button(chats: Chats) -> None:
    await chats.say(CHAIRMAN, "/baocao")
    assert "Đã hủy lập báo cáo." in words(await chats.say(CHAIRMAN, "hủy"))
    assert not documents(await chats.say(CHAIRMAN, "1"))
    await chats.say(CHAIRMAN, "/baocao")
    await chats.tap(CHAIRMAN, "Chọn từ ngày đến ngày")
    assert "Đã hủy lập báo cáo." in words(await chats.say(CHAIRMAN, "/huy"))
    await chats.say(CHAIRMAN, "/baocao")
    assert "Đã hủy lập báo cáo." in words(await chats.tap(CHAIRMAN, "Hủy"))


async def test_the_picker_survives_a_restart(chats: Chats, services: Services) -> None:
    await chats.say(CHAIRMAN, "/baocao")
    await chats.tap(CHAIRMAN, "Chọn từ ngày đến ngày")
    await chats.app.update_persistence()
    request = OfflineRequest()
    app = build_application(services, request=request, timer=FakeTimer())
    async with app:
        again = Chats(app, request)
        got = await again.say(CHAIRMAN, "01/11/2026 - 27/11/2026")
    assert documents(got)[0].files["document"][0] == "bao-cao-2026-11-01-2026-11-27.xlsx"
