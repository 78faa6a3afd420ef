"""The bot's last message in each chat, so that a pressed button's message becomes the next
question (one Bot API call, issue #19) only while nothing was said below it.

An elderly citizen finds the question to answer at the bottom of the chat; a message edited
higher up would leave the latest question out of sight. So an edit is allowed only when this
process knows for sure that the pressed message is the chat's last one, and any doubt means
"send a new message", as before:

* Every message this process sends reaches Telegram through the bot (handlers.telegram.quarantine
  sees each call): replies, the outbox's notices, jobs. A send that failed may still have
  arrived, so it leaves the chat unknown.
* Whatever the person sends (any update but a button press) puts their message below.
* Memory only: after a restart nothing is known, so the first press sends a new message.
* On a shared database other processes send to the same chats (their outbox deliveries), which
  this process cannot see: nothing is ever known there.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from telegram import Update

from handlers.telegram.context import Context

# Chats remembered at most; one forgotten only sends a new message, as before.
KEPT_CHATS = 10_000
_REMOVING = ("deleteMessage", "deleteMessages")


def _creates_message(endpoint: str) -> bool:
    sends = endpoint.startswith("send") and endpoint != "sendChatAction"
    return sends or endpoint.startswith(("copyMessage", "forwardMessage"))


def chat_of(data: dict[str, Any] | None) -> int | None:
    """The chat a Bot API call is addressed to, when it names one by number."""
    value = (data or {}).get("chat_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


class LastMessages:
    def __init__(self, *, enabled: bool) -> None:
        self._enabled = enabled
        self._last: OrderedDict[int, int] = OrderedDict()

    def is_last(self, chat_id: int, message_id: int) -> bool:
        return self._last.get(chat_id) == message_id

    def called(self, endpoint: str, chat_id: int, result: object) -> None:
        """A call to `chat_id` was answered with `result`."""
        if endpoint in _REMOVING:
            self.forget(chat_id)
        elif _creates_message(endpoint):
            found = result.get("message_id") if isinstance(result, dict) else None
            if isinstance(found, int) and self._enabled:
                self._last[chat_id] = found
                self._last.move_to_end(chat_id)
                if len(self._last) > KEPT_CHATS:
                    self._last.popitem(last=False)
            else:
                self.forget(chat_id)

    def forget(self, chat_id: int) -> None:
        self._last.pop(chat_id, None)

    def forget_all(self) -> None:
        """An update that could not be read: whose chat it came from is not known."""
        self._last.clear()


def last_messages(bot: object) -> LastMessages | None:
    """The bot's record, if it keeps one (handlers.telegram.quarantine.QuarantiningBot does)."""
    found = getattr(bot, "last_messages", None)
    return found if isinstance(found, LastMessages) else None


async def heard(update: Update, context: Context) -> None:
    """Before any handler: what the person sent now lies below the bot's last message."""
    record = last_messages(context.bot)
    chat = update.effective_chat
    if record is not None and chat is not None and update.callback_query is None:
        record.forget(chat.id)
