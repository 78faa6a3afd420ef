"""Telegram posting updates to a webhook behind a load balancer, with Telegram's retries.

Telegram posts each pending update to the webhook's address and counts it delivered only on a
2xx answer; a post that fails or takes too long is posted again later. Behind nginx the address
is several processes: each post goes to the next one in turn, and a failed one is retried on
the next (proxy_next_upstream). The processes answer a post only once it is handled, so one
that outlasts the time limit may still be handled there while the next process gets it too:
that is what the bot must tell apart (MULTIPROCESS.md §1).

One chat's updates are posted one at a time, in order, many chats at once (Telegram's
max_connections): the order a person sees is kept by Telegram until a post fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from localapi.errors import JSON
from localapi.updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name
MAX_CONNECTIONS = 40  # Telegram's default for setWebhook's max_connections
LOOK = 0.01  # seconds between looks at the queue for something new to post


@dataclass(frozen=True)
class Post:
    """One post of an update: when it started and ended (time.monotonic()), where it went, and
    the HTTP status it got, or None when it failed or timed out without one."""

    started: float
    ended: float
    target: str
    update_id: int
    status: int | None


def chat_of(update: JSON) -> object:
    """The chat (or, for a button press, the person) an update belongs to: one at a time each."""
    payload: object = next((v for k, v in update.items() if k != "update_id"), None)
    if not isinstance(payload, dict):
        return None
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat") or {}
    sender = payload.get("from") or {}
    return chat.get("id", sender.get("id"))


class WebhookPoster:
    def __init__(
        self,
        updates: UpdateQueue,
        targets: list[str],
        *,
        secret: Callable[[], str | None],
        timeout: float,
        retry_after: float,
    ) -> None:
        if not targets:
            raise ValueError("a load balancer needs at least one process behind it")
        self.posts: list[Post] = []
        self._updates = updates
        self._targets = targets
        self._secret = secret
        self._timeout = timeout
        self._retry_after = retry_after
        self._turn = 0
        self._busy: set[object] = set()  # chats with a post in flight or waiting to retry
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        self._task: asyncio.Task[None] | None = None
        self._posting: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhook-poster")

    async def stop(self) -> None:
        for task in (self._task, *self._posting):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def posts_of(self, update_id: int) -> list[Post]:
        return [post for post in self.posts if post.update_id == update_id]

    async def _run(self) -> None:
        async with aiohttp.ClientSession() as session:
            while True:
                secret = self._secret()
                if secret is not None:
                    for update in self._next_per_chat():
                        self._busy.add(chat_of(update))
                        task = asyncio.create_task(self._deliver(session, update, secret))
                        self._posting.add(task)
                        task.add_done_callback(self._posting.discard)
                await asyncio.sleep(LOOK)

    def _next_per_chat(self) -> list[JSON]:
        """The oldest pending update of each chat that has none in flight."""
        first: dict[object, JSON] = {}
        for update in self._updates.pending:
            first.setdefault(chat_of(update), update)
        return [update for chat, update in first.items() if chat not in self._busy]

    async def _deliver(self, session: aiohttp.ClientSession, update: JSON, secret: str) -> None:
        """Post until a process answers 200, each try to the next process."""
        try:
            while True:
                target = self._targets[self._turn % len(self._targets)]
                self._turn += 1
                status = await self._post(session, target, update, secret)
                if status == 200:
                    self._updates.confirm(int(update["update_id"]))
                    return
                await asyncio.sleep(self._retry_after)
        finally:
            self._busy.discard(chat_of(update))

    async def _post(
        self, session: aiohttp.ClientSession, target: str, update: JSON, secret: str
    ) -> int | None:
        started, status = time.monotonic(), None
        try:
            async with (
                self._slots,
                session.post(
                    target,
                    json=update,
                    headers={SECRET_HEADER: secret},
                    timeout=aiohttp.ClientTimeout(total=self._timeout),
                ) as response,
            ):
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = None
        self.posts.append(Post(started, time.monotonic(), target, int(update["update_id"]), status))
        return status
