"""A local Zalo Bot Platform API for one bot, plus the Zalo users who talk to it.

Why it exists: the bot's Zalo channel is tested end to end through its real HTTP client
against this server, as the Telegram channel is against `localapi.server`. The methods,
field names and formats follow the platform's published documentation: ids are strings,
dates are milliseconds, getUpdates hands out one event per call and answers 408 when its
long poll ends empty, and polling and a webhook exclude each other. Where the documentation
is silent (error descriptions, throttling, webhook retries) the choices are marked as ours.

Why one module of ~400 lines: as localapi.server, it mirrors the platform's list of methods,
one small handler each, to be read against the platform's documentation top to bottom.
"""

from __future__ import annotations

import asyncio
import copy
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.texts import t
from localapi.errors import JSON, ApiError
from localapi.ratelimit import FloodLimit
from localapi.serving import serve
from localapi.zalo.events import EventQueue
from localapi.zalo.media import MediaStore
from localapi.zalo.webhook import WebhookPusher

MAX_TEXT = 2000
DEFAULT_POLL_SECONDS = 30.0
CHAT_ACTIONS = frozenset(("typing", "upload_photo"))


@dataclass(frozen=True)
class ZaloSent:
    """One message the bot sent: text for sendMessage, photo URL and caption for sendPhoto."""

    method: str
    chat_id: str
    text: str
    photo: str
    caption: str
    message_id: str
    date: int  # milliseconds, as the platform reports it


def _now_ms() -> int:
    return int(time.time() * 1000)


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _string(params: JSON, key: str, *, required: bool = True) -> str:
    """Zalo ids and texts are strings; a number where a string belongs is a bot bug."""
    value = params.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _bad(f"{key} must be a string")
    return value


