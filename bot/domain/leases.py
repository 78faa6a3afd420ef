"""Roles one process at a time may play (polling Telegram, polling Zalo, the scheduled jobs),
held through leases: the rules of holding, kept free of I/O.

A lease lasts TTL past its last renewal; its holder renews it every RENEW_EVERY, and a process
without it tries to take it every RETRY_EVERY. A holder killed without a word is replaced at most
TTL + RETRY_EVERY later (about 7 s, under the 10 s a takeover may take). A holder that cannot
renew stops the role's work MARGIN before its lease ends by its own clock, so by the time another
process may take the role over it is no longer doing it, even with the clocks (NTP-synced) a
little apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

TTL = timedelta(seconds=6)
RENEW_EVERY = timedelta(seconds=2)
RETRY_EVERY = timedelta(seconds=1)
MARGIN = timedelta(seconds=1)


class Role(StrEnum):
    TELEGRAM_POLLER = "telegram-poller"
    ZALO_POLLER = "zalo-poller"
    SCHEDULER = "scheduler"


@dataclass(frozen=True, slots=True)
class Lease:
    """A role's lease as the database holds it."""

    role: str
    held_by: str
    held_since: datetime
    held_until: datetime
    generation: int

    def lapsed(self, now: datetime) -> bool:
        return now >= self.held_until


def may_take(lease: Lease | None, instance: str, now: datetime) -> bool:
    """A role nobody holds, whose holder stopped renewing, or that this instance held before
    it restarted, is free to take."""
    return lease is None or lease.held_by == instance or lease.lapsed(now)


@dataclass(frozen=True, slots=True)
class Holding:
    """What a holder knows of its own lease: until when it holds it, by its own clock."""

    generation: int
    since: datetime
    until: datetime

    def renewed(self, now: datetime) -> Holding:
        return Holding(self.generation, self.since, until_of(now))

    def renew_at(self) -> datetime:
        return self.until - TTL + RENEW_EVERY

    def give_up_at(self) -> datetime:
        """When the work must have stopped, renewed or not."""
        return self.until - MARGIN

    def must_give_up(self, now: datetime) -> bool:
        return now >= self.give_up_at()


def until_of(now: datetime) -> datetime:
    """Where a lease taken or renewed at `now` ends."""
    return now + TTL
