"""The staff's short written step: write words, read them back, confirm or cancel.

An officer's reason or result, a supervisor's recommendation, a leader's reason for cancelling a
reception session and an announcement are written the same way. What is being written is kept
in the writer's user_data under one key between steps, so it is saved with their drafts and
survives a restart; "hủy" or the ✖ button ends it at any step; words too short or too long are
asked for again and the step is kept. Each conversation keeps its own key, so one person may
have an announcement half-written while answering a case.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telegram import Message, Update
from telegram.ext import ConversationHandler

from bot.domain.choices import Nav, match_nav
from bot.messages import Choice, Text
from bot.texts import t
from handlers.telegram.context import Context
from handlers.telegram.render import event_of, refuse_long, reply_target, retire_buttons

END = ConversationHandler.END
_SHORTEST = 2  # one letter is a slip of the thumb, not a reason


def wants_cancel(update: Update, *, keys: Iterable[str] = (), captions: bool = False) -> bool:
    """ "Hủy" typed, or a cancel button pressed (Nav.CANCEL, or one of `keys`); with
    `captions`, a photo's or file's caption counts as typed."""
    event = event_of(update)
    if isinstance(event, Choice):
        return event.key in {Nav.CANCEL.value, *keys}
    if isinstance(event, Text):
        return match_nav(event.text) is Nav.CANCEL
    message = update.effective_message
    caption = message.caption if captions and message is not None else None
    return caption is not None and match_nav(caption) is Nav.CANCEL


class Pending:
    """One conversation's notes between steps, under `key` in the writer's user_data."""

    def __init__(self, key: str, cancelled: str, *, retire: bool = False) -> None:
        self.key = key
        self._cancelled = cancelled  # the catalog key said when the writer cancels
        self._retire = retire  # whether cancelling takes the pressed buttons off

    def notes(self, context: Context) -> dict[str, Any]:
        value = (context.user_data or {}).get(self.key)
        return value if isinstance(value, dict) else {}

    def start(self, context: Context, **values: object) -> None:
        if context.user_data is not None:
            context.user_data[self.key] = values

    def add(self, context: Context, **values: object) -> dict[str, Any]:
        notes = {**self.notes(context), **values}
        if context.user_data is not None:
            context.user_data[self.key] = notes
        return notes

    def end(self, context: Context) -> int:
        if context.user_data is not None:
            context.user_data.pop(self.key, None)
        return END

    async def cancel(self, update: Update, context: Context) -> int:
        """Say it is cancelled and forget the notes (also /huy's fallback)."""
        message = reply_target(update)
        if update.callback_query is not None:
            await update.callback_query.answer()
            if self._retire:
                await retire_buttons(update)
        if message is not None:
            await message.reply_text(t(self._cancelled))
        return self.end(context)

    async def resume(
        self, update: Update, context: Context
    ) -> tuple[Message, dict[str, Any]] | int:
        """Where a step takes up the conversation: the message to answer and the notes so far;
        or the conversation's end, when the writer cancels or nothing is under way any more
        (the notes were lost with a restart, or a step's press came late)."""
        if wants_cancel(update):
            return await self.cancel(update, context)
        message = reply_target(update)
        notes = self.notes(context)
        if update.callback_query is not None:
            await update.callback_query.answer()
        if message is None or not notes:
            return self.end(context)
        return message, notes

    async def words(self, update: Update, context: Context, need: str) -> str | None:
        """The words typed, trimmed; None after asking again (`need` says what is missing, or
        the limit when they are too long), so the caller stays at the same step."""
        message = reply_target(update)
        event = event_of(update)
        if message is None:
            return None
        if not isinstance(event, Text) or len(event.text.strip()) < _SHORTEST:
            await message.reply_text(t(need))
            return None
        limit = context.services.config.limits.note_max
        if await refuse_long(message, event.text, limit, staff=True):
            return None
        return event.text.strip()
