"""Who a case's history names for each event."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.dialogs.history import history_lines
from bot.domain.tickets import TicketEvent

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
OFFICER = 100000003


def event(actor_id: int | None, action: str, note: str | None = None) -> TicketEvent:
    return TicketEvent(AT, actor_id, action, None, None, note)


def test_the_bot_keeping_a_file_is_the_system_not_the_citizen() -> None:
    lines = history_lines(
        [
            event(None, "submitted"),
            event(None, "file_kept", "sha256:ab12"),
            event(OFFICER, "accept"),
        ],
        {OFFICER: "Trần Thị Cán Bộ"},
        ZONE,
        300,
    )
    assert lines == [
        "• 05/12/2026 10:00 · Người dân · Gửi đơn",
        "• 05/12/2026 10:00 · Hệ thống · Lưu giữ tệp đính kèm\n   «sha256:ab12»",
        "• 05/12/2026 10:00 · Trần Thị Cán Bộ · Tiếp nhận, thụ lý",
    ]
