"""Bot API calls for a Zalo chat, carried to Zalo and answered as Telegram would have.

The handlers speak Telegram; `ZaloRoute` sits under the bot as its request object and passes
every call through unchanged, except those addressed to a chat with a local id (a Zalo
citizen), which `Outlet` carries out on Zalo:

* sendMessage: the text (reworded where it speaks of Telegram's buttons), split at 2,000
  characters, the keyboard written under the last part as numbered lines and remembered as the
  chat's choices; location and contact request buttons are left out.
* editMessageText: Zalo cannot edit, so the new text is a new message, but only when the text
  (ignoring spacing) or its choices changed: re-sending the same words would read as a second
  message to answer. editMessageReplyMarkup and deleteMessage forget the message's choices
  (new buttons are shown as a new message).
* answerCallbackQuery with a text: that text as a message.
* sendPhoto with a URL: Zalo's sendPhoto. A Telegram file id or an upload, sendDocument,
  sendVoice and sendLocation: what Zalo can carry, a text (the caption and a note, or a map
  link).
* sendChatAction: Zalo's. Anything else needs no Zalo counterpart and is answered True.

Zalo's refusals come back as the Bot API's errors (429, 403, 400, 5xx), so the handlers and the
outbox's TelegramSender treat them exactly as Telegram's; no answer at all is NetworkError.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from bot.clock import Clock
from bot.domain.chats import Keyboard, ShownOptions, is_local_id
from bot.domain.choices import normalize
from bot.messages import chunks
from bot.services import chats
from bot.texts import t
from handlers.telegram.passing_request import PassingRequest
from handlers.zalo.api import ZaloApi, ZaloRefusedError, ZaloUnreachableError
from handlers.zalo.inbound import CALLBACK_PREFIX
from handlers.zalo.numbered import numbered, options_of, removes_keyboard
from handlers.zalo.wording import reworded
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
TEXT_LIMIT = 2000  # Zalo's sendMessage takes 1 to 2,000 characters
RETRY_SECONDS = 5  # Zalo's 429 says no wait; this one is the outbox's usual
JSON = dict[str, Any]


class _RefusedError(Exception):
    """A Zalo refusal, already in the shape of the Bot API's error answer."""

    def __init__(self, status: int, body: JSON) -> None:
        super().__init__(body.get("description"))
        self.status = status
        self.body = body


def _refusal(error: ZaloRefusedError) -> _RefusedError:
    description = error.description or "refused by Zalo"
    if error.code == 429:
        body = {"ok": False, "error_code": 429, "description": f"Too Many Requests: {description}"}
        return _RefusedError(429, {**body, "parameters": {"retry_after": RETRY_SECONDS}})
    if error.code in (401, 403, 404):
        return _RefusedError(
            403, {"ok": False, "error_code": 403, "description": f"Forbidden: {description}"}
        )
    if 400 <= error.code < 500:
        return _RefusedError(
            400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}
        )
    return _RefusedError(502, {"ok": False, "error_code": 502, "description": description})


def local_chat(endpoint: str, params: JSON) -> int | None:
    """The local id a call is addressed to, or None for a Telegram chat or no chat at all."""
    if endpoint == "answerCallbackQuery":
        query = str(params.get("callback_query_id", ""))
        if not query.startswith(CALLBACK_PREFIX):
            return None
        value: object = query[len(CALLBACK_PREFIX) :].split("-", 1)[0]
    else:
        value = params.get("chat_id")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        value = int(value)
    return value if isinstance(value, int) and is_local_id(value) else None


def _same(shown: ShownOptions, text: str, markup: Any) -> bool:
    found = options_of(markup)
    options = found[1] if found else ()
    return normalize(shown.text) == normalize(text) and shown.options == options


