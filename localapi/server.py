"""The local Bot API server: Telegram's HTTP interface for one bot, plus the people's side.

Why it exists: the end-to-end tests and the token-free demo drive the real python-telegram-bot
stack (request encoding, answer parsing, the polling loop) without reaching Telegram. The
server answers with the field formats, error texts and HTTP codes the Bot API documents, keeps
everything the bot sent, and lets tests and the web chat act as users.

Why one module of ~450 lines: it mirrors the Bot API's list of methods, one small handler each,
so a reader checks it against Telegram's documentation top to bottom; what is not a method
(files, formatting, messages, people, updates) lives in its own module already.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from aiohttp import web

from localapi import webchat
from localapi.calls import CALLER_PREFIX, Call, split_caller
from localapi.errors import JSON, ApiError, bad, flag, number
from localapi.files import FileStore, UploadedFile
from localapi.formatting import formatted
from localapi.messages import Chats, inline_markup
from localapi.ratelimit import FloodLimit
from localapi.serving import serve
from localapi.updates import UpdateQueue
from localapi.users import People
from localapi.webhooks import WebhookPoster
from localapi.zalo import ZaloApiEmulator

# Form values that are free text: never JSON-decode them, even if they look like JSON.
_TEXT_FIELDS = frozenset(("text", "caption", "first_name", "last_name", "phone_number", "vcard"))
_CHAT_ACTION = re.compile(
    r"typing|choose_sticker|find_location|upload_(photo|document)|(upload|record)_(video|voice|video_note)"
)


async def _read_params(request: web.Request) -> JSON:
    """Accept query string, JSON body, urlencoded and multipart forms, like Telegram."""
    params: JSON = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad("can't parse JSON object") from None
        params.update(body if isinstance(body, dict) else {})
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                params[key] = value.decode() if isinstance(value, bytes | bytearray) else value
    for key, value in params.items():
        # Form encodings carry nested objects (reply_markup, scope, ...) as JSON text.
        if key not in _TEXT_FIELDS and isinstance(value, str) and value[:1] in ("{", "["):
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


class BotApiEmulator:
    """A local api.telegram.org for one bot token, with the people who talk to the bot.

    Users and their private chats come into existence when a user first sends something,
    as on Telegram, where a bot cannot write to a user who never started it; the web chat's
    people exist from the moment they are added.
    """

    def __init__(
        self,
        token: str = "123456789:TEST-emulator-token",  # noqa: S107 - a fake token
        *,
        bot_username: str = "nghe_dan_test_bot",
        bot_first_name: str = "Nghe Dân",
        max_per_second: float | None = None,
    ) -> None:
        bot_id = token.split(":", 1)[0]
        self.token, self.base_url = token, ""
        self.bot_user: JSON = {"id": int(bot_id) if bot_id.isdigit() else 1, "is_bot": True}
        self.bot_user.update(first_name=bot_first_name, username=bot_username)
        self.calls: list[tuple[str, JSON]] = []  # (method as sent, parsed params), in order
        self.call_log: list[Call] = []  # the same calls, with caller, arrival and status
        self.callback_answers: list[JSON] = []
        self.deleted: list[tuple[int, int]] = []  # (chat_id, message_id) the bot deleted
        self.webhook_url = ""
        self.polled = asyncio.Event()  # set by the bot's first getUpdates: it is running
        self.webhook_secret = ""  # what Telegram would send in X-Telegram-Bot-Api-Secret-Token
        self.menu_buttons: dict[int | None, JSON] = {}  # chat_id (None: default) -> button
        self.chats = Chats(self.bot_user)
        self.updates = UpdateQueue()
        self.files = FileStore()
        self.people = People(self.chats, self.updates, self.files)
        self.web_people: list[webchat.Person] = []
        self.zalo: ZaloApiEmulator | None = None  # the Zalo API of the web chat's Zalo panes
        self._flood = FloodLimit(max_per_second)
        self._commands: dict[str, list[JSON]] = {}
        self._blocked: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._address = ("127.0.0.1", 0)
        self._failing: int | None = None  # an HTTP status every request gets, in an outage
        self.poster: WebhookPoster | None = None  # Telegram posting to the webhook, once asked
        self.failed_calls: list[str] = []  # methods answered with that status
        # File downloads wait while this is clear (`hold_downloads`); `download_asked` is set
        # when one arrives, so a test can act (kill the bot) in the middle of a download.
        self._downloads_open = asyncio.Event()
        self._downloads_open.set()
        self.download_asked = asyncio.Event()
        # "_api_send_message" serves "sendMessage": Telegram ignores the case of method names.
        self._methods: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            name[5:].replace("_", ""): getattr(self, name)
            for name in dir(self)
            if name[:5] == "_api_"
        }

    def add_people(self, people: Sequence[webchat.Person]) -> None:
        """The web chat's panes; like users who opened the bot, the bot may write to them."""
        for person in people:
            self.chats.user(int(person.user_id), person.name)
            self.web_people.append(person)

    def add_zalo_people(self, zalo: ZaloApiEmulator, people: Sequence[webchat.Person]) -> None:
        """Zalo panes: users of `zalo` (the Zalo API the bot calls), shown on the same page."""
        self.zalo = zalo
        for person in people:
            zalo.add_user(str(person.user_id), person.name)
            self.web_people.append(person)

    # ----- lifecycle -------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        webchat.add_routes(app, self)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, taken = await serve(app, host, port)
        self._address = (host, taken)
        self.base_url = f"http://{host}:{self._address[1]}"

    async def stop(self) -> None:
        self.updates.close()
        if self.poster is not None:
            await self.poster.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----- HTTP layer ------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        caller, parts = split_caller(request.path.lstrip("/").split("/"))
        if self._failing is not None:  # a proxy's error page, not the Bot API's JSON
            self.failed_calls.append(parts[-1])
            return web.Response(status=self._failing, text=f"<html>{self._failing}</html>")
        if len(parts) >= 3 and parts[:2] == ["file", f"bot{self.token}"]:
            self.download_asked.set()
            await self._downloads_open.wait()
            if stored := self.files.at_path("/".join(parts[2:])):
                return web.Response(body=stored.data)
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        call: Call | None = None
        try:
            if len(parts) != 2 or not parts[0].startswith("bot"):
                raise ApiError(404, "Not Found")
            if parts[0] != f"bot{self.token}":
                raise ApiError(401, "Unauthorized")
            params = await _read_params(request)
            self.calls.append((parts[1], params))
            call = Call(time.monotonic(), caller, parts[1], params)
            self.call_log.append(call)
            if (method := self._methods.get(parts[1].lower())) is None:
                raise ApiError(404, "Not Found")
            self._check_limits(parts[1].lower(), params)
            result = await method(params)
            call.status = 200
        except ApiError as error:
            if call is not None:
                call.status = error.code
            return web.json_response(error.body(), status=error.code)
        return web.json_response({"ok": True, "result": result})

    def _check_limits(self, method: str, params: JSON) -> None:
        if not method.startswith(("send", "edit", "copy", "forward")):
            return
        self._flood.take()
        if str(params.get("chat_id")) in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    # ----- Bot API methods (name without underscores == lower-cased Telegram name) -------
    async def _api_get_me(self, params: JSON) -> JSON:
        flags = "can_read_all_group_messages supports_inline_queries can_connect_to_business"
        return {**self.bot_user, "can_join_groups": True} | dict.fromkeys(flags.split(), False)

    async def _api_get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        self.polled.set()
        return await self.updates.get_updates(params)

    async def _api_set_webhook(self, params: JSON) -> bool:
        self.webhook_url = str(params.get("url") or "")
        self.webhook_secret = str(params.get("secret_token") or "") if self.webhook_url else ""
        if flag(params, "drop_pending_updates"):
            self.updates.pending.clear()
        return True

    async def _api_delete_webhook(self, params: JSON) -> bool:
        return await self._api_set_webhook({**params, "url": ""})

    async def _api_get_webhook_info(self, params: JSON) -> JSON:
        info = {"url": self.webhook_url, "has_custom_certificate": False}
        return {**info, "pending_update_count": len(self.updates.pending)}

    @staticmethod
    def _scope_key(params: JSON) -> str:
        scope = dict(params.get("scope") or {"type": "default"})
        if "chat_id" in scope:  # 42 and "42" name the same chat
            scope["chat_id"] = str(scope["chat_id"])
        return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")

    async def _api_set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("commands is invalid")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command"))):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description") or "")) <= 256:
                raise bad("command description is empty")
        self._commands[self._scope_key(params)] = commands
        return True

    async def _api_get_my_commands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._scope_key(params), []))

    async def _api_delete_my_commands(self, params: JSON) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    async def _api_set_chat_menu_button(self, params: JSON) -> bool:
        chat = number(params, "chat_id", int) if params.get("chat_id") is not None else None
        self.menu_buttons[chat] = params.get("menu_button") or {"type": "default"}
        return True

    async def _api_send_message(self, params: JSON) -> JSON:
        return self.chats.send(params, formatted(params, "text"))

    async def _api_edit_message_text(self, params: JSON) -> JSON | bool:
        content = formatted(params, "text")
        markup = inline_markup(params)

        def changes(message: JSON) -> JSON:
            if "text" not in message:
                raise bad("there is no text in the message to edit")
            # Like Telegram: an edit without reply_markup removes the inline keyboard.
            return {
                "text": content["text"],
                "entities": content.get("entities"),
                "reply_markup": markup,
            }

        return self.chats.edit(params, changes)

    async def _api_edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        markup = inline_markup(params)
        return self.chats.edit(params, lambda message: {"reply_markup": markup})

    async def _api_delete_message(self, params: JSON) -> bool:
        chat_id, message_id = self.chats.chat_id(params), number(params, "message_id", int)
        self.chats.delete(chat_id, message_id)
        self.deleted.append((chat_id, message_id))
        return True

    async def _api_answer_callback_query(self, params: JSON) -> bool:
        query = self.people.open_queries.pop(str(params.get("callback_query_id")), None)
        if query is None:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        answer = {
            "callback_query_id": query["id"],
            "data": query.get("data"),
            "text": params.get("text"),
        }
        self.callback_answers.append(
            {**answer, "show_alert": flag(params, "show_alert"), "url": params.get("url")}
        )
        return True

    async def _api_send_photo(self, params: JSON) -> JSON:
        url = params.get("photo")
        if isinstance(url, str) and url.startswith(("http://", "https://")):
            # Telegram fetches a photo given by URL itself; so does this server, so a photo a
            # Zalo citizen sent (an image URL) reaches the officer as the image it is.
            params = {**params, "photo": await _fetch(url)}
        stored, _ = self.files.resolve(params, "photo", "photo")
        photo = self.files.photo_sizes(stored.data)
        return self.chats.send(params, {"photo": photo, **formatted(params, "caption")})

    async def _api_send_document(self, params: JSON) -> JSON:
        stored, name = self.files.resolve(params, "document", "document")
        upload = params.get("document")
        mime = (
            upload.content_type if isinstance(upload, UploadedFile) else "application/octet-stream"
        )
        document: JSON = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_name": name,
        }
        document.update(mime_type=mime, file_size=len(stored.data))
        return self.chats.send(params, {"document": document, **formatted(params, "caption")})

    async def _api_send_voice(self, params: JSON) -> JSON:
        stored, _ = self.files.resolve(params, "voice", "voice")
        voice: JSON = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
        duration = number(params, "duration", int) if params.get("duration") else 0
        voice.update(duration=duration, mime_type="audio/ogg", file_size=len(stored.data))
        return self.chats.send(params, {"voice": voice, **formatted(params, "caption")})

    async def _api_send_audio(self, params: JSON) -> JSON:
        stored, name = self.files.resolve(params, "audio", "audio")
        audio: JSON = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
        duration = number(params, "duration", int) if params.get("duration") else 0
        audio.update(duration=duration, file_name=name, file_size=len(stored.data))
        return self.chats.send(params, {"audio": audio, **formatted(params, "caption")})

    async def _api_send_location(self, params: JSON) -> JSON:
        lat, lon = number(params, "latitude", float), number(params, "longitude", float)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise bad("wrong latitude or longitude")
        return self.chats.send(params, {"location": {"latitude": lat, "longitude": lon}})

    async def _api_send_contact(self, params: JSON) -> JSON:
        for key in ("phone_number", "first_name"):
            if not params.get(key):
                raise bad(f"{key} is empty")
        fields = ("phone_number", "first_name", "last_name", "vcard")
        contact = {k: str(params[k]) for k in fields if params.get(k)}
        return self.chats.send(params, {"contact": contact})

    async def _api_send_chat_action(self, params: JSON) -> bool:
        self.chats.chat_id(params)
        if not _CHAT_ACTION.fullmatch(str(params.get("action"))):
            raise bad("wrong parameter action in request")
        return True

    async def _api_get_file(self, params: JSON) -> JSON:
        return self.files.described(str(params.get("file_id")))

    def base_url_as(self, caller: str) -> str:
        """The base URL for one of several bot processes: its calls are logged as `caller`'s."""
        return f"{self.base_url}/{CALLER_PREFIX}/{caller}"

    def post_updates(
        self,
        targets: Sequence[str],
        *,
        timeout: float = 10.0,
        retry_after: float = 0.2,
    ) -> WebhookPoster:
        """Post every pending update while a webhook is set, as Telegram does, to `targets` in
        turn: the processes behind a load balancer at the webhook's address. A post that fails
        or outlasts `timeout` is posted again to the next target, `retry_after` seconds later;
        one answered 200 is confirmed."""
        self.poster = WebhookPoster(
            self.updates,
            list(targets),
            secret=lambda: self.webhook_secret if self.webhook_url else None,
            timeout=timeout,
            retry_after=retry_after,
        )
        self.poster.start()
        return self.poster

    # ----- test side: users ------------------------------------------------------------
    def user_sends_text(self, user_id: int, text: str, *, first_name: str | None = None) -> JSON:
        """Queue a text message; a leading "/command" gets its bot_command entity."""
        return self.people.sends_text(user_id, text, first_name=first_name)

    def user_sends_photo(
        self, user_id: int, *, caption: str | None = None, data: bytes | None = None
    ) -> JSON:
        return self.people.sends_photo(user_id, caption=caption, data=data)

    def user_sends_location(self, user_id: int, lat: float, lon: float) -> JSON:
        return self.people.sends_location(user_id, lat, lon)

    def user_sends_contact(
        self, user_id: int, phone: str, first_name: str, *, own: bool = True
    ) -> JSON:
        return self.people.sends_contact(user_id, phone, first_name, own=own)

    def user_sends_sticker(self, user_id: int) -> JSON:
        return self.people.sends_sticker(user_id)

    def user_sends_voice(
        self, user_id: int, *, duration: int = 3, data: bytes | None = None
    ) -> JSON:
        return self.people.sends_voice(user_id, duration=duration, data=data)

    def user_sends_document(
        self, user_id: int, *, file_name: str = "tai-lieu.pdf", data: bytes | None = None
    ) -> JSON:
        return self.people.sends_document(user_id, file_name=file_name, data=data)

    def user_presses(self, user_id: int, message_id: int, callback_data: str) -> JSON:
        return self.people.presses(user_id, message_id, callback_data)

    def user_taps_reply_button(self, user_id: int, text: str) -> JSON:
        """Send a reply-keyboard button's text; the button must be on the chat's keyboard."""
        self.people.reply_button(user_id, text)
        return self.people.sends_text(user_id, text)

    def queue_raw_update(self, kind: str, payload: JSON) -> JSON:
        """Queue an update exactly as given, however malformed: what a newer Bot API, or a
        self-hosted server with its quirks, may send that the bot's library cannot read."""
        return self.updates.add(kind, payload)

    def redeliver(self, update_id: int) -> None:
        """Queue an already delivered update again, once, as Telegram sometimes does."""
        self.updates.redeliver(update_id)

    def fail_with(self, status: int | None) -> None:
        """Answer every request with this HTTP status (502: Telegram, or a proxy in front of
        it, in trouble) until called with None. What users send meanwhile waits, as on
        Telegram, and is delivered afterwards."""
        self._failing = status  # a long poll already open ends as usual; the next one fails

    def hold_downloads(self) -> None:
        """File downloads hang, as over a slow link, until `release_downloads()`."""
        self.download_asked.clear()
        self._downloads_open.clear()

    def release_downloads(self) -> None:
        self._downloads_open.set()

    async def go_offline(self) -> None:
        """Nothing listens any more: every connection is refused until `come_back()`."""
        await self.stop()

    async def come_back(self) -> None:
        """Listen again, on the same address, with everything that happened meanwhile."""
        self.updates.reopen()
        await self.start(*self._address)

    def block_chat(self, chat_id: int) -> None:
        self._blocked.add(str(chat_id))

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(str(chat_id))

    # ----- test side: reading ----------------------------------------------------------
    def messages_to(self, chat_id: int) -> list[JSON]:
        """Bot messages in the chat, in order, as shown now (edits applied, deleted ones gone)."""
        return self.chats.from_bot(chat_id)

    def reply_keyboard_of(self, chat_id: int) -> JSON | None:
        """The ReplyKeyboardMarkup the chat shows; Telegram never returns it in a Message."""
        return copy.deepcopy(self.chats.keyboards.get(chat_id))

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        key = self._scope_key({"scope": scope, "language_code": language_code})
        return copy.deepcopy(self._commands.get(key, []))

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return stored.data

    @property
    def unanswered_callback_queries(self) -> list[str]:
        return list(self.people.open_queries)

    @property
    def pending_update_ids(self) -> list[int]:
        return [int(update["update_id"]) for update in self.updates.pending]

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - plain seconds read best in tests
    ) -> list[JSON]:
        """Wait until the chat holds at least `count` bot messages; returns them all."""
        deadline = time.monotonic() + timeout
        while len(messages := self.messages_to(chat_id)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"wanted {count} messages to {chat_id} in {timeout}s: {messages}"
                )
            await asyncio.sleep(0.01)
        return messages

    async def wait_until_confirmed(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot confirmed every queued update with a getUpdates offset."""
        deadline = time.monotonic() + timeout
        while self.updates.pending:
            if time.monotonic() > deadline:
                raise AssertionError(f"unconfirmed after {timeout}s: {self.pending_update_ids}")
            await asyncio.sleep(0.01)


async def _fetch(url: str) -> UploadedFile:
    """A file given by URL, as Telegram's servers download it; refused as Telegram does."""
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                raise bad("failed to get HTTP URL content")
            data = await response.read()
    except (aiohttp.ClientError, TimeoutError):
        raise bad("failed to get HTTP URL content") from None
    name = url.rsplit("/", 1)[-1] or "photo.jpg"
    return UploadedFile(name, response.headers.get("Content-Type", "image/jpeg"), data)
