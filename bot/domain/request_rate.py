"""How fast one address may read the public page and the Open311 API: a token bucket.

A bucket of `burst` tokens refills at `rate` a second and each request takes one, so a person
paging quickly or an app fetching a few pages at once is never refused, while a scraper is held
to `rate`. Kept per process, in memory: being refused a little late by a second process costs
nothing here, unlike a citizen's message rate (bot.domain.limits), which lives in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

RATE = 10.0  # requests a second, sustained
BURST = 30.0
REMEMBERED = 10_000  # addresses kept; past that, the full buckets are forgotten first


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RequestRate:
    """Buckets per client address; times are seconds on a clock that never goes back."""

    def __init__(self, rate: float = RATE, burst: float = BURST) -> None:
        self._rate, self._burst = rate, burst
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, address: str, now: float) -> bool:
        bucket = self._buckets.get(address)
        if bucket is None:
            if len(self._buckets) >= REMEMBERED:
                self._forget_full(now)
            bucket = self._buckets[address] = _Bucket(self._burst, now)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
        bucket.at = now
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    def retry_after(self, address: str) -> float:
        """Seconds until the address's next request passes."""
        bucket = self._buckets.get(address)
        return 0.0 if bucket is None else max(0.0, (1 - bucket.tokens) / self._rate)

    def _forget_full(self, now: float) -> None:
        """Drop the addresses whose bucket has refilled, as forgetting them changes nothing;
        if that frees nothing (a flood from many addresses), start every bucket afresh, which
        lets each at most one more burst through."""
        self._buckets = {
            address: b
            for address, b in self._buckets.items()
            if (now - b.at) * self._rate < self._burst - b.tokens
        }
        if len(self._buckets) >= REMEMBERED:
            self._buckets.clear()
