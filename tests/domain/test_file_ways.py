"""How a case's file goes to staff: the kept file first, the channel's reference only while
nothing is kept and only where it works at once (bot.domain.files.way_to_send)."""

from __future__ import annotations

import pytest

from bot.domain.files import Way, way_to_send

TELEGRAM = "AgACAgIAAxkBAAIBQ2"
ZALO = "https://photo-stal-9.zdn.vn/3c/abc.jpg"


@pytest.mark.parametrize(
    ("status", "reference", "cached", "opened", "way"),
    [
        ("kept", TELEGRAM, True, True, Way.CACHED),
        ("kept", ZALO, False, True, Way.UPLOAD),
        ("kept", "", False, True, Way.UPLOAD),  # an erasure cut the reference: the file stays
        ("pending", TELEGRAM, False, True, Way.REFERENCE),
        ("pending", ZALO, False, True, Way.WAIT),
        ("failed", TELEGRAM, False, True, Way.REFERENCE),
        ("failed", ZALO, False, True, Way.MISSING),
        ("failed", "", False, True, Way.MISSING),
        ("kept", TELEGRAM, True, False, Way.MISSING),  # sealed, and the key is gone
        (None, TELEGRAM, False, True, Way.MISSING),  # the case's retention dropped it
    ],
)
def test_the_way_a_file_goes(
    status: str | None, reference: str, cached: bool, opened: bool, way: Way
) -> None:
    assert way_to_send(status, reference, cached=cached, opened=opened) is way
