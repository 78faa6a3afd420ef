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

from telegram import Bot, Message
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.domain.files import Way
from bot.domain.tickets import DOCUMENT, PHOTO, VOICE
from bot.messages import AttachmentRef, Notice, Prompt, chunks
from bot.services.case_files import CaseFiles, Sendable
from bot.services.outbox import NotReadyError, RetryLaterError, UndeliverableError
from bot.texts import t
from handlers.telegram.render import inline_keyboard
from handlers.telegram.uploads import send_case_file, send_kept

NETWORK_RETRY_SECONDS = 5
# A Zalo citizen's file is waited for until the store has it (bot.domain.files.way_to_send): the
# file keeper looks every second, and a download takes about one (BENCHMARKS.md).
FILE_WAIT_SECONDS = 2
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


def _fits(text: str) -> bool:
    """Whether the text fits a caption; Telegram counts UTF-16 code units (an emoji outside the
    BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2 <= MessageLimit.CAPTION_LENGTH


Shown = Callable[[int, Notice], Awaitable[None]]


class TelegramSender:
    """`shown` hears of each text notice delivered, so a choice it asks can be answered by
    typing (handlers.citizen.latest_question.notice_shown); a case's files go from the store
    through `files` (without it, by the channel's reference)."""

    def __init__(
        self, bot: Bot, shown: Shown | None = None, files: CaseFiles | None = None
    ) -> None:
        self._bot = bot
        self._shown = shown
        self._files = files

    async def send(self, recipient: str, notice: Notice) -> None:
        chat_id = int(recipient)
        try:
            if notice.attachment is not None and self._files is not None:
                await self._send_case_file(chat_id, notice, notice.attachment, self._files)
            elif notice.photo or notice.voice or notice.document:
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

    async def _send_case_file(
        self, chat_id: int, notice: Notice, ref: AttachmentRef, files: CaseFiles
    ) -> None:
        """The case's file from the store (handlers.telegram.uploads.send_case_file), a Zalo
        one waited for until kept; a file there is none of goes as its words."""
        fits = _fits(notice.text)
        caption = notice.text if fits and notice.text else None
        way = await send_case_file(self._bot, chat_id, files, ref, caption)
        if way is Way.WAIT:
            raise NotReadyError(FILE_WAIT_SECONDS, "the file is not kept yet")
        if way is Way.MISSING:
            await self._send_text(chat_id, f"{notice.text}\n{t('card.media.file_missing')}")
        elif not fits:
            await self._send_text(chat_id, notice.text)

    async def _send_kept(self, chat_id: int, text: str, file: Sendable) -> Message:
        fits = _fits(text)
        sent = await send_kept(self._bot, chat_id, file, text if fits and text else None)
        if not fits:
            await self._send_text(chat_id, text)
        return sent

    async def _send_text(self, chat_id: int, text: str) -> None:
        for part in chunks(text, MessageLimit.MAX_TEXT_LENGTH):
            await _finish(partial(self._bot.send_message, chat_id, part))

    async def _send_file(self, chat_id: int, notice: Notice) -> None:
        """A photo, voice note or document by the channel's id, with the text as its caption;
        a text too long for a caption follows the file as messages of its own."""
        kind = PHOTO if notice.photo else VOICE if notice.voice else DOCUMENT
        reference = notice.photo or notice.voice or notice.document
        await self._send_kept(chat_id, notice.text, Sendable(kind, Way.REFERENCE, reference))