class Outlet:
    def __init__(
        self, api: ZaloApi, db: Database, clock: Clock, bot_user: Callable[[], JSON]
    ) -> None:
        self._api = api
        self._db = db
        self._clock = clock
        self._bot_user = bot_user
        # Telegram-shaped message ids for Zalo chats: milliseconds at start, then one by one,
        # so ids keep growing across restarts and a remembered message is never taken for a
        # new one.
        self._message_ids = itertools.count(time.time_ns() // 1_000_000)

    def next_message_id(self) -> int:
        return next(self._message_ids)

    async def handle(self, endpoint: str, local: int, params: JSON) -> tuple[int, JSON]:
        """Carry out one call; (HTTP status, the Bot API's JSON answer)."""
        account = await chats.account(self._db, local)
        if account is None:
            body = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
            return 400, body
        try:
            result = await self._carry(endpoint, local, account.external_id, params)
        except _RefusedError as refused:
            _LOGGER.info("Zalo refused %s: %s", endpoint, refused.body.get("description"))
            return refused.status, refused.body
        return 200, {"ok": True, "result": result}

    async def _carry(self, endpoint: str, local: int, zalo_id: str, params: JSON) -> Any:
        text = str(params.get("text") or "")
        markup = params.get("reply_markup")
        if endpoint == "sendMessage":
            return await self._show(local, zalo_id, text, markup, None)
        if endpoint == "editMessageText":
            return await self._edit(local, zalo_id, params, text, markup)
        if endpoint == "editMessageReplyMarkup":
            return await self._edit_markup(local, zalo_id, params, markup)
        if endpoint == "deleteMessage":
            await chats.forget_shown(self._db, local, _message_id(params))
            return True
        if endpoint == "answerCallbackQuery":
            if text:
                await self._send_text(zalo_id, text)
            return True
        if endpoint == "sendPhoto":
            return await self._photo(local, zalo_id, params)
        if endpoint in ("sendDocument", "sendVoice", "sendLocation"):
            return await self._show(local, zalo_id, _instead_of_file(endpoint, params), None, None)
        if endpoint == "sendChatAction":
            await self._zalo("sendChatAction", {"chat_id": zalo_id, "action": "typing"})
            return True
        _LOGGER.debug("%s has no Zalo counterpart; answered True", endpoint)
        return True

    async def _zalo(self, method: str, params: JSON) -> Any:
        try:
            return await self._api.call(method, params)
        except ZaloRefusedError as error:
            raise _refusal(error) from None
        except ZaloUnreachableError as error:
            raise NetworkError(f"Zalo unreachable: {error}") from None

    async def _send_text(self, zalo_id: str, text: str) -> None:
        for part in chunks(text, TEXT_LIMIT):
            if part.strip():
                await self._zalo("sendMessage", {"chat_id": zalo_id, "text": part})

    def _message(self, local: int, message_id: int, text: str) -> JSON:
        return {
            "message_id": message_id,
            "date": int(self._clock.now().timestamp()),
            "chat": {"id": local, "type": "private", "first_name": "Zalo"},
            "from": self._bot_user(),
            "text": text,
        }

    async def _show(
        self, local: int, zalo_id: str, text: str, markup: Any, message_id: int | None
    ) -> JSON:
        """Send a text with its choices numbered under it, and remember the choices."""
        found = options_of(markup)
        parts = chunks(reworded(text), TEXT_LIMIT)
        if found:
            block = numbered(found[1])
            if len(parts[-1]) + 2 + len(block) <= TEXT_LIMIT:
                parts[-1] = f"{parts[-1]}\n\n{block}" if parts[-1].strip() else block
            else:
                parts += chunks(block, TEXT_LIMIT)
        for part in parts:
            if part.strip():
                await self._zalo("sendMessage", {"chat_id": zalo_id, "text": part})
        message_id = message_id or self.next_message_id()
        if found:
            kind, options = found
            shown = ShownOptions(message_id, text, kind, options)
            await chats.remember(self._db, self._clock, local, shown)
        elif removes_keyboard(markup):
            current = await chats.recall(self._db, local)
            if current is not None and current.kind is Keyboard.REPLY:
                await chats.forget_shown(self._db, local, current.message_id)
        return self._message(local, message_id, text)

    async def _edit(self, local: int, zalo_id: str, params: JSON, text: str, markup: Any) -> JSON:
        message_id = _message_id(params)
        shown = await chats.recall(self._db, local)
        if shown is not None and shown.message_id == message_id and _same(shown, text, markup):
            return self._message(local, message_id, text)
        if message_id is not None and options_of(markup) is None:
            await chats.forget_shown(self._db, local, message_id)
        return await self._show(local, zalo_id, text, markup, message_id)

    async def _edit_markup(self, local: int, zalo_id: str, params: JSON, markup: Any) -> JSON:
        message_id = _message_id(params)
        shown = await chats.recall(self._db, local)
        text = shown.text if shown is not None and shown.message_id == message_id else ""
        if options_of(markup) is None:
            await chats.forget_shown(self._db, local, message_id)
            return self._message(local, message_id or self.next_message_id(), text)
        if shown is not None and shown.message_id == message_id and _same(shown, text, markup):
            return self._message(local, message_id, text)
        return await self._show(local, zalo_id, "", markup, message_id)

    async def _photo(self, local: int, zalo_id: str, params: JSON) -> JSON:
        photo = params.get("photo")
        caption = str(params.get("caption") or "")
        if not (isinstance(photo, str) and photo.startswith(("https://", "http://"))):
            return await self._show(
                local, zalo_id, _instead_of_file("sendPhoto", params), None, None
            )
        await self._zalo(
            "sendPhoto", {"chat_id": zalo_id, "photo": photo, "caption": caption[:TEXT_LIMIT]}
        )
        message = self._message(local, self.next_message_id(), "")
        size = {"file_id": photo, "file_unique_id": "zalo-sent", "width": 0, "height": 0}
        del message["text"]
        return {**message, "photo": [size], **({"caption": caption} if caption else {})}


def _message_id(params: JSON) -> int | None:
    value = params.get("message_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


_UNAVAILABLE = {"sendPhoto": "zalo.photo_unavailable", "sendVoice": "zalo.voice_unavailable"}


def _instead_of_file(endpoint: str, params: JSON) -> str:
    """What a Zalo chat is told in place of a file or a map point it cannot be sent."""
    if endpoint == "sendLocation":
        return t(
            "zalo.location", latitude=params.get("latitude"), longitude=params.get("longitude")
        )
    note = t(_UNAVAILABLE.get(endpoint, "zalo.document_unavailable"))
    caption = str(params.get("caption") or "")
    return f"{caption}\n\n{note}" if caption else note


class ZaloRoute(PassingRequest):
    """The bot's request object: Zalo chats' calls to the Outlet, every other call unchanged."""

    def __init__(self, inner: BaseRequest, outlet: Outlet) -> None:
        super().__init__(inner)
        self._outlet = outlet

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params: JSON = dict(request_data.parameters) if request_data else {}
        local = local_chat(endpoint, params)
        if local is None:
            return await super().do_request(url, method, request_data, *args, **kwargs)
        status, body = await self._outlet.handle(endpoint, local, params)
        return status, json.dumps(body, ensure_ascii=False).encode()
