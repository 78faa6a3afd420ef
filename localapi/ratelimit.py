"""Telegram's flood control: too many sends answer 429 with `retry_after`."""

from __future__ import annotations

import math
import time

from localapi.errors import ApiError


class FloodLimit:
    """A token bucket: bursts up to one second's worth, then `rate` sends a second."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self._tokens, self._at = max(1.0, rate or 1.0), time.monotonic()

    def take(self) -> None:
        if not (rate := self.rate):
            return
        now = time.monotonic()
        self._tokens = min(max(1.0, rate), self._tokens + (now - self._at) * rate)
        self._at = now
        if self._tokens < 1:
            wait = max(1, math.ceil((1 - self._tokens) / rate))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        self._tokens -= 1
