"""A Bot API that answers from memory, as python-telegram-bot's own test suite does.

It records every call and answers with well-formed results, so handler tests see exactly what
each person would have received, without a network; and it keeps each chat as its person sees
it (the bot's messages in order, as edited since), so a test can read the chat after a press
edited a message, and press the very message a person would.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

SENDS = (
    "sendMessage",
    "sendPhoto",
    "sendVoice",
    "sendDocument",
    "sendAudio",
)  # what a person reads as a message
BOT_USER = {"id": 999000, "is_bot": True, "first_name": "Nghe Dân", "username": "nghedan_bot"}


@dataclass
class Shown:
    """One of the bot's messages as its chat shows it now."""

    message_id: int
    text: str
    markup: dict[str, Any] | None = None  # the inline keyboard under it, if any

    @property
    def buttons(self) -> list[tuple[str, str]]:
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)  # uploads: name -> (file name, bytes, type)


class OfflineRequest(BaseRequest):
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failing: set[str] = set()
        self.blocked: set[int] = set()  # chats that blocked the bot: every send is Forbidden
        self._message_ids: dict[int, int] = defaultdict(int)
        self.chats: dict[int, dict[int, Shown]] = defaultdict(dict)  # chat -> id -> message

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = dict(request_data.multipart_data) if request_data else {}
        self.calls.append(Call(name, params, files))
        if name in self.failing:
            error = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return 500, json.dumps(error).encode()
        chat = params.get("chat_id")
        if name.startswith("send") and isinstance(chat, int | str) and int(chat) in self.blocked:
            error = {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            }
            return 403, json.dumps(error).encode()
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return {
                **BOT_USER,
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if name == "getUpdates":
            return []
        if name in (
            "sendMessage",
            "sendPhoto",
            "sendVoice",
            "sendDocument",
            "sendAudio",
            "sendLocation",
            "editMessageText",
            "editMessageReplyMarkup",
        ):
            return self._message(name, params)
        if name == "deleteMessage":
            self.chats[int(params["chat_id"])].pop(int(params["message_id"]), None)
        return True

    def _message(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        chat = self.chats[chat_id]
        if name.startswith("edit"):
            message_id = int(params["message_id"])
            shown = chat.setdefault(message_id, Shown(message_id, ""))
            if name == "editMessageText":
                shown.text = str(params.get("text", ""))
            shown.markup = inline
        else:
            self._message_ids[chat_id] += 1
            message_id = self._message_ids[chat_id]
            text = params.get("text") or params.get("caption") or ""
            shown = chat[message_id] = Shown(message_id, str(text), inline)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Dân"},
            "from": BOT_USER,
            "text": shown.text,
        }
        if inline is not None:
            message["reply_markup"] = inline
        message.update(_file_sent(name, params, message_id))
        return message

    def sent_to(self, chat_id: int) -> list[Call]:
        """Messages sent to one chat, in order."""
        return [c for c in self.calls if c.method in SENDS and int(c.params["chat_id"]) == chat_id]


def _file_sent(name: str, params: dict[str, Any], message_id: int) -> dict[str, Any]:
    """The file a send carried, as Telegram describes it: the id given, or for an upload
    (a multipart part, "attach://…") an id of its own, "up-<kind>-<message id>"."""
    field = {"sendPhoto": "photo", "sendVoice": "voice", "sendAudio": "audio"}.get(name)
    field = field or ("document" if name == "sendDocument" else None)
    if field is None:
        return {}
    given = params.get(field)
    file_id = given if isinstance(given, str) and not given.startswith("attach://") else None
    file = {"file_id": file_id or f"up-{field}-{message_id}", "file_unique_id": f"u{message_id}"}
    if field == "photo":
        return {"photo": [{**file, "width": 800, "height": 600}]}
    if field in ("voice", "audio"):
        return {field: {**file, "duration": 1}}
    return {field: file}
