"""What Prometheus reads from the bot, and what /healthz judges: counted at the edge.

Each Application has a registry of its own, so tests and several Applications in one process
never share (or collide on) a metric. No label carries a person, a text or a case code: only
the channel, the outcome and the kind of failure.
"""

from __future__ import annotations

import time
from collections.abc import Container, Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bot.domain.chats import TELEGRAM_CHANNEL, is_local_id

HANDLED = "handled"
FAILED = "error"
SKIPPED = "duplicate"  # delivered again after a restart, handled before


class Metrics:
    """`local_channel` names the channel of local ids (bot.domain.chats): the one channel
    that reaches the handlers in Telegram's shape, Zalo, which the wiring names."""

    def __init__(self, local_channel: str) -> None:
        self._local_channel = local_channel
        self.registry = CollectorRegistry()
        self._updates = Counter(
            "nghe_dan_updates_handled",
            "Updates handled, by channel and outcome.",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self._handling = Histogram(
            "nghe_dan_update_handling_seconds",
            "Time from an update's turn to the end of its handling.",
            registry=self.registry,
        )
        self._send_failures = Counter(
            "nghe_dan_outbox_send_failures",
            "Outbox sends that failed, by channel and reason.",
            ["channel", "reason"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "nghe_dan_outbox_backlog",
            "Messages due and not yet sent (nor given up), read at each scrape.",
            registry=self.registry,
        )
        self.open_cases = Gauge(
            "nghe_dan_open_cases", "Cases not closed, read at each scrape.", registry=self.registry
        )
        self.overdue_cases = Gauge(
            "nghe_dan_overdue_cases",
            "Open cases past their due date, read at each scrape.",
            registry=self.registry,
        )
        self._roles = Gauge(
            "nghe_dan_role_held",
            "1 for each role this process holds (polling, the scheduled jobs), else 0.",
            ["role"],
            registry=self.registry,
        )
        self._outcomes: dict[int, str] = {}
        self.last_poll: float | None = None
        self.last_outbox_tick: float | None = None

    def mark(self, update: object, outcome: str) -> None:
        """Set how the update being handled ends (the default is `HANDLED`)."""
        self._outcomes[id(update)] = outcome

    def handled(self, update: object, person: int | None, seconds: float) -> None:
        outcome = self._outcomes.pop(id(update), HANDLED)
        self._updates.labels(self._channel_of(person), outcome).inc()
        self._handling.observe(seconds)

    def _channel_of(self, person: int | None) -> str:
        """Told from the person's id alone, without a trip to the database."""
        local = person is not None and is_local_id(person)
        return self._local_channel if local else TELEGRAM_CHANNEL

    def send_failed(self, channel: str, reason: str) -> None:
        self._send_failures.labels(channel, reason).inc()

    def hold(self, roles: Iterable[str], held: Container[str]) -> None:
        for role in roles:
            self._roles.labels(role).set(1 if role in held else 0)

    def polled(self) -> None:
        self.last_poll = time.monotonic()

    def outbox_ticked(self) -> None:
        self.last_outbox_tick = time.monotonic()
