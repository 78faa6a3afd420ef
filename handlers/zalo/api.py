"""The Zalo Bot API over HTTP: `{base_url}/bot{token}/{method}`, POST with JSON.

Answers are `{"ok": true, "result": …}` or `{"ok": false, "error_code", "description"}`; a
refusal is ZaloRefusedError, anything that is not an answer (no connection, a time-out, a
proxy's HTML page) is ZaloUnreachableError. The URL holds the token, so no error names it.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

_LOGGER = logging.getLogger(__name__)
TIMEOUT_SECONDS = 20.0
LONG_POLL_SECONDS = 30


class ZaloRefusedError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Zalo refused ({code}): {description}")
        self.code = code
        self.description = description


class ZaloUnreachableError(Exception):
    """No answer from Zalo; the request may or may not have arrived."""


class ZaloApi:
    def __init__(self, base_url: str, token: str) -> None:
        self._url = f"{base_url.rstrip('/')}/bot{token}/"
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, seconds: float = TIMEOUT_SECONDS
    ) -> Any:
        session = await self.start()
        try:
            async with session.post(
                self._url + method,
                json=params or {},
                timeout=aiohttp.ClientTimeout(total=seconds),
            ) as response:
                status = response.status
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ZaloUnreachableError(f"{method}: {type(error).__name__}") from None
        if not isinstance(body, dict):
            raise ZaloUnreachableError(f"{method}: HTTP {status} without an answer")
        if body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code")
        description = body.get("description")
        raise ZaloRefusedError(
            code if isinstance(code, int) else status,
            description if isinstance(description, str) else "",
        )

    async def get_update(self) -> list[dict[str, Any]]:
        """Wait up to 30 s for the next update; Zalo hands over one at a time (408: none)."""
        try:
            result = await self.call(
                "getUpdates",
                {"timeout": str(LONG_POLL_SECONDS)},
                seconds=LONG_POLL_SECONDS + TIMEOUT_SECONDS,
            )
        except ZaloRefusedError as error:
            if error.code == 408:
                return []
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        return [result] if isinstance(result, dict) else []
