"""Delivering outbox notices on Telegram, and translating Telegram's refusals for the outbox.

Pacing is the Deliverer's (bot.services.outbox); this module only says what Telegram answered:
a 429's retry_after and network failures become RetryLaterError, a chat that blocked the bot or
does not exist becomes UndeliverableError for the whole chat, any other refusal of the request
UndeliverableError for this notice only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from telegram import Bot
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.messages import Notice, Prompt, chunks
from bot.services.outbox import RetryLaterError, UndeliverableError
from handlers.telegram.render import inline_keyboard

NETWORK_RETRY_SECONDS = 5
# A text longer than one message goes as several; once the first is out, flood control on a
# later one is waited out here, since retrying the whole notice would send the first again.
PART_RETRIES = 3


def _seconds(error: RetryAfter) -> float:
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def _finish(send: Callable[[], Awaitable[object]]) -> None:
    """Send a later part of a notice already begun, waiting out Telegram's flood control."""
    for _ in range(PART_RETRIES):
        try:
            await send()
        except RetryAfter as error:
            await asyncio.sleep(_seconds(error))
        else:
            return
    await send()


Shown = Callable[[int, Notice], Awaitable[None]]


class TelegramSender:
    """`shown` hears of each text notice delivered, so a choice it asks can be answered by
    typing (handlers.citizen.latest_question.notice_shown)."""

    def __init__(self, bot: Bot, shown: Shown | None = None) -> None:
        self._bot = bot
        self._shown = shown

    async def send(self, recipient: str, notice: Notice) -> None:
        chat_id = int(recipient)
        try:
            if notice.photo or notice.voice or notice.document:
                await self._send_file(chat_id, notice)
            elif notice.latitude is not None and notice.longitude is not None:
                await self._bot.send_location(chat_id, notice.latitude, notice.longitude)
            else:
                markup = inline_keyboard(
                    Prompt(text=notice.text, ref=notice.ref, options=notice.options)
                )
                first, *rest = chunks(notice.text, MessageLimit.MAX_TEXT_LENGTH)
                await self._bot.send_message(chat_id, first, reply_markup=None if rest else markup)
                for n, part in enumerate(rest, start=1):
                    keyboard = markup if n == len(rest) else None
                    await _finish(
                        partial(self._bot.send_message, chat_id, part, reply_markup=keyboard)
                    )
                if self._shown is not None:
                    await self._shown(chat_id, notice)
        except Forbidden as error:  # blocked by the user, deactivated, never started
            raise UndeliverableError(error.message) from error
        except RetryAfter as error:
            raise RetryLaterError(_seconds(error), error.message) from error
        except BadRequest as error:
            whole_chat = "chat not found" in error.message.lower()
            raise UndeliverableError(error.message, whole_chat=whole_chat) from error
        except (TimedOut, NetworkError) as error:
            raise RetryLaterError(NETWORK_RETRY_SECONDS, error.message) from error

    async def _send_file(self, chat_id: int, notice: Notice) -> None:
        """A photo, voice note or document with the text as its caption; a text too long for a
        caption follows the file as messages of its own."""
        # Telegram counts UTF-16 code units: an emoji outside the BMP counts twice.
        fits = len(notice.text.encode("utf-16-le")) // 2 <= MessageLimit.CAPTION_LENGTH
        caption = notice.text if fits and notice.text else None
        if notice.photo:
            await self._bot.send_photo(chat_id, notice.photo, caption=caption)
        elif notice.voice:
            await self._send_voice(chat_id, notice.voice, caption)
        elif notice.document:
            await self._bot.send_document(chat_id, notice.document, caption=caption)
        if fits:
            return
        for part in chunks(notice.text, MessageLimit.MAX_TEXT_LENGTH):
            await _finish(partial(self._bot.send_message, chat_id, part))

    async def _send_voice(self, chat_id: int, file_id: str, caption: str | None) -> None:
        """A voice note as one; a music file (Telegram's `audio`, kept as a voice note too)
        is refused as a voice by its file id, and goes as the audio it is."""
        try:
            await self._bot.send_voice(chat_id, file_id, caption=caption)
        except BadRequest as error:
            if "type of file mismatch" not in error.message.lower():
                raise
            await self._bot.send_audio(chat_id, file_id, caption=caption)
