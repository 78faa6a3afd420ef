"""Webhook mode: each event is POSTed to the bot's url with the secret in a header.

The platform's retry policy is not documented; this pusher posts events one at a time, in
order, and retries a non-2xx answer or a connection error a few times with a short backoff
(0.2 s, 0.5 s, 1 s) before giving the event up, so a bot briefly restarting loses nothing
while one that keeps refusing shows up in `failed`.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from localapi.errors import JSON
from localapi.zalo.events import EventQueue

SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name
BACKOFF_SECONDS = (0.2, 0.5, 1.0)
_TIMEOUT = aiohttp.ClientTimeout(total=10)


class WebhookPusher:
    def __init__(self, events: EventQueue) -> None:
        self.events = events
        self.url, self.secret = "", ""
        self.delivered: list[JSON] = []  # events the bot's url answered with 2xx
        self.failed: list[JSON] = []  # events given up after every retry
        self.attempts: list[int | str] = []  # each POST's HTTP status, or the error's name
        self._task: asyncio.Task[None] | None = None

    async def point_at(self, url: str, secret: str) -> None:
        """Start pushing to `url`, or stop pushing when it is empty."""
        await self.stop()
        self.url, self.secret = url, secret
        if url:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        async with aiohttp.ClientSession(timeout=_TIMEOUT) as session:
            while True:
                event = await self.events.take(None)
                if event is None:  # the emulator is stopping
                    return
                try:
                    delivered = await self._push(session, event)
                except asyncio.CancelledError:  # the webhook was removed: polling gets it
                    self.events.put(event, first=True)
                    raise
                (self.delivered if delivered else self.failed).append(event)

    async def _push(self, session: aiohttp.ClientSession, event: JSON) -> bool:
        for delay in (*BACKOFF_SECONDS, None):
            try:
                async with session.post(
                    self.url, json=event, headers={SECRET_HEADER: self.secret}
                ) as response:
                    self.attempts.append(response.status)
                    if 200 <= response.status < 300:
                        return True
            except (aiohttp.ClientError, TimeoutError) as error:
                self.attempts.append(type(error).__name__)
            if delay is not None:
                await asyncio.sleep(delay)
        return False
