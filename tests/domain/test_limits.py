"""The rate window and the other limits, over arbitrary sequences of message times."""

from __future__ import annotations

from itertools import accumulate, pairwise

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.limits import RateLimiter, RateWindow, Verdict, may_open_case, over_length

PERIOD = 60.0
gaps = st.lists(st.floats(min_value=0, max_value=200, allow_nan=False), max_size=300)
limits = st.integers(min_value=1, max_value=30)


def times(steps: list[float]) -> list[float]:
    return list(accumulate(steps, initial=1000.0))[1:]


def verdicts(limit: int, moments: list[float]) -> list[tuple[float, Verdict]]:
    window = RateWindow(limit, PERIOD)
    return [(moment, window.hit(moment)) for moment in moments]


@given(limits, gaps)
def test_never_more_than_the_limit_in_any_period(limit: int, steps: list[float]) -> None:
    allowed = [m for m, v in verdicts(limit, times(steps)) if v is Verdict.ALLOW]
    for start in allowed:
        assert sum(1 for m in allowed if start <= m < start + PERIOD) <= limit


@given(limits, gaps)
def test_one_warning_per_period_and_only_over_the_limit(limit: int, steps: list[float]) -> None:
    seen = verdicts(limit, times(steps))
    warned = [m for m, v in seen if v is Verdict.WARN]
    assert all(later - earlier >= PERIOD for earlier, later in pairwise(warned))
    for moment, verdict in seen:
        if verdict is not Verdict.ALLOW:
            recent = [m for m, v in seen if v is Verdict.ALLOW and moment - PERIOD < m <= moment]
            assert len(recent) == limit


@given(limits, gaps)
def test_a_quiet_period_lets_messages_through_again(limit: int, steps: list[float]) -> None:
    window = RateWindow(limit, PERIOD)
    moments = times(steps)
    for moment in moments:
        window.hit(moment)
    after = (moments[-1] if moments else 1000.0) + PERIOD
    assert [window.hit(after) for _ in range(limit)] == [Verdict.ALLOW] * limit


def test_a_flood_is_told_once_then_dropped() -> None:
    seen = [v for _, v in verdicts(3, [1000.0] * 1000)]
    assert seen[:4] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]
    assert set(seen[4:]) == {Verdict.DROP}


@given(st.lists(st.tuples(st.sampled_from("abcde"), st.floats(0, 100)), max_size=300))
def test_people_are_counted_apart(hits: list[tuple[str, float]]) -> None:
    limiter = RateLimiter(2, PERIOD)
    alone = {key: RateWindow(2, PERIOD) for key in "abcde"}
    for key, step in accumulate(hits, lambda acc, h: (h[0], acc[1] + h[1]), initial=("", 0.0)):
        if key:
            assert limiter.hit(key, step) is alone[key].hit(step)


def test_idle_windows_are_forgotten() -> None:
    limiter = RateLimiter(2, PERIOD)
    for n in range(100):
        limiter.hit(f"person-{n}", 1000.0)
    limiter.hit("late", 1000.0 + PERIOD)
    assert set(limiter.windows) == {"late"}


@given(st.text(max_size=50), st.integers(min_value=0, max_value=50))
def test_over_length_counts_the_trimmed_text(text: str, limit: int) -> None:
    length = over_length(text, limit)
    assert (length is None) == (len(text.strip()) <= limit)


def test_cases_per_day() -> None:
    assert may_open_case(4, 5)
    assert not may_open_case(5, 5)
