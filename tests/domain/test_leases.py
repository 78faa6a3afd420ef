"""The rules of holding a role: who may take it, when a holder renews and when it gives up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.leases import (
    MARGIN,
    RENEW_EVERY,
    RETRY_EVERY,
    TTL,
    Holding,
    Lease,
    may_take,
    until_of,
)

START = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
seconds = st.floats(min_value=0, max_value=30, allow_nan=False).map(lambda s: timedelta(seconds=s))


def lease(held_by: str, until: datetime) -> Lease:
    return Lease("scheduler", held_by, START, until, generation=3)


def test_a_killed_holder_is_replaced_within_ten_seconds() -> None:
    """Its last renewal at worst just before the kill; a standby tries every RETRY_EVERY."""
    assert timedelta(seconds=10) > TTL + RETRY_EVERY
    assert RENEW_EVERY < TTL - MARGIN  # at least one renewal may fail before giving up


@given(seconds)
def test_a_role_nobody_holds_or_held_before_is_free(after: timedelta) -> None:
    now = START + after
    assert may_take(None, "b", now)
    assert may_take(lease("b", START), "b", now)  # its own, from before a restart


@given(seconds, seconds)
def test_another_holder_keeps_the_role_until_its_lease_lapses(
    renewed: timedelta, after: timedelta
) -> None:
    until = until_of(START + renewed)
    now = START + after
    assert may_take(lease("a", until), "b", now) == (now >= until)


@given(seconds, seconds)
def test_a_holder_stops_before_anyone_may_take_over(renewed: timedelta, after: timedelta) -> None:
    holding = Holding(1, START, START).renewed(START + renewed)
    now = START + after
    if not holding.must_give_up(now):
        assert not may_take(lease("a", holding.until), "b", now)
    assert holding.renew_at() < holding.give_up_at() < holding.until
