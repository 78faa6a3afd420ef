"""The bot's update queue and getUpdates, with Telegram's offset and long-poll semantics."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import time

from localapi.errors import JSON, ApiError, number

_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class UpdateQueue:
    """Updates stay pending until a getUpdates offset above their id confirms them."""

    def __init__(self) -> None:
        self.pending: list[JSON] = []
        self._history: dict[int, JSON] = {}  # every update ever queued, for redeliver()
        self._forced: set[int] = set()  # redelivered ids: survive one offset until delivered
        self._allowed: list[str] = []
        self._ids = itertools.count(800_000_001)
        self._new = asyncio.Event()
        self._generation = 0
        self._closing = False

    def add(self, kind: str, payload: JSON) -> JSON:
        update: JSON = {"update_id": next(self._ids), kind: copy.deepcopy(payload)}
        self._history[update["update_id"]] = update
        self.pending.append(update)
        self._new.set()
        return copy.deepcopy(update)

    def redeliver(self, update_id: int) -> None:
        if any(update["update_id"] == update_id for update in self.pending):
            raise ValueError(f"update {update_id} is still pending")
        self.pending.append(copy.deepcopy(self._history[update_id]))
        self.pending.sort(key=lambda update: int(update["update_id"]))
        self._forced.add(update_id)
        self._new.set()

    def confirm(self, update_id: int) -> None:
        """Confirmed one by one, as a webhook's 200 confirms the update it answers."""
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def close(self) -> None:
        """Let hanging long polls answer now instead of at their timeout."""
        self._closing = True
        self._new.set()

    def reopen(self) -> None:
        self._closing = False

    def _confirm(self, params: JSON) -> None:
        if params.get("offset") is None:
            return
        offset = number(params, "offset", int)
        if offset < 0:  # "-N": keep only the last N updates, forget all earlier ones
            self.pending = self.pending[offset:]
        else:  # an offset confirms every update with a smaller id
            forced = self._forced
            self.pending = [
                u for u in self.pending if u["update_id"] >= offset or u["update_id"] in forced
            ]

    async def get_updates(self, params: JSON) -> list[JSON]:
        self._generation += 1
        generation = self._generation
        self._new.set()  # an older long poll must now answer 409, like on Telegram
        if params.get("allowed_updates") is not None:
            self._allowed = list(params["allowed_updates"])
        self._confirm(params)
        limit = min(max(number(params, "limit", int, 100), 1), 100)
        deadline = time.monotonic() + max(number(params, "timeout", float, 0), 0.0)
        while True:
            if generation != self._generation:
                raise ApiError(409, _POLL_CONFLICT)
            if self._allowed:  # Telegram never delivers types the bot opted out of
                self.pending = [u for u in self.pending if set(u) & set(self._allowed)]
            batch, remaining = self.pending[:limit], deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                break
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), remaining)
        self._forced.difference_update(u["update_id"] for u in batch)
        return copy.deepcopy(batch)
