"""People chatting with the real Application: updates in through `process_update`, replies out
through the offline Bot API, so a test reads exactly what each person received."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from telegram import Update

from handlers.telegram.context import App
from tests.support.offline import SENDS, Call, OfflineRequest, Shown


def _markup(call: Call) -> dict[str, Any] | None:
    markup = call.params.get("reply_markup")
    return json.loads(markup) if isinstance(markup, str) else markup


def buttons(call: Call) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button on a sent message."""
    markup = _markup(call) or {}
    return [
        (button["text"], button.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]


def reply_keyboard(call: Call) -> list[dict[str, Any]]:
    markup = _markup(call) or {}
    return [button for row in markup.get("keyboard", []) for button in row]


# Telegram's update ids only grow; one counter for every bot instance keeps that true across
# the restarts a test simulates.
_UPDATE_IDS = itertools.count(1000)


class Chats:
    """Any number of people talking to one bot."""

    def __init__(self, app: App, request: OfflineRequest) -> None:
        self.app = app
        self.request = request
        self._message_ids = itertools.count(1)
        # A person's own Telegram name, where a test needs one (a first name only, as many
        # people set it); everyone else is "Nguyễn Dân <id>".
        self.names: dict[int, str] = {}

    # -- what people do -------------------------------------------------------------------
    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id in self.names:
            return {"id": user_id, "is_bot": False, "first_name": self.names[user_id]}
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": "Nguyễn",
            "last_name": f"Dân {user_id}",
        }

    def _message(self, user_id: int, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Nguyễn"},
            "from": self._user(user_id),
            **content,
        }

    async def deliver(self, payload: dict[str, Any], update_id: int | None = None) -> list[Call]:
        """Process one update; returns what the bot sent while handling it."""
        before = len(self.request.calls)
        data = {"update_id": update_id or next(_UPDATE_IDS), **payload}
        await self.app.process_update(Update.de_json(data, self.app.bot))
        # What the update queued for others (officers, the citizen) is delivered right away.
        await self.app.bot_data.deliverer.deliver_due()
        source = payload.get("message") or payload.get("callback_query", {}).get("message", {})
        chat_id = source.get("chat", {}).get("id")
        return [
            c
            for c in self.request.calls[before:]
            if c.method in SENDS and c.params.get("chat_id") == chat_id
        ]

    def text_update(self, user_id: int, text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"message": self._message(user_id, **content)}

    async def say(self, user_id: int, text: str) -> list[Call]:
        return await self.deliver(self.text_update(user_id, text))

    async def press(self, user_id: int, data: str, message_id: int = 1) -> list[Call]:
        return await self.deliver(self.press_update(user_id, data, message_id))

    def press_update(
        self, user_id: int, data: str, message_id: int = 1, shown: Shown | None = None
    ) -> dict[str, Any]:
        """A press of `data`; on the message `shown` as its chat shows it, else on a stand-in
        with id `message_id`."""
        message: dict[str, Any] = {
            "message_id": shown.message_id if shown else message_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Nguyễn"},
            "from": {"id": 999000, "is_bot": True, "first_name": "Nghe Dân"},
            "text": shown.text if shown else "…",
        }
        if shown is not None and shown.markup is not None:
            message["reply_markup"] = shown.markup
        query = {
            "id": str(next(_UPDATE_IDS)),
            "from": self._user(user_id),
            "chat_instance": f"ci-{user_id}",
            "message": message,
            "data": data,
        }
        return {"callback_query": query}

    async def tap(self, user_id: int, label: str) -> list[Call]:
        """Press the button whose label contains `label` on the last message with buttons."""
        last = next(c for c in reversed(self.sent(user_id)) if buttons(c))
        data = next((d for text, d in buttons(last) if label in text), None)
        if data is None:
            raise AssertionError(f"no button {label!r} in {buttons(last)}")
        return await self.press(user_id, data, message_id=1)

    async def tap_shown(self, user_id: int, label: str) -> list[Call]:
        """Press, as the person would, the button whose label contains `label` on the lowest
        message of their chat that has buttons: the press carries that message as it is now."""
        shown = next((m for m in reversed(self.chat(user_id)) if m.buttons), None)
        data = next((d for text, d in shown.buttons if label in text), None) if shown else None
        if shown is None or data is None:
            raise AssertionError(f"no button {label!r} in {shown}")
        return await self.deliver(self.press_update(user_id, data, shown=shown))

    def chat(self, user_id: int) -> list[Shown]:
        """The bot's messages in this person's chat as they read them now, in order."""
        return list(self.request.chats[user_id].values())

    async def photo(
        self, user_id: int, unique: str, caption: str | None = None, *, file_id: str | None = None
    ) -> list[Call]:
        """`file_id` names the largest size (the one a case keeps), say one a Bot API emulator
        holds the bytes of; by default a name no server knows."""
        sizes = [
            {
                "file_id": f"small-{unique}",
                "file_unique_id": f"s{unique}",
                "width": 90,
                "height": 90,
            },
            {
                "file_id": file_id or f"big-{unique}",
                "file_unique_id": unique,
                "width": 800,
                "height": 600,
            },
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return await self.deliver({"message": self._message(user_id, **content)})

    async def location(self, user_id: int, latitude: float, longitude: float) -> list[Call]:
        location = {"latitude": latitude, "longitude": longitude}
        return await self.deliver({"message": self._message(user_id, location=location)})

    async def contact(self, user_id: int, phone: str) -> list[Call]:
        contact = {"phone_number": phone, "first_name": "Nguyễn", "user_id": user_id}
        return await self.deliver({"message": self._message(user_id, contact=contact)})

    async def sticker(self, user_id: int) -> list[Call]:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "st1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self.deliver({"message": self._message(user_id, sticker=sticker)})

    async def voice(
        self, user_id: int, duration: int = 3, *, file_id: str = "voice-1", unique: str = "v1"
    ) -> list[Call]:
        voice = {"file_id": file_id, "file_unique_id": unique, "duration": duration}
        return await self.deliver({"message": self._message(user_id, voice=voice)})

    async def document(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        mime_type: str | None = None,
        size: int | None = None,
        file_name: str = "don.pdf",
        file_id: str = "doc-1",
        unique: str = "d1",
    ) -> list[Call]:
        """By default a document of no stated type, as an old client may send."""
        document: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_name": file_name,
        }
        if mime_type is not None:
            document["mime_type"] = mime_type
        if size is not None:
            document["file_size"] = size
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return await self.deliver({"message": self._message(user_id, **content)})

    async def video(self, user_id: int) -> list[Call]:
        video = {
            "file_id": "vid-1",
            "file_unique_id": "vd1",
            "width": 1,
            "height": 1,
            "duration": 1,
        }
        return await self.deliver({"message": self._message(user_id, video=video)})

    # -- what the bot said ----------------------------------------------------------------
    def sent(self, user_id: int) -> list[Call]:
        return self.request.sent_to(user_id)

    def last_text(self, user_id: int) -> str:
        return str(self.sent(user_id)[-1].params["text"])
