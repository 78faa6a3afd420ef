"""Attachments' bytes from Zalo, for the file store: an image is an URL that expires."""

from __future__ import annotations

from http import HTTPStatus

import aiohttp

from bot.services.file_keeping import FileGoneError

_TIMEOUT = aiohttp.ClientTimeout(total=60)
# Zalo's CDN answers an expired or removed image with one of these.
_GONE = {HTTPStatus.NOT_FOUND, HTTPStatus.GONE, HTTPStatus.FORBIDDEN}


async def zalo_file(reference: str) -> bytes:
    async with (
        aiohttp.ClientSession(timeout=_TIMEOUT) as session,
        session.get(reference) as response,
    ):
        if response.status in _GONE:
            raise FileGoneError(f"HTTP {response.status}")
        response.raise_for_status()
        return await response.read()