async def _read_params(request: web.Request) -> JSON:
    """The platform takes a JSON object body; query parameters are accepted too."""
    params: JSON = dict(request.query)
    if request.can_read_body:
        try:
            body = await request.json(loads=json.loads)
        except ValueError:
            raise _bad("the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise _bad("the body must be a JSON object")
        params.update(body)
    return params


class ZaloApiEmulator:
    """bot-api.zaloplatforms.com for one bot token, with the users who write to it.

    A user's private chat has the user's id as its id, and exists once the user has written:
    the bot cannot start a conversation, so sending to an unknown chat fails.
    """

    def __init__(
        self,
        token: str = "123:zalo-test",  # noqa: S107 - a fake token
        *,
        account_name: str = "bot.nghedan",
        display_name: str = "Nghe Dân",
    ) -> None:
        self.token, self.base_url = token, ""
        self.bot: JSON = {
            "id": token.split(":", 1)[0],
            "account_name": account_name,
            "account_type": "BASIC",
            "can_join_groups": False,
            "display_name": display_name,
        }
        self.calls: list[tuple[str, JSON]] = []  # (method, params) in order, even refused ones
        self.chat_actions: list[tuple[str, str]] = []  # (chat_id, action)
        self.polled = asyncio.Event()  # set by the bot's first getUpdates: it is running
        self.events = EventQueue()
        self.webhook = WebhookPusher(self.events)
        self.webhook_updated_at = 0
        self.media = MediaStore()
        self.users: dict[str, str] = {}  # user id -> display name, once they wrote
        self._sent: list[ZaloSent] = []
        self._shown: list[JSON] = []  # both sides of every chat, in order, for the web chat
        self._watchers: set[asyncio.Queue[str]] = set()
        self._returned: set[str] = set()  # message ids wait_for already returned
        self._new_message = asyncio.Event()
        self._flood = FloodLimit(None)
        self._failing: int | None = None
        self._runner: web.AppRunner | None = None
        self._address = ("127.0.0.1", 0)
        self._methods: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }

    # ----- lifecycle -------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, taken = await serve(app, host, port)
        self._address = (host, taken)
        self.base_url = f"http://{host}:{self._address[1]}"
        self.events.reopen()
        if self.webhook.url:  # back after go_offline(): keep pushing
            await self.webhook.point_at(self.webhook.url, self.webhook.secret)

    async def stop(self) -> None:
        await self.webhook.stop()
        self.events.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> ZaloApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----- HTTP layer ------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = request.path.lstrip("/").split("/")
        if self._failing is not None:  # a proxy's error page, not the platform's JSON
            return web.Response(status=self._failing, text=f"<html>{self._failing}</html>")
        if len(parts) == 2 and parts[0] == "media":
            if (data := self.media.get(parts[1])) is not None:
                return web.Response(body=data, content_type="image/jpeg")
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        try:
            if len(parts) != 2 or not parts[0].startswith("bot"):
                raise ApiError(404, "Not Found")
            if parts[0] != f"bot{self.token}":
                raise ApiError(401, "Unauthorized")
            params = await _read_params(request)
            self.calls.append((parts[1], params))
            if (method := self._methods.get(parts[1])) is None:
                raise ApiError(404, "Not Found")
            if parts[1].startswith("send"):
                self._take_send_allowance()
            result = await method(params)
        except ApiError as error:
            return web.json_response(error.body(), status=error.code)
        return web.json_response({"ok": True, "result": result})

    def _take_send_allowance(self) -> None:
        try:
            self._flood.take()
        except ApiError as error:
            raise ApiError(429, "Too Many Requests", error.parameters) from None

    # ----- platform methods ------------------------------------------------------------
    async def _get_me(self, params: JSON) -> JSON:
        return dict(self.bot)

    async def _get_updates(self, params: JSON) -> JSON:
        if self.webhook.url:
            raise ApiError(409, "Conflict: getUpdates is not available while a webhook is set")
        raw = params.get("timeout", DEFAULT_POLL_SECONDS)
        try:
            timeout = max(float(raw), 0.0)
        except (TypeError, ValueError):
            raise _bad("timeout must be a number of seconds") from None
        self.polled.set()
        if (event := await self.events.take(timeout)) is None:
            raise ApiError(408, "Request Timeout")
        return event

    def _webhook_info(self) -> JSON:
        return {"url": self.webhook.url, "updated_at": self.webhook_updated_at}

    async def _set_webhook(self, params: JSON) -> JSON:
        url, secret = _string(params, "url"), _string(params, "secret_token")
        if not url.startswith(("http://", "https://")):
            raise _bad("url must be an http(s) URL")
        if not 8 <= len(secret) <= 256:
            raise _bad("secret_token must be 8 to 256 characters")
        await self.webhook.point_at(url, secret)
        self.webhook_updated_at = _now_ms()
        return self._webhook_info()

    async def _delete_webhook(self, params: JSON) -> JSON:
        await self.webhook.point_at("", "")
        self.webhook_updated_at = _now_ms()
        return self._webhook_info()

    async def _get_webhook_info(self, params: JSON) -> JSON:
        return self._webhook_info()

    def _chat(self, params: JSON) -> str:
        chat_id = _string(params, "chat_id")
        if chat_id not in self.users:
            raise _bad("chat not found")
        return chat_id

    def _record(self, method: str, chat_id: str, **content: str) -> JSON:
        sent = ZaloSent(
            method=method,
            chat_id=chat_id,
            text=content.get("text", ""),
            photo=content.get("photo", ""),
            caption=content.get("caption", ""),
            message_id=secrets.token_hex(16),
            date=_now_ms(),
        )
        self._sent.append(sent)
        self._new_message.set()
        kind = "image" if method == "sendPhoto" else "text"
        shown = {"mine": False, "kind": kind, "message_id": sent.message_id, "date": sent.date}
        self._show(chat_id, {**shown, **content})
        return {"message_id": sent.message_id, "date": sent.date}

    async def _send_message(self, params: JSON) -> JSON:
        chat_id, text = self._chat(params), _string(params, "text")
        if not 1 <= len(text) <= MAX_TEXT:
            raise _bad(f"text must be 1 to {MAX_TEXT} characters")
        return self._record("sendMessage", chat_id, text=text)

    async def _send_photo(self, params: JSON) -> JSON:
        chat_id, photo = self._chat(params), _string(params, "photo")
        caption = _string(params, "caption", required=False)
        if not photo.startswith(("http://", "https://")):
            raise _bad("photo must be an image URL")
        if len(caption) > MAX_TEXT:
            raise _bad(f"caption must be at most {MAX_TEXT} characters")
        return self._record("sendPhoto", chat_id, photo=photo, caption=caption)

    async def _send_chat_action(self, params: JSON) -> bool:
        chat_id, action = self._chat(params), _string(params, "action")
        if action not in CHAT_ACTIONS:
            raise _bad(f"action must be one of {', '.join(sorted(CHAT_ACTIONS))}")
        self.chat_actions.append((chat_id, action))
        return True

    # ----- test side: users ------------------------------------------------------------
    def _user_event(self, kind: str, user_id: str, content: JSON, display_name: str = "") -> str:
        """`display_name` empty: the name the user had, or a generic one for a newcomer."""
        if not isinstance(user_id, str):
            raise TypeError(f"Zalo user ids are strings, got {user_id!r}")
        known = self.users.get(user_id) or t("demo.zalo_user_name")
        name = self.users[user_id] = display_name or known
        message_id = secrets.token_hex(16)
        message: JSON = {
            "message_id": message_id,
            "from": {"id": user_id, "display_name": name, "is_bot": False},
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "date": _now_ms(),
            **content,
        }
        self.events.add({"event_name": f"message.{kind}.received", "message": message})
        shown = {"mine": True, "kind": kind, "message_id": message_id, "date": message["date"]}
        self._show(user_id, {**shown, **content})
        return message_id

    def user_sends_text(self, user_id: str, text: str, *, display_name: str = "") -> str:
        return self._user_event("text", user_id, {"text": text}, display_name)

    def user_sends_image(
        self, user_id: str, image: bytes | None = None, *, caption: str = "", once: bool = False
    ) -> str:
        """The image is served at `{base_url}/media/<name>.jpg` (only once with `once`); the
        event carries that URL."""
        content: JSON = {"photo": f"{self.base_url}/media/{self.media.add(image, once=once)}"}
        return self._user_event(
            "image", user_id, {**content, "caption": caption} if caption else content
        )

    def user_sends_sticker(self, user_id: str) -> str:
        return self._user_event("sticker", user_id, {"sticker": secrets.token_hex(12)})

    def user_sends_unsupported(self, user_id: str) -> str:
        """A voice note, file or location: Zalo tells the bot only that something came."""
        return self._user_event("unsupported", user_id, {})

    def queue_raw_event(self, event: JSON) -> None:
        """Queue an event exactly as given, however malformed (never redelivered)."""
        self.events.put(event)

    def redeliver_last(self, user_id: str) -> str:
        """Queue the user's last event again, same message_id, as a platform retry would."""
        for event in reversed(self.events.history):
            if event["message"]["from"]["id"] == user_id:
                self.events.put(event)
                return str(event["message"]["message_id"])
        raise LookupError(f"{user_id} never sent anything")

    def add_user(self, user_id: str, display_name: str) -> None:
        """A user who has opened the chat with the bot, so the bot may write to them."""
        self.users[user_id] = display_name

    # ----- test side: the platform -----------------------------------------------------
    def limit_per_second(self, n: float | None) -> None:
        """Beyond n sends a second, answer 429 with `parameters.retry_after` (None: no limit).

        The real platform's throttling answer is not documented; this one copies Telegram's.
        """
        self._flood = FloodLimit(n)

    def fail_with(self, status: int | None) -> None:
        """Answer every request with this HTTP status until called with None."""
        self._failing = status

    async def go_offline(self) -> None:
        """Nothing listens any more: every connection is refused until `come_back()`."""
        await self.stop()

    async def come_back(self) -> None:
        """Listen again, on the same address, with everything that happened meanwhile."""
        await self.start(*self._address)

    # ----- the web chat: both sides of a chat, and which chats change -------------------
    def _show(self, chat_id: str, message: JSON) -> None:
        self._shown.append({"chat_id": chat_id, **message})
        for queue in self._watchers:
            queue.put_nowait(chat_id)

    def conversation(self, chat_id: str) -> list[JSON]:
        """The chat as the user's phone shows it: each message with `mine`, `kind` ("text",
        "image", "sticker", "unsupported"), `message_id`, `date`, and what it holds (`text`,
        `photo` URL, `caption`, `sticker` id)."""
        return [
            {k: v for k, v in message.items() if k != "chat_id"}
            for message in self._shown
            if message["chat_id"] == chat_id
        ]

    def watch(self) -> asyncio.Queue[str]:
        """A queue that receives the id of each chat that changes from now on."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        self._watchers.add(queue)
        return queue

    def unwatch(self, queue: asyncio.Queue[str]) -> None:
        self._watchers.discard(queue)

    # ----- test side: reading ----------------------------------------------------------
    @property
    def webhook_url(self) -> str:
        return self.webhook.url

    @property
    def deliveries_failed(self) -> list[JSON]:
        """Events the webhook gave up on after every retry."""
        return copy.deepcopy(self.webhook.failed)

    @property
    def pending(self) -> list[JSON]:
        """Events not yet handed to the bot."""
        return copy.deepcopy(list(self.events.pending))

    def sent(self) -> list[ZaloSent]:
        return list(self._sent)

    def sent_to(self, chat_id: str) -> list[ZaloSent]:
        return [sent for sent in self._sent if sent.chat_id == chat_id]

    async def wait_for(
        self,
        chat_id: str,
        contains: str,
        timeout: float = 15,  # noqa: ASYNC109 - plain seconds read best in tests
    ) -> ZaloSent:
        """The first message to chat_id whose text or caption contains `contains` and that no
        earlier wait_for returned; so waiting twice for the same words finds the next one."""
        deadline = time.monotonic() + timeout
        while True:
            for sent in self.sent_to(chat_id):
                if sent.message_id not in self._returned and contains in sent.text + sent.caption:
                    self._returned.add(sent.message_id)
                    return sent
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                texts = [s.text or s.caption for s in self.sent_to(chat_id)]
                raise AssertionError(f"no message to {chat_id} with {contains!r}: {texts}")
            self._new_message.clear()
            try:
                await asyncio.wait_for(self._new_message.wait(), remaining)
            except TimeoutError:
                continue
