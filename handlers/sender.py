"""Delivering outbox notices on Telegram, and translating Telegram's refusals for the outbox."""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.dialogs.base import Notice, Prompt, chunks
from bot.services.outbox import RetryLaterError, UndeliverableError
from handlers.render import inline_keyboard

NETWORK_RETRY_SECONDS = 5


class TelegramSender:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, recipient: str, notice: Notice) -> None:
        chat_id = int(recipient)
        try:
            if notice.photo:
                await self._bot.send_photo(chat_id, notice.photo, caption=notice.text or None)
            elif notice.latitude is not None and notice.longitude is not None:
                await self._bot.send_location(chat_id, notice.latitude, notice.longitude)
            else:
                markup = inline_keyboard(
                    Prompt(text=notice.text, ref=notice.ref, options=notice.options)
                )
                *head, last = chunks(notice.text, MessageLimit.MAX_TEXT_LENGTH)
                for part in head:
                    await self._bot.send_message(chat_id, part)
                await self._bot.send_message(chat_id, last, reply_markup=markup)
        except Forbidden as error:
            raise UndeliverableError(error.message) from error
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise RetryLaterError(seconds, error.message) from error
        except BadRequest as error:
            raise UndeliverableError(error.message) from error
        except (TimedOut, NetworkError) as error:
            raise RetryLaterError(NETWORK_RETRY_SECONDS, error.message) from error
