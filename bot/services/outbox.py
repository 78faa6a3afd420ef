"""Delivering queued messages through each person's channel.

A message is queued in the transaction of the change that causes it, so a change never happens
without its message, nor a message without its change. Delivery is at least once: a crash
between sending and marking sends that one message again, never a whole batch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

import aiosqlite

from bot.clock import Clock
from bot.dialogs.base import Notice
from bot.domain.people import Person
from storage import outbox
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class UndeliverableError(Exception):
    """The person cannot be reached on this channel (blocked the bot, deleted the account)."""


class RetryLaterError(Exception):
    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Sender(Protocol):
    """A channel's way of delivering a notice; raises the two errors above."""

    async def send(self, recipient: str, notice: Notice) -> None: ...


async def notify(
    conn: aiosqlite.Connection, person: Person, notice: Notice, key: str, clock: Clock
) -> None:
    """Queue a notice for a person on their own channel, inside the caller's transaction."""
    await outbox.enqueue(
        conn,
        key,
        channel=person.channel,
        recipient=person.external_id,
        payload=notice.to_json(),
        now=clock.now(),
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, 300))


class Deliverer:
    """Sends what is due; one delivery run at a time, whoever asks for it."""

    def __init__(self, db: Database, clock: Clock, senders: Mapping[str, Sender]) -> None:
        self._db = db
        self._clock = clock
        self._senders = senders
        self._lock = asyncio.Lock()

    async def deliver_due(self, limit: int = 100) -> int:
        """Deliver up to `limit` due messages; returns how many were sent."""
        async with self._lock:
            pending = await outbox.due(self._db.reader, self._clock.now(), limit)
            sent = 0
            for message in pending:
                sent += await self._deliver(message)
            return sent

    async def _deliver(self, message: outbox.Pending) -> int:
        sender = self._senders.get(message.channel)
        now = self._clock.now()
        if sender is None:
            async with self._db.transaction() as conn:
                await outbox.mark_failed(conn, message.id, now, f"no channel {message.channel}")
            return 0
        try:
            await sender.send(message.recipient, Notice.from_json(message.payload))
        except UndeliverableError as error:
            _LOGGER.warning("outbox %s undeliverable: %s", message.id, error)
            async with self._db.transaction() as conn:
                await outbox.mark_failed(conn, message.id, now, str(error))
            return 0
        except RetryLaterError as error:
            await self._retry(message, error.seconds, str(error))
            return 0
        except Exception as error:
            _LOGGER.exception("outbox %s could not be sent", message.id)
            await self._retry(message, 0, f"{type(error).__name__}: {error}")
            return 0
        async with self._db.transaction() as conn:
            await outbox.mark_sent(conn, message.id, self._clock.now())
        return 1

    async def _retry(self, message: outbox.Pending, seconds: float, reason: str) -> None:
        """Try again later, backing off; give up after MAX_ATTEMPTS."""
        now = self._clock.now()
        async with self._db.transaction() as conn:
            if message.attempts + 1 >= MAX_ATTEMPTS:
                await outbox.mark_failed(conn, message.id, now, reason)
            else:
                wait = max(timedelta(seconds=seconds), backoff(message.attempts))
                await outbox.postpone(conn, message.id, now + wait, reason)
