"""How much one person may send: the rules behind [limits], kept free of I/O so they can be
tested by the thousand.

A message rate is a sliding window: at most `limit` messages pass in any `period`. The first
message over the limit is answered once (WARN) so the person knows why the bot went quiet;
the rest are dropped without an answer until the window lets messages through again, since
answering a flood would only double it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

# The longest text written into a case after filing, and a booking's topic, that storage
# keeps; [limits] may ask for less.
NOTE_CEILING = 2000
TOPIC_CEILING = 300


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: answer once, politely, then drop
    DROP = "drop"  # over the limit and already told


@dataclass(slots=True)
class RateWindow:
    """One person's recent messages; times are seconds on any clock that never goes back."""

    limit: int
    period: float
    passed: deque[float] = field(default_factory=deque)
    warned_at: float | None = None

    def hit(self, now: float) -> Verdict:
        while self.passed and now - self.passed[0] >= self.period:
            self.passed.popleft()
        if len(self.passed) < self.limit:
            self.passed.append(now)
            return Verdict.ALLOW
        if self.warned_at is None or now - self.warned_at >= self.period:
            self.warned_at = now
            return Verdict.WARN
        return Verdict.DROP

    def idle(self, now: float) -> bool:
        """Whether forgetting this window would change no future verdict."""
        latest = [*list(self.passed)[-1:], *([] if self.warned_at is None else [self.warned_at])]
        return all(now - moment >= self.period for moment in latest)


@dataclass(slots=True)
class RateLimiter:
    """Everyone's windows; idle ones are swept once a period so memory follows active people."""

    limit: int
    period: float
    windows: dict[str, RateWindow] = field(default_factory=dict)
    swept_at: float | None = None

    def hit(self, key: str, now: float) -> Verdict:
        if self.swept_at is None or now - self.swept_at >= self.period:
            self.windows = {k: w for k, w in self.windows.items() if not w.idle(now)}
            self.swept_at = now
        window = self.windows.get(key)
        if window is None:
            window = self.windows[key] = RateWindow(self.limit, self.period)
        return window.hit(now)


def over_length(text: str, limit: int) -> int | None:
    """The length of a text that exceeds `limit` characters once trimmed, else None."""
    length = len(text.strip())
    return length if length > limit else None


def may_open_case(filed_in_last_day: int, cases_per_day: int) -> bool:
    return filed_in_last_day < cases_per_day
