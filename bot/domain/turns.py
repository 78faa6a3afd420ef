"""How long a process may keep a person's turn, and how long an update waits for it.

When several processes share one database, a person's updates are handled one at a time
whichever process received them: a process takes the person's turn (a row) first. A turn is a
lease, so the turn of a process that died lapses by itself; the holder renews it while handling,
long before it lapses, so a slow update (a round trip to a platform that times out) keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# Updates that have no person (no sender, no chat) still need one turn, so that two processes
# never both handle one; Telegram and local ids are never 0.
NOBODY = 0


@dataclass(frozen=True, slots=True)
class TurnTimes:
    """`lease`: how long a turn holds without renewal, so how long a dead process's person
    waits at worst. `renew_every`: well inside the lease, so two renewals may fail before it
    lapses. `poll_every`: how often a waiting process looks again; a turn is handed back after
    each update, so the wait is usually one update's handling. `post_patience`: a webhook post
    waits this long, then is answered with an error so Telegram posts it again later, rather
    than holding one of its few connections. `patience`: every other update (polled, Zalo's)
    waits longer than a lease, so a dead holder's turn always lapses in time."""

    lease: timedelta = timedelta(seconds=30)
    renew_every: timedelta = timedelta(seconds=10)
    poll_every: timedelta = timedelta(milliseconds=50)
    post_patience: timedelta = timedelta(seconds=20)
    patience: timedelta = timedelta(seconds=60)

    def __post_init__(self) -> None:
        if not self.renew_every < self.lease:
            raise ValueError("a turn must be renewed before its lease runs out")

    def held_until(self, now: datetime) -> datetime:
        return now + self.lease


TURN_TIMES = TurnTimes()
