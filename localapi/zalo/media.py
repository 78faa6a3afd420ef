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
    """Bytes by file name, served at `/media/<name>`."""

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    def add(self, data: bytes | None) -> str:
        name = f"{secrets.token_hex(8)}.jpg"
        self._files[name] = TINY_JPEG if data is None else data
        return name

    def get(self, name: str) -> bytes | None:
        return self._files.get(name)
