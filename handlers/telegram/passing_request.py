"""A Bot API request object that passes every call on to another one.

The bot wraps its requests twice: Zalo chats' calls go to Zalo (handlers.zalo.outbound), and a
poll waits until the last one's updates are handled (handlers.telegram.update_order). Each steps in
before a call and leaves the rest to this.
"""

from __future__ import annotations

from typing import Any

from telegram.request import BaseRequest, RequestData


class PassingRequest(BaseRequest):
    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        return await self._inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
