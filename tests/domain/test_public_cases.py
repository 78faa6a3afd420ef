"""A published case as everyone sees it: masked texts, and a page cursor that round-trips."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.public_cases import Cursor, PublishedCase, public_view
from bot.domain.tickets import Kind, Status, Ticket


@given(
    # Hypothesis draws naive bounds and attaches the zone itself.
    st.datetimes(
        min_value=datetime(1970, 1, 2),  # noqa: DTZ001
        max_value=datetime(2200, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.integers(min_value=0, max_value=2**62),
)
def test_a_cursor_round_trips(moment: datetime, ticket_id: int) -> None:
    assert Cursor.decode(Cursor(moment, ticket_id).encode()) == Cursor(moment, ticket_id)


@given(st.text(max_size=40))
def test_junk_is_no_cursor_and_no_crash(text: str) -> None:
    found = Cursor.decode(text)
    assert found is None or Cursor.decode(found.encode()) == found


def test_the_view_masks_every_text_and_keeps_no_contact() -> None:
    ticket = Ticket(
        id=1,
        code="SN-2026-00001",
        kind=Kind.FEEDBACK,
        category_id="giao-thong",
        status=Status.RESOLVED,
        content="Tôi là Lò Văn Sinh ở Bản Nà Hì, gọi 0912 345 678 hoặc a.b@mail.vn.",
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        place="Bản Nà Hì, cạnh trường",
        contact_name="Lò Văn Sinh",
        contact_phone="0912345678",
        contact_address="Bản Nà Hì, xã Mường Lói",
        result="Đã báo ông Lò Văn Sinh qua 0912345678.",
        public=True,
    )
    view = public_view(PublishedCase(ticket, "Lò Thị Mai", ticket.created_at), mask="▒")
    shown = f"{view.content} {view.place} {view.result}"
    for secret in ("Lò Văn Sinh", "0912", "Nà Hì", "a.b@mail.vn"):
        assert secret not in shown
    assert view.place == "▒, cạnh trường"
    assert not {"contact_name", "contact_phone", "contact_address"} & set(view.__slots__)
