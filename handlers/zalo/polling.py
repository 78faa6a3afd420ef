"""Asking Zalo for updates: one long poll after another, until told to stop.

Polling and a webhook exclude each other, so a webhook left from an earlier setup is deleted
first. getUpdates waits up to 30 s and answers 408 when nothing came, which is not an error.
When Zalo cannot be reached the poll waits 1 s, then half as long again each time up to 30 s,
as PTB's polling does for Telegram; one line is logged when Zalo is lost and one when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from handlers.zalo.api import ZaloApi, ZaloRefusedError, ZaloUnreachableError

_LOGGER = logging.getLogger(__name__)
LONGEST_WAIT = 30.0


async def _start_polling(api: ZaloApi, stop: asyncio.Event) -> None:
    wait = 1.0
    while not stop.is_set():
        try:
            await api.call("deleteWebhook")
        except (ZaloRefusedError, ZaloUnreachableError) as error:
            _LOGGER.warning("Zalo webhook not deleted (%s); retrying in %.0f s", error, wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            wait = min(wait * 1.5, LONGEST_WAIT)
        else:
            return


async def poll(
    api: ZaloApi, receive: Callable[[Any], Awaitable[None]], stop: asyncio.Event
) -> None:
    """Hand every update to `receive` (which returns once it is handled) until `stop`."""
    await _start_polling(api, stop)
    wait = 1.0
    lost = False
    while not stop.is_set():
        try:
            updates = await api.get_update()
        except (ZaloRefusedError, ZaloUnreachableError) as error:
            if not lost:
                _LOGGER.warning("Zalo unreachable while polling (%s); retrying", error)
                lost = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), wait)
            wait = min(wait * 1.5, LONGEST_WAIT)
            continue
        if lost:
            _LOGGER.info("Zalo reachable again")
            lost, wait = False, 1.0
        for update in updates:
            try:
                await receive(update)
            except Exception:
                # Zalo will not hand this update over again; polling must go on for the next.
                _LOGGER.exception("a Zalo update could not be taken in")
