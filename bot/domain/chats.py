"""Chats of channels that reach the handlers in Telegram's shape (Zalo): their local ids and the
numbered choices last shown in them.

Telegram's user ids have at most 52 significant bits, so every id above 2^52 is free; an account
of another channel gets one of those (LOCAL_ID_BASE + n) and keeps it, so drafts and dialog
states keyed by user id work unchanged. A Telegram account is its own id.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

TELEGRAM_CHANNEL = "telegram"
LOCAL_ID_BASE = 2**52


def is_local_id(user_id: int) -> bool:
    """Whether a chat or user id stands for an account of another channel than Telegram."""
    return user_id > LOCAL_ID_BASE


@dataclass(frozen=True, slots=True)
class Account:
    """Who is writing, as the people table knows them: their channel and id there."""

    channel: str
    external_id: str


class Keyboard(StrEnum):
    """How a chosen option reaches the handlers: as a pressed inline button (its data), or as
    the text of a reply-keyboard button."""

    INLINE = "inline"
    REPLY = "reply"


@dataclass(frozen=True, slots=True)
class ShownOptions:
    """The numbered choices of the last message that had any, in the order shown.

    `options` holds (label, data) pairs; data is the button's callback data (inline) or the
    text the button would send (reply). `message_id` and `text` are the message's own, so a
    typed pick looks like a press on that very message.
    """

    message_id: int
    text: str
    kind: Keyboard
    options: tuple[tuple[str, str], ...]
