"""Attachments' bytes from Telegram, for the file store: getFile, then the file's address."""

from __future__ import annotations

from telegram import Bot
from telegram.error import BadRequest, InvalidToken

from bot.services.file_keeping import FileGoneError


class TelegramFiles:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(self, kind: str, reference: str) -> bytes:
        """A file_id Telegram refuses (400: wrong or expired) or a file path it no longer
        serves (404) is gone; any other failure may pass and is the caller's to retry."""
        try:
            file = await self._bot.get_file(reference)
        except BadRequest as error:
            raise FileGoneError(error.message) from error
        try:
            return bytes(await file.download_as_bytearray())
        except InvalidToken as error:  # PTB's name for a 404, here on the file's address
            raise FileGoneError(error.message) from error
