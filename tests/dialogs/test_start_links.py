"""Reading the links a commune prints, and keeping them until their person agrees."""

from __future__ import annotations

import pytest

from bot.dialogs.menu import LinkTarget, StartLink, WaitingLinks, read_start_link


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("guidon", StartLink(LinkTarget.NEW_CASE)),
        ("GuiDon", StartLink(LinkTarget.NEW_CASE)),
        ("lich", StartLink(LinkTarget.SCHEDULE)),
        ("SN-2026-00042", StartLink(LinkTarget.CASE, "SN-2026-00042")),
        ("sn_2026_00042", StartLink(LinkTarget.CASE, "SN-2026-00042")),
        ("", None),
        ("quangcao", None),
        ("SN-2026", None),
    ],
)
def test_a_payload_names_what_to_open(payload: str, expected: StartLink | None) -> None:
    assert read_start_link(payload) == expected


def test_a_waiting_link_is_taken_once_and_the_oldest_go_first() -> None:
    links = WaitingLinks(limit=2)
    for person in (1, 2, 3):
        links.wait(person, StartLink(LinkTarget.SCHEDULE))
    assert links.take(1) is None
    assert links.take(3) == StartLink(LinkTarget.SCHEDULE)
    assert links.take(3) is None
    links.open_form(77)
    assert links.opens_form(77)
    assert not links.opens_form(78)
