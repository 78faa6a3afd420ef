"""A Zalo update as the Telegram update the handlers already understand.

Text stays text (a command gets its bot_command entity), unless it picks one of the numbered
choices last shown in the chat: then it is that button's press (an inline button) or that
button's text (a reply keyboard). An image is a photo whose file_id is its URL, which Telegram's
sendPhoto also accepts, so officers on Telegram see it. A sticker is a sticker; anything else
is an empty message, which the handlers answer as media they do not take.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.domain.chats import Keyboard, ShownOptions
from handlers.zalo.numbered import picked

CHANNEL = "zalo"
CALLBACK_PREFIX = "zalo-"  # a press made by typing: "zalo-<local id>-<update id>"
_LONGEST_TEXT = 8000  # Zalo's own limit is far below; anything longer is not a person typing


class Kind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    STICKER = "sticker"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ZaloEvent:
    """What the handlers need of a Zalo update; `key` is its dedupe key."""

    key: str
    sender: str
    name: str
    kind: Kind
    date: int  # seconds
    text: str = ""
    photo: str = ""


def _string(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= 64 else None


def _kind(event_name: str, message: dict[str, Any]) -> tuple[Kind, str, str]:
    """The kind, the text (or caption) and the photo URL."""
    text = message.get("text")
    text = text[:_LONGEST_TEXT] if isinstance(text, str) else ""
    if event_name == "message.text.received" and text.strip():
        return Kind.TEXT, text, ""
    if event_name == "message.image.received":
        url = message.get("photo") or message.get("photo_url") or message.get("url")
        if isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) < 2000:
            caption = message.get("caption")
            return Kind.IMAGE, caption[:_LONGEST_TEXT] if isinstance(caption, str) else "", url
    if event_name == "message.sticker.received":
        return Kind.STICKER, "", ""
    return Kind.OTHER, "", ""


class UnreadableEventError(ValueError):
    """An update naming no sender or no message: not what Zalo sends, so it is set aside."""


def _named(raw: object) -> tuple[dict[str, Any], str, str, str] | None:
    """The message, event name, message id and sender id, when the update names them all."""
    if not isinstance(raw, dict) or not isinstance(raw.get("message"), dict):
        return None
    message: dict[str, Any] = raw["message"]
    event_name = raw.get("event_name")
    sender = message.get("from")
    message_id = _string(message.get("message_id"))
    sender_id = _string(sender.get("id")) if isinstance(sender, dict) else None
    if not isinstance(event_name, str) or message_id is None or sender_id is None:
        return None
    return message, event_name, message_id, sender_id


def unreadable(raw: object) -> UnreadableEventError | None:
    """Why the update cannot be read; None for one that names a sender and a message, even
    one not answered (a bot's, a group's)."""
    if _named(raw) is None:
        return UnreadableEventError("no event name, message id or sender")
    return None


def parse_event(raw: object) -> ZaloEvent | None:
    """The event, or None when it names no sender or no message to answer (not from Zalo),
    or is a bot's or a group's."""
    named = _named(raw)
    if named is None:
        return None
    message, event_name, message_id, sender_id = named
    sender = message["from"]
    chat = message.get("chat")
    if sender.get("is_bot") is True:
        return None
    if isinstance(chat, dict) and chat.get("chat_type") not in (None, "PRIVATE"):
        return None
    name = sender.get("display_name")
    name = name.strip()[:64] if isinstance(name, str) and name.strip() else sender_id
    date = message.get("date")
    seconds = date // 1000 if isinstance(date, int) and not isinstance(date, bool) else 0
    kind, text, photo = _kind(event_name[:64], message)
    key = f"{event_name[:64]}:{message_id}"
    return ZaloEvent(key, sender_id, name, kind, max(seconds, 0), text, photo)


def _content(event: ZaloEvent) -> dict[str, Any]:
    if event.kind is Kind.TEXT:
        content: dict[str, Any] = {"text": event.text}
        if event.text.startswith("/"):
            command = event.text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return content
    if event.kind is Kind.IMAGE:
        unique = "zalo" + hashlib.sha256(event.photo.encode()).hexdigest()[:24]
        size = {"file_id": event.photo, "file_unique_id": unique, "width": 0, "height": 0}
        return {"photo": [size], **({"caption": event.text} if event.text else {})}
    if event.kind is Kind.STICKER:
        sticker = {
            "file_id": f"zalo-sticker-{event.key}",
            "file_unique_id": "zalo-sticker",
            "type": "regular",
            "width": 0,
            "height": 0,
            "is_animated": False,
            "is_video": False,
        }
        return {"sticker": sticker}
    return {}


def telegram_update(
    event: ZaloEvent,
    *,
    update_id: int,
    user_id: int,
    message_id: int,
    shown: ShownOptions | None,
    bot: dict[str, Any],
) -> dict[str, Any]:
    """The update as the Bot API would have sent it for a Telegram user with id `user_id`."""
    user = {"id": user_id, "is_bot": False, "first_name": event.name}
    chat = {"id": user_id, "type": "private", "first_name": event.name}
    data = picked(event.text, shown) if event.kind is Kind.TEXT else None
    if shown is not None and data is not None and shown.kind is Keyboard.INLINE:
        shown_message = {
            "message_id": shown.message_id,
            "date": event.date,
            "chat": chat,
            "from": bot,
            "text": shown.text,
        }
        query = {
            "id": f"{CALLBACK_PREFIX}{user_id}-{update_id}",
            "from": user,
            "chat_instance": f"zalo-{user_id}",
            "message": shown_message,
            "data": data,
        }
        return {"update_id": update_id, "callback_query": query}
    content = {"text": data} if data is not None else _content(event)
    message = {"message_id": message_id, "date": event.date, "chat": chat, "from": user}
    return {"update_id": update_id, "message": {**message, **content}}
