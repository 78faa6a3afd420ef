"""Zalo's event queue: one event per getUpdates call, gone once handed out.

Zalo has no update_id and no offset, so nothing is confirmed: an event the bot received and
then lost in a crash is not delivered again. Only `redeliver` repeats one, as a platform
retry would, so a bot's dedupe on (event_name, message_id) can be tested.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import time

from localapi.errors import JSON


class EventQueue:
    def __init__(self) -> None:
        self.pending: collections.deque[JSON] = collections.deque()
        self.history: list[JSON] = []  # every event ever queued, for redeliver
        self._changed = asyncio.Event()
        self._closing = False

    def add(self, event: JSON) -> None:
        self.history.append(copy.deepcopy(event))
        self.put(event)

    def put(self, event: JSON, *, first: bool = False) -> None:
        """Queue an event; `first` returns one a failed push took back to the head."""
        if first:
            self.pending.appendleft(copy.deepcopy(event))
        else:
            self.pending.append(copy.deepcopy(event))
        self._changed.set()

    def close(self) -> None:
        """Let hanging long polls answer now instead of at their timeout."""
        self._closing = True
        self._changed.set()

    def reopen(self) -> None:
        self._closing = False

    async def take(self, timeout: float | None) -> JSON | None:  # noqa: ASYNC109
        """The oldest event, waiting up to `timeout` seconds (None: for ever) for one."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.pending:
            remaining = None if deadline is None else deadline - time.monotonic()
            if self._closing or (remaining is not None and remaining <= 0):
                return None
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return self.pending.popleft()
