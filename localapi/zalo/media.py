"""Images users send: Zalo hands the bot an image URL, so the emulator serves the bytes."""

from __future__ import annotations

import base64
import secrets

# An 8x8 orange JPEG: small, yet a real image any decoder accepts.
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX"
    "RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj"
    "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAA"
    "AAP/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAABf/EABQRAQAAAAAAAAAAAAAAAAAA"
    "AAD/2gAMAwEAAhEDEQA/AKABiz//2Q=="
)


class MediaStore:
    """Bytes by file name, served at `/media/<name>`; a file added `once` is served once, then
    404, as a Zalo image URL that expired right after the bot fetched it."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self._once: set[str] = set()
        self.served: list[str] = []  # the names fetched, in order

    def add(self, data: bytes | None, *, once: bool = False) -> str:
        name = f"{secrets.token_hex(8)}.jpg"
        self._files[name] = TINY_JPEG if data is None else data
        if once:
            self._once.add(name)
        return name

    def get(self, name: str) -> bytes | None:
        data = self._files.pop(name, None) if name in self._once else self._files.get(name)
        if data is not None:
            self.served.append(name)
        return data
