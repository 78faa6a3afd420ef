"""Where an attachment's bytes come from: its reference says its channel (a Zalo image is its
URL, handlers.zalo.inbound; anything else is a Telegram file_id)."""

from __future__ import annotations

from telegram import Bot

from bot.domain.files import is_url
from handlers.telegram.downloads import TelegramFiles
from handlers.zalo.downloads import zalo_file


class ChannelFiles:
    def __init__(self, bot: Bot) -> None:
        self._telegram = TelegramFiles(bot)

    async def __call__(self, kind: str, reference: str) -> bytes:
        if is_url(reference):
            return await zalo_file(reference)
        return await self._telegram(kind, reference)
