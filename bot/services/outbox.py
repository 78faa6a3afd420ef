"""Delivering queued messages through each person's channel, within the channel's limits.

A message is queued in the transaction of the change that causes it, so a change never happens
without its message, nor a message without its change. Its key makes it one row however often
the change is replayed: a notice queued again with the same key is the same notice.

What a crash (`kill -9`, power loss) may cost depends on the notice (`Notice.delivery`). A
chat platform takes no idempotency key, so after a crash the bot cannot ask whether the message
it was sending arrived:

* each message is marked "in flight" in its own small transaction just before it is handed to
  the platform, and marked sent in another right after the platform accepted it, before the
  next message is sent;
* a message found still in flight on a later run was being sent at the crash: it may have
  arrived or not. One someone waits for (AT_LEAST_ONCE: a case's result, a question, the
  officer's new case) is sent again, the same text with the same buttons, so at most that one
  message per crash may arrive twice and none is lost; the cut-short try counts as an
  attempt, so a message that kills the bot at every send is given up after MAX_ATTEMPTS.
  Any other (AT_MOST_ONCE: an announcement, a reminder) is not sent again: it is marked
  failed with that reason and logged, so at most that one message per crash is missing rather
  than doubled (an announcement counts it as not delivered);
* a send that ends in a network error (a time-out after the platform got the request, say) may
  have reached the person; it is retried, so that one message may arrive twice;
* a send the database cannot record (a full disk) is remembered as sent in memory, and nothing
  more is sent until the record is written, so the bot does not send it again meanwhile;
* one run at a time: concurrent callers wait for each other and never take the same row.

Limits (`Limits`, from [outbox] in the config): sends are spaced evenly at `max_per_second` in
all (no bursts, so no 1-second window holds more), and one chat gets at most one message per
`per_chat_seconds`. A message for a chat sent to too recently waits while the next chat's
message goes, and the run takes other chats' messages from the queue meanwhile; it sleeps only
when nothing due could go. (A notice longer than one message is one send here; its parts go
back to back, and the bot's rate limiter still keeps every request under Telegram's 30/s.)

Bulk messages (an announcement to every subscriber) are taken after every other due message, so
a case notice queued behind two thousand of them goes with the next batch. Every send of the
outbox is background (bot.services.send_order): a reply to a person waiting for the bot goes
before it whenever both wait for a moment under the rate, on a shared database before this
process reserves its next moment from the budget.

When the platform says "wait" (RetryLaterError: a 429's retry_after, a network failure) the
message is postponed in the database with a growing backoff (at most LONGEST_WAIT_BACKOFF
beyond the platform's own wait), the run stops, and nothing at all is sent until the wait is
over: the rest of the queue is left untouched, so an outage costs one attempt every half minute
at most, not one per queued message, and is never a reason to give a message up; delivery
resumes within half a minute of the platform's return. A message that fails in a way nobody
promised is given up after MAX_ATTEMPTS. A person who cannot be reached (blocked the bot) is
tried once: that message and everything else still queued for the chat are marked failed,
never retried.

Several processes on one database (PostgreSQL, `Database.shared`) each run a Deliverer. A run
claims what it takes (storage.outbox.claim) for its instance until CLAIM_LEASE from now, chat
by chat: a chat where another process claims a message still to go is left to that process, so
each message goes once and a chat's messages go in order from one process. The promises above
hold across the processes:

* a message is marked sent, failed or postponed only while it is still to go and still this
  process's claim, so it is never both sent and failed, and a process that lost a claim
  changes nothing of what the new claimant does;
* while a message is being sent its claim is renewed every RENEW_EVERY; a send that no
  renewal has backed for CLAIM_LEASE - CLAIM_MARGIN (the database out of reach, the process
  frozen) is cut short before its claim can lapse, so no other process takes over a message
  still being sent. What a cut-short send leaves in flight is then treated as after a crash;
* a process that dies (`kill -9`) leaves its claims to lapse within CLAIM_LEASE; whoever claims
  those messages then treats one left in flight as after a restart, above. A process that
  stops cleanly gives its claims up (`release`), so the others send them at once;
* a sent message's claim is kept `per_chat_seconds` more: another process may take the chat's
  next message at once, but sends it no sooner than that (`Pending.held_until`).

The overall rate is one budget for all the processes (bot.services.send_budget) instead of this
process's own pace. On SQLite nothing is claimed: one process, the pace kept in memory.

Why one module of ~600 lines: queueing, pacing, retries and the crash promises above all read and
write the same rows under the same lock; split, each part would have to know the others' states.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.domain.people import API_CHANNEL, ERASED_CHANNEL, Person
from bot.messages import Delivery, Notice
from bot.services.send_budget import SendBudget, prepaid
from bot.services.send_order import SendOrder, background
from storage import outbox
from storage.connection import Connection
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
MAX_ATTEMPTS = 8  # for failures other than the platform's "wait", which is always waited out
LONGEST_WAIT_BACKOFF = timedelta(seconds=30)  # as python-telegram-bot's polling backs off
UNPACED_BATCH = 100
HELD_PER_BATCH = 4  # messages a run holds waiting for their chats, in batches at most
# A run waits out a platform's "wait" this long at most; a longer one ends the run, and the
# runs that follow send nothing until it is over (so shutting down never waits for it).
LONGEST_WAIT_IN_RUN = 5.0
# How long a claim holds a message for its process on a shared database: longer than a run
# keeps a message before sending it and than one send may take (the HTTP time-outs), so a live
# process never loses a claim; a dead one's messages wait this long for another process.
CLAIM_LEASE = timedelta(seconds=30)
# While a message is being sent its claim is renewed this often; a send whose claim was last
# renewed CLAIM_LEASE - CLAIM_MARGIN ago is cut short, so it never outlives its claim, even
# by the few seconds the processes' clocks or event loops may lag.
RENEW_EVERY = timedelta(seconds=5)
CLAIM_MARGIN = timedelta(seconds=10)
# Every process's sends count against Telegram's limit, which the budget row is named after:
# the bot's requests to Zalo pass the same rate limiter as Telegram's (handlers/wiring).
BUDGET_CHANNEL = TELEGRAM_CHANNEL
_Chat = tuple[str, str]  # (channel, recipient)
INTERRUPTED = "interrupted while being sent; not sent again, so that it never arrives twice"


def _chat(message: outbox.Pending) -> _Chat:
    return (message.channel, message.recipient)


def _send_again(message: outbox.Pending, notice: Notice) -> bool:
    """Whether a message found in flight goes again: only one someone waits for, and not
    once it has cut MAX_ATTEMPTS runs short (a message that kills the bot at every send)."""
    return notice.delivery is Delivery.AT_LEAST_ONCE and message.attempts + 1 < MAX_ATTEMPTS


class UndeliverableError(Exception):
    """This notice cannot be delivered, and trying again will not help.

    `whole_chat`: the person cannot be reached on this channel at all (blocked the bot, deleted
    the account), so nothing else queued for them can be either. Otherwise only this notice is
    at fault (a file the platform refuses, say).
    """

    def __init__(self, reason: str, *, whole_chat: bool = True) -> None:
        super().__init__(reason)
        self.whole_chat = whole_chat


class _ClaimLostError(Exception):
    """This process can no longer count on its claim on a message: another may send it."""


class RetryLaterError(Exception):
    """The platform asks to wait `seconds` before sending anything again."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class NotReadyError(Exception):
    """What the notice carries is not ready yet (a case's file still on its way into the
    store): the notice goes later, after at least `seconds`. The channel is not paused, and a
    wait is no fault of the notice, so it is never given up for it."""

    def __init__(self, seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.seconds = seconds


class Sender(Protocol):
    """A channel's way of delivering a notice; raises the errors above."""

    async def send(self, recipient: str, notice: Notice) -> None: ...


class Failures(Protocol):
    """Where a failed send is reported (the edge counts them for monitoring); `reason` is one
    of "undeliverable", "retry_later", "error", never the message or its recipient."""

    def send_failed(self, channel: str, reason: str) -> None: ...


class Timer(Protocol):
    """Where the limits read the time and wait: monotonic seconds for this process's pace,
    wall-clock seconds for the budget shared with other processes; tests pass a fake one."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...

    async def within(self, task: asyncio.Future[None], seconds: float) -> bool:
        """Wait for `task` `seconds` at most; whether it is done."""
        ...


class SystemTimer:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def within(self, task: asyncio.Future[None], seconds: float) -> bool:
        await asyncio.wait((task,), timeout=seconds)
        return task.done()


@dataclass(frozen=True, slots=True)
class Limits:
    """How fast the channel may be sent to; see [outbox] in config.example.toml."""

    max_per_second: float
    per_chat_seconds: float
    batch: int = 200

    def __post_init__(self) -> None:
        if self.max_per_second <= 0 or self.per_chat_seconds < 0 or self.batch < 1:
            raise ValueError(f"impossible outbox limits: {self}")


async def notify(
    conn: Connection,
    person: Person,
    notice: Notice,
    key: str,
    clock: Clock,
    *,
    not_before: datetime | None = None,
    bulk: bool = False,
) -> None:
    """Queue a notice for a person on their own channel, inside the caller's transaction.

    `bulk` notices (one announcement to many people) go after everything else that is due.
    A person whose data was erased cannot be reached, and another system's account reads
    its cases through the API, so nothing is queued for them.
    """
    if person.channel in (ERASED_CHANNEL, API_CHANNEL):
        return
    await outbox.enqueue(
        conn,
        key,
        channel=person.channel,
        recipient=person.external_id,
        payload=notice.to_json(),
        now=clock.now(),
        not_before=not_before,
        bulk=bulk,
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, 300))


class _Pace:
    """When the next send may go: evenly spaced overall, spaced per chat, paused on request.

    Without limits it never waits and keeps nothing. With a shared `budget` the overall
    spacing and the pauses are the budget's, for every process; the chats' stay here.
    """

    def __init__(
        self,
        limits: Limits | None,
        timer: Timer,
        budget: SendBudget | None,
        order: SendOrder | None = None,
    ) -> None:
        self._limits = limits
        self._order = order
        self._timer = timer
        self._budget = budget
        self._next = -math.inf  # the earliest moment of the next send, to any chat
        self._ready: dict[_Chat, float] = {}  # when each chat may be sent to again

    def ready_at(self, chat: _Chat) -> float:
        if self._limits is None:
            return -math.inf
        return self._ready.get(chat, -math.inf)

    def ready(self, chat: _Chat) -> bool:
        return self.ready_at(chat) <= self._timer.monotonic()

    def waiting(self) -> set[_Chat]:
        """The chats sent to too recently to be sent to now."""
        if self._limits is None:
            return set()
        now = self._timer.monotonic()
        return {chat for chat, at in self._ready.items() if at > now}

    def held(self, chat: _Chat, seconds: float) -> None:
        """Another process sent to `chat` lately: it may be sent to again in `seconds`."""
        self._not_before(chat, self._timer.monotonic() + seconds)

    async def until_one_ready(self, chats: Iterable[_Chat]) -> None:
        """Wait until the first of these chats may be sent to again."""
        wait = min(self.ready_at(chat) for chat in chats) - self._timer.monotonic()
        if wait > 0:
            await self._timer.sleep(wait)

    async def slot(self, chat: _Chat) -> bool:
        """Wait for the next send's turn and count it for `chat`; False when the platform's
        wait is too long to sit out in this run (nothing is counted then)."""
        limits = self._limits
        if limits is None:
            return True
        if self._budget is not None:
            if self._order is not None:  # this process's waiting replies reserve first
                await self._order.after_replies()
            if not await self._budget.take(LONGEST_WAIT_IN_RUN):
                return False
            self._not_before(chat, self._timer.monotonic() + limits.per_chat_seconds)
            return True
        now = self._timer.monotonic()
        if self._next - now > LONGEST_WAIT_IN_RUN:
            return False
        # The next slot follows this one's planned moment, not the moment the sleep ended:
        # a loop that wakes a millisecond late every time would otherwise lose that millisecond
        # on every message (a tenth of the rate on a busy machine, make bench's fan-out).
        at = max(now, self._next)
        if at > now:
            await self._timer.sleep(at - now)
        self._next = at + 1 / limits.max_per_second
        self._not_before(chat, self._timer.monotonic() + limits.per_chat_seconds)
        return True

    def _not_before(self, chat: _Chat, at: float) -> None:
        self._ready[chat] = max(at, self._ready.get(chat, -math.inf))
        if len(self._ready) > 10_000:  # forget the chats that may be sent to again
            now = self._timer.monotonic()
            self._ready = {c: t for c, t in self._ready.items() if t > now}

    async def hold(self, seconds: float) -> None:
        """The platform asked to wait: nothing is sent for `seconds` from now."""
        if self._budget is not None:
            await self._budget.hold(seconds)
        elif self._limits is not None:
            self._next = max(self._next, self._timer.monotonic() + seconds)


class _Outcome(enum.Enum):
    SENT = enum.auto()
    DONE = enum.auto()  # failed or postponed: this message is settled for this run
    CHAT_GONE = enum.auto()  # the chat cannot be reached: its other messages were failed too
    WAIT = enum.auto()  # the platform asked to wait: the run ends
    PAUSED = enum.auto()  # not sent: still waiting for the platform


class Deliverer:
    """Sends what is due; one delivery run at a time, whoever asks for it.

    `limits` None sends as fast as the senders go (for tests of what is sent, not when); the
    application always passes the [outbox] limits. `timer` is where the limits read the time.
    `instance` names this process among those sharing the database (claims are taken in its
    name); a process restarted under the same name takes its own claims back at once.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        senders: Mapping[str, Sender],
        *,
        limits: Limits | None = None,
        timer: Timer | None = None,
        failures: Failures | None = None,
        instance: str = "main",
        order: SendOrder | None = None,
    ) -> None:
        self._db = db
        self._failures = failures
        self._clock = clock
        self._senders = senders
        self._batch = limits.batch if limits else UNPACED_BATCH
        timer = timer or SystemTimer()
        self._timer = timer
        budget = None
        if db.shared and limits is not None:
            budget = SendBudget(db, BUDGET_CHANNEL, limits.max_per_second, timer)
        self._pace = _Pace(limits, timer, budget, order)
        self._claimant = instance if db.shared else None  # None: nothing to claim (SQLite)
        # A sent message's chat stays this process's this long (see `mark_sent`).
        self._chat_spacing = timedelta(seconds=limits.per_chat_seconds if limits else 0)
        self._lock = asyncio.Lock()
        # Sent, but the database could not record it (a full disk): never sent again meanwhile.
        self._unrecorded: dict[int, datetime] = {}

    @property
    def batch(self) -> int:
        """How many messages one run delivers at most."""
        return self._batch

    @property
    def busy(self) -> bool:
        """A run is going on (a new one would wait for it)."""
        return self._lock.locked()

    async def deliver_due(self, limit: int | None = None) -> int:
        """Deliver up to `limit` due messages (default: the batch); returns how many were sent.

        The run goes through the messages it holds, skipping those whose chat was sent to too
        recently. When all it holds wait so, it takes more from the queue, so other chats'
        messages go meanwhile; it waits for the first chat to be free only when the queue has
        nothing else due (or it holds HELD_PER_BATCH batches of waiting messages).
        """
        budget = self._batch if limit is None else limit
        async with self._lock:
            await self._record_unrecorded()
            sent = settled = 0
            held: list[outbox.Pending] = []
            gone: set[_Chat] = set()  # chats found unreachable in this run
            more = True  # the queue may hold due messages the run has not taken
            while settled < budget:
                if more and len(held) < HELD_PER_BATCH * budget:
                    fresh = await self._take(budget - settled, gone | {_chat(m) for m in held})
                    more = len(fresh) == budget - settled
                    held += fresh
                waiting: list[outbox.Pending] = []
                behind: set[_Chat] = set()  # chats with a message waiting: keep their order
                for message in held:
                    chat = _chat(message)
                    if chat in gone:
                        continue
                    if settled == budget or chat in behind or not self._pace.ready(chat):
                        behind.add(chat)
                        waiting.append(message)
                        continue
                    outcome = await self._deliver(message)
                    if outcome in (_Outcome.WAIT, _Outcome.PAUSED):
                        return sent
                    settled += 1
                    if outcome is _Outcome.SENT:
                        sent += 1
                    elif outcome is _Outcome.CHAT_GONE:
                        gone.add(chat)
                held = [m for m in waiting if _chat(m) not in gone]
                if not held and not more:
                    break
                if held and settled < budget and (not more or len(held) >= HELD_PER_BATCH * budget):
                    await self._pace.until_one_ready(_chat(m) for m in held)
            return sent

    async def _take(self, room: int, skip: set[_Chat]) -> list[outbox.Pending]:
        """Due messages for chats that may be sent to now, or, when there are not enough of
        those, also for chats that must wait: the run then waits for them."""
        waiting = self._pace.waiting()
        fresh = await self._due(room, skip | waiting)
        # Asking again only helps when chats were left out for waiting: after almost every
        # update nothing is due, and one query says so (make bench, ingest).
        if len(fresh) < room and waiting:
            skip = skip | {_chat(m) for m in fresh}  # a chat's messages come from one query
            fresh += await self._due(room - len(fresh), skip)
        return fresh

    async def _due(self, room: int, skip: set[_Chat]) -> list[outbox.Pending]:
        """What is due, claimed for this process when others share the database."""
        now = self._clock.now()
        if self._claimant is None:
            return await outbox.due_except(self._db.reader, now, room, skip)
        async with self._db.coordination() as conn:
            taken = await outbox.claim(conn, self._claimant, now, now + CLAIM_LEASE, room, skip)
        for message in taken:
            if message.held_until is not None:
                self._pace.held(_chat(message), (message.held_until - now).total_seconds())
        return taken

    async def release(self) -> None:
        """Give up this process's claims on what is still to go, so that another process sends
        it at once instead of after CLAIM_LEASE; for a clean stop, once no run is going on."""
        if self._claimant is None:
            return
        async with self._lock, self._db.coordination() as conn:
            released = await outbox.release(conn, self._claimant)
        _LOGGER.info("outbox: %s claimed messages left to the other processes", released)

    async def _deliver(self, message: outbox.Pending) -> _Outcome:
        sender = self._senders.get(message.channel)
        if sender is None:
            await self._give_up(message, f"no channel {message.channel}")
            return _Outcome.DONE
        try:
            notice = Notice.from_json(message.payload)
        except (ValueError, KeyError, TypeError) as error:  # a row nobody can read
            _LOGGER.exception("outbox %s could not be read", message.id)
            await self._retry(message, f"{type(error).__name__}: {error}")
            return _Outcome.DONE
        if message.interrupted and not _send_again(message, notice):
            _LOGGER.warning(
                "outbox %s was being sent when the bot stopped; not sent again", message.id
            )
            await self._give_up(message, INTERRUPTED)
            return _Outcome.DONE
        if not await self._pace.slot(_chat(message)):
            return _Outcome.PAUSED
        if message.interrupted:
            _LOGGER.warning(
                "outbox %s was being sent when the bot stopped; sending it again", message.id
            )
        if not await self._mark_in_flight(message):
            _LOGGER.warning("outbox %s: its claim lapsed and another process took it", message.id)
            return _Outcome.DONE
        try:
            with prepaid(), background():
                await self._send(sender, message, notice)
        except _ClaimLostError:
            _LOGGER.warning("outbox %s: its claim could not be kept; send cut short", message.id)
            return _Outcome.DONE
        except UndeliverableError as error:
            return await self._undeliverable(message, error)
        except RetryLaterError as error:
            _LOGGER.info("outbox %s: wait %.1f s (%s)", message.id, error.seconds, error)
            self._failed(message, "retry_later")
            await self._pace.hold(error.seconds)
            await self._wait(message, error.seconds, str(error))
            return _Outcome.WAIT
        except NotReadyError as error:
            _LOGGER.info("outbox %s: later (%s)", message.id, error)
            await self._wait(message, error.seconds, str(error))
            return _Outcome.DONE
        except Exception as error:
            _LOGGER.exception("outbox %s could not be sent", message.id)
            self._failed(message, "error")
            await self._retry(message, f"{type(error).__name__}: {error}")
            return _Outcome.DONE
        await self._record_sent(message)
        return _Outcome.SENT

    async def _record_sent(self, message: outbox.Pending) -> None:
        """Marked at once, on its own: a crash before the commit leaves it in flight, and the
        next run records it as interrupted instead of sending it again."""
        sent_at = self._clock.now()
        held_until = sent_at + self._chat_spacing if self._claimant is not None else None
        try:
            recorded = await self._mark_sent(message.id, sent_at, held_until)
        except Exception:
            self._unrecorded[message.id] = sent_at
            raise
        if not recorded:
            _LOGGER.warning("outbox %s sent, but another process had taken it over", message.id)

    async def _mark_sent(
        self, message_id: int, sent_at: datetime, held_until: datetime | None = None
    ) -> bool:
        """A unit of work: the same transaction of its own, on SQLite one hand-over."""

        async def mark(conn: Connection) -> bool:
            return await outbox.mark_sent(
                conn, message_id, sent_at, claimant=self._claimant, held_until=held_until
            )

        return await self._db.unit(mark)

    async def _undeliverable(self, message: outbox.Pending, error: UndeliverableError) -> _Outcome:
        _LOGGER.warning("outbox %s undeliverable: %s", message.id, error)
        self._failed(message, "undeliverable")
        now = self._clock.now()

        async def mark(conn: Connection) -> int | None:
            failed = await outbox.mark_failed(
                conn, message.id, now, str(error), claimant=self._claimant
            )
            if not failed or not error.whole_chat:
                return None
            return await outbox.fail_chat(conn, message.channel, message.recipient, now, str(error))

        others = await self._db.unit(mark)
        if others is None:
            return _Outcome.DONE
        _LOGGER.warning("outbox: %s more messages to that chat given up", others)
        return _Outcome.CHAT_GONE

    async def _give_up(self, message: outbox.Pending, reason: str) -> None:
        now = self._clock.now()

        async def mark(conn: Connection) -> None:
            await outbox.mark_failed(conn, message.id, now, reason, claimant=self._claimant)

        await self._db.unit(mark)

    async def _send(self, sender: Sender, message: outbox.Pending, notice: Notice) -> None:
        """Hand the notice to the platform; on a shared database only while this process's
        claim on it holds. The claim is renewed every RENEW_EVERY meanwhile (marking it in
        flight claimed it for CLAIM_LEASE); a send no renewal has backed for CLAIM_LEASE -
        CLAIM_MARGIN (the database out of reach, the process frozen), or whose message another
        process took, is cut short before that process may send it (_ClaimLostError)."""
        claimant = self._claimant
        if claimant is None:
            await sender.send(message.recipient, notice)
            return
        sending = asyncio.ensure_future(sender.send(message.recipient, notice))
        trusted = (CLAIM_LEASE - CLAIM_MARGIN).total_seconds()
        deadline = self._timer.monotonic() + trusted
        try:
            while not await self._timer.within(
                sending, min(RENEW_EVERY.total_seconds(), deadline - self._timer.monotonic())
            ):
                tried = self._timer.monotonic()
                if tried >= deadline:
                    raise _ClaimLostError
                renewed = await self._renew(message.id, claimant, deadline - tried)
                if renewed is False:
                    raise _ClaimLostError
                if renewed:
                    deadline = tried + trusted
        finally:
            if not sending.done():
                sending.cancel()
                await asyncio.wait((sending,))
        sending.result()  # raises what the send raised

    async def _renew(self, message_id: int, claimant: str, within: float) -> bool | None:
        """Renew the claim on a message being sent; False when it is no longer this process's,
        None when the database is out of reach (or hangs for `within` seconds): the send goes
        on then, until its claim's end nears."""
        try:
            async with asyncio.timeout(within), self._db.coordination() as conn:
                until = self._clock.now() + CLAIM_LEASE
                return await outbox.renew_claim(conn, message_id, claimant, until)
        except Exception:
            _LOGGER.exception("outbox %s: its claim could not be renewed", message_id)
            return None

    async def _mark_in_flight(self, message: outbox.Pending) -> bool:
        """Mark it in flight; False when this process's claim on it was lost meanwhile. A unit
        of work: the same transaction of its own, on SQLite one hand-over to the writer."""
        claimant = self._claimant
        until = self._clock.now() + CLAIM_LEASE

        async def mark(conn: Connection) -> bool:
            if claimant is None:
                await outbox.mark_in_flight(conn, message.id, again=message.interrupted)
                return True
            return await outbox.mark_claimed_in_flight(
                conn, message.id, again=message.interrupted, instance=claimant, until=until
            )

        return await self._db.unit(mark)

    def _failed(self, message: outbox.Pending, reason: str) -> None:
        if self._failures is not None:
            self._failures.send_failed(message.channel, reason)

    async def _record_unrecorded(self) -> None:
        """Record what was sent while the database could not take it; until that works,
        nothing more is sent (the run raises), so nothing is sent twice."""
        while self._unrecorded:
            message_id, sent_at = next(iter(self._unrecorded.items()))
            await self._mark_sent(message_id, sent_at)
            del self._unrecorded[message_id]

    async def _wait(self, message: outbox.Pending, seconds: float, reason: str) -> None:
        """The platform is busy or out of reach: no fault of the message, so never given up."""
        backing_off = min(backoff(message.attempts), LONGEST_WAIT_BACKOFF)
        until = self._clock.now() + max(timedelta(seconds=seconds), backing_off)

        async def mark(conn: Connection) -> None:
            await outbox.postpone(conn, message.id, until, reason, claimant=self._claimant)

        await self._db.unit(mark)

    async def _retry(self, message: outbox.Pending, reason: str) -> None:
        """Try again later, backing off; give up after MAX_ATTEMPTS."""
        now = self._clock.now()

        async def mark(conn: Connection) -> None:
            if message.attempts + 1 >= MAX_ATTEMPTS:
                await outbox.mark_failed(conn, message.id, now, reason, claimant=self._claimant)
            else:
                until = now + backoff(message.attempts)
                await outbox.postpone(conn, message.id, until, reason, claimant=self._claimant)

        await self._db.unit(mark)
