"""Users, their private chats with the bot, the messages in them and the keyboards they show."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable

from localapi.errors import JSON, bad, number

_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def inline_markup(params: JSON) -> JSON | None:
    """The reply_markup of an inline keyboard, refused as Telegram refuses a malformed one."""
    markup: JSON | None = params.get("reply_markup")
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if markup is not None and (
        not isinstance(rows, list) or not all(isinstance(r, list) for r in rows)
    ):
        raise bad("can't parse inline keyboard markup JSON object")
    for button in (button for row in rows or [] for button in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad("can't parse inline keyboard button: Text is empty")
        if set(button) <= {"text"}:
            raise bad("can't parse inline keyboard button: Text buttons are unallowed")
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise bad("BUTTON_DATA_INVALID")
    return markup


class Chats:
    """Every private chat, keyed by the user's id (a private chat's id is its user's id).

    Watchers (the web chat's live streams) get the id of every chat that changed.
    """

    def __init__(self, bot_user: JSON) -> None:
        self.bot_user = bot_user
        self.users: dict[int, JSON] = {}
        self.keyboards: dict[int, JSON | None] = {}
        self._messages: dict[int, list[JSON]] = {}
        self._last_id: dict[int, int] = {}
        self._watchers: set[asyncio.Queue[int]] = set()

    def watch(self) -> asyncio.Queue[int]:
        queue: asyncio.Queue[int] = asyncio.Queue()
        self._watchers.add(queue)
        return queue

    def unwatch(self, queue: asyncio.Queue[int]) -> None:
        self._watchers.discard(queue)

    def _changed(self, chat_id: int) -> None:
        for queue in self._watchers:
            queue.put_nowait(chat_id)

    def user(self, user_id: int, first_name: str | None = None) -> JSON:
        """The user, created on first contact, as on Telegram."""
        new = {"id": user_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
        user = self.users.setdefault(user_id, new)
        user["first_name"] = first_name or user["first_name"]
        return user

    def chat_id(self, params: JSON) -> int:
        """A bot can only write to a user who wrote to it first."""
        if params.get("chat_id") in (None, ""):
            raise bad("chat_id is empty")
        chat_id = str(params["chat_id"])
        if not chat_id.lstrip("-").isdigit() or int(chat_id) not in self.users:
            raise bad("chat not found")
        return int(chat_id)

    def all_in(self, chat_id: int) -> list[JSON]:
        """Both sides of the chat, in order, as shown now."""
        return copy.deepcopy(self._messages.get(chat_id, []))

    def from_bot(self, chat_id: int) -> list[JSON]:
        messages = self._messages.get(chat_id, [])
        return [copy.deepcopy(m) for m in messages if m["from"]["id"] == self.bot_user["id"]]

    def find(self, chat_id: int, message_id: int) -> JSON | None:
        return next(
            (m for m in self._messages.get(chat_id, []) if m["message_id"] == message_id), None
        )

    def add(self, chat_id: int, sender: JSON, content: JSON) -> JSON:
        message_id = self._last_id[chat_id] = self._last_id.get(chat_id, 0) + 1
        user = self.users[chat_id]
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        chat.update({key: user[key] for key in ("last_name", "username") if key in user})
        message = {"message_id": message_id, "from": copy.deepcopy(sender), "chat": chat}
        message.update(date=int(time.time()), **content)
        self._messages.setdefault(chat_id, []).append(message)
        self._changed(chat_id)
        return message

    def send(self, params: JSON, content: JSON) -> JSON:
        """Store a bot message; reply keyboards are kept per chat, as Telegram never echoes them."""
        chat_id, markup = self.chat_id(params), params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            content["reply_markup"] = inline_markup(params)
        elif isinstance(markup, dict) and isinstance(markup.get("keyboard"), list):
            buttons = [
                b.get("text") if isinstance(b, dict) else b
                for row in markup["keyboard"]
                for b in row
            ]
            if not buttons or not all(buttons):
                raise bad("can't parse keyboard button: Text is empty")
            self.keyboards[chat_id] = markup
        elif isinstance(markup, dict) and markup.get("remove_keyboard"):
            self.keyboards[chat_id] = None
        elif markup is not None and not (isinstance(markup, dict) and markup.get("force_reply")):
            raise bad("can't parse reply keyboard markup JSON object")
        return copy.deepcopy(self.add(chat_id, self.bot_user, content))

    def edit(self, params: JSON, changes: Callable[[JSON], JSON]) -> JSON | bool:
        """Edit a bot message: true for inline messages, else the edited Message."""
        if params.get("inline_message_id"):
            return True
        chat_id = self.chat_id(params)
        message = self.find(chat_id, number(params, "message_id", int))
        if message is None:
            raise bad("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad("message can't be edited")
        new = changes(message)
        if all(message.get(key) == (value or None) for key, value in new.items()):
            raise bad(_NOT_MODIFIED)
        for key, value in new.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        self._changed(chat_id)
        return copy.deepcopy(message)

    def delete(self, chat_id: int, message_id: int) -> None:
        if (message := self.find(chat_id, message_id)) is None:
            raise bad("message to delete not found")
        self._messages[chat_id].remove(message)
        self._changed(chat_id)
