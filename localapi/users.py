"""The people's side: what a user does in their Telegram client, turned into updates."""

from __future__ import annotations

import copy
import itertools
import secrets

from localapi.errors import JSON
from localapi.files import FileStore
from localapi.formatting import command_entities
from localapi.messages import Chats
from localapi.updates import UpdateQueue


class People:
    """Acts as the users: tests call it directly, the web chat calls it for its panes.

    Every action is checked the way a Telegram client allows it: a button must be on the
    message, a reply-keyboard label must be on the chat's keyboard.
    """

    def __init__(self, chats: Chats, updates: UpdateQueue, files: FileStore) -> None:
        self.chats, self.updates, self.files = chats, updates, files
        self.open_queries: dict[str, JSON] = {}
        self._query_ids = itertools.count(4_400_000_000_000_000_001)

    def _message(self, user_id: int, content: JSON, first_name: str | None = None) -> JSON:
        user = self.chats.user(user_id, first_name)
        return self.updates.add("message", self.chats.add(user_id, user, content))

    def sends_text(self, user_id: int, text: str, *, first_name: str | None = None) -> JSON:
        content: JSON = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._message(user_id, content, first_name)

    def sends_photo(
        self, user_id: int, *, caption: str | None = None, data: bytes | None = None
    ) -> JSON:
        jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + secrets.token_bytes(64) + b"\xff\xd9"
        content: JSON = {"photo": self.files.photo_sizes(jpeg if data is None else data)}
        return self._message(user_id, {**content, "caption": caption} if caption else content)

    def sends_location(self, user_id: int, lat: float, lon: float) -> JSON:
        return self._message(user_id, {"location": {"latitude": lat, "longitude": lon}})

    def sends_contact(self, user_id: int, phone: str, first_name: str, *, own: bool = True) -> JSON:
        """own=True mimics the request_contact button: the contact carries the sender's id."""
        contact: JSON = {"phone_number": phone, "first_name": first_name}
        return self._message(
            user_id, {"contact": {**contact, "user_id": user_id} if own else contact}
        )

    def sends_sticker(self, user_id: int) -> JSON:
        sticker = {
            **self.files.user_file("sticker", None),
            "type": "regular",
            "width": 512,
            "height": 512,
        }
        sticker.update(is_animated=False, is_video=False, emoji="👍")
        return self._message(user_id, {"sticker": sticker})

    def sends_voice(self, user_id: int, *, duration: int = 3, data: bytes | None = None) -> JSON:
        voice = {**self.files.user_file("voice", data), "duration": duration}
        return self._message(user_id, {"voice": {**voice, "mime_type": "audio/ogg"}})

    def sends_document(
        self, user_id: int, *, file_name: str = "tai-lieu.pdf", data: bytes | None = None
    ) -> JSON:
        document = {**self.files.user_file("document", data), "file_name": file_name}
        return self._message(user_id, {"document": {**document, "mime_type": "application/pdf"}})

    def presses(self, user_id: int, message_id: int, callback_data: str) -> JSON:
        """Queue a callback_query; the button must be on the message, as for a real user."""
        message = self.chats.find(user_id, message_id)
        if message is None or message["from"]["id"] != self.chats.bot_user["id"]:
            raise AssertionError(f"no bot message {message_id} in chat {user_id}")
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        if callback_data not in (datas := [b.get("callback_data") for row in rows for b in row]):
            raise AssertionError(f"message {message_id} has no button {callback_data!r}: {datas}")
        query: JSON = {
            "id": str(next(self._query_ids)),
            "from": copy.deepcopy(self.chats.users[user_id]),
        }
        # chat_instance is an opaque per-chat string, stable across queries, as on Telegram.
        query.update(message=copy.deepcopy(message), chat_instance=str(-(7 * 10**18 + user_id)))
        self.open_queries[query["id"]] = {**query, "data": callback_data}
        return self.updates.add("callback_query", {**query, "data": callback_data})

    def reply_button(self, user_id: int, text: str) -> JSON:
        """The reply-keyboard button labelled `text`; it must be on the chat's keyboard."""
        rows = (self.chats.keyboards.get(user_id) or {}).get("keyboard", [])
        buttons = [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]
        for button in buttons:
            if button.get("text") == text:
                return dict(button)
        labels = [button.get("text") for button in buttons]
        raise AssertionError(f"chat {user_id} shows no reply button {text!r}: {labels}")
