"""In-process emulator of the Telegram Bot API for end-to-end tests.

Why it exists: end-to-end tests must drive the real python-telegram-bot stack (request
encoding, answer parsing, the polling loop) without reaching Telegram. The emulator answers
with the field formats, error texts and HTTP codes the Bot API documents, keeps everything
the bot sent so tests can assert on it, and lets tests act as users by queuing updates.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html.parser
import itertools
import json
import math
import re
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

JSON = dict[str, Any]
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
# Form values that are free text: never JSON-decode them, even if they look like JSON.
_TEXT_FIELDS = frozenset(("text", "caption", "first_name", "last_name", "phone_number", "vcard"))
_CHAT_ACTION = re.compile(
    r"typing|choose_sticker|find_location|upload_(photo|document)|(upload|record)_(video|voice|video_note)"
)
# fmt: off
_HTML_TAGS = {  # tag -> MessageEntity type, as listed under "HTML style" in the Bot API docs
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "code": "code", "pre": "pre", "a": "text_link", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
# fmt: on
# kind -> (file_id prefix, folder in file_path, extension)
_FILE_KINDS = {
    "photo": ("AgAC", "photos", "jpg"),
    "document": ("BQAC", "documents", "pdf"),
    "voice": ("AwAC", "voice", "oga"),
    "sticker": ("CAAC", "stickers", "webp"),
}


class ApiError(Exception):
    """An API failure; the HTTP layer turns it into Telegram's error JSON shape."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class UploadedFile:
    """A multipart file part, kept as-is in `calls` so tests can inspect uploads."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class _StoredFile:
    file_id: str
    unique_id: str
    kind: str  # Telegram refuses to reuse a file_id as another kind of media
    path: str
    data: bytes


def _utf16_len(text: str) -> int:
    """Telegram counts entity offsets in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def _num(
    params: JSON, key: str, kind: type[int] | type[float], default: float | None = None
) -> Any:
    """Form encodings send numbers as strings; Telegram coerces them, so do we."""
    value = params.get(key, default)
    if value is None or value == "":
        raise _bad(f"{key} is empty")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise _bad(f"invalid {key} specified") from None


def _bool(params: JSON, key: str) -> bool:
    value = params.get(key, False)
    return value.lower() in ("true", "1") if isinstance(value, str) else bool(value)


class _TelegramHtml(html.parser.HTMLParser):
    """parse_mode=HTML the strict way Telegram does it.

    Why: a bot that forgets to escape user input gets "can't parse entities" from Telegram;
    the emulator must fail the same way instead of hiding the bug.
    """

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.entities, self._open = "", list[JSON](), list[tuple[str, int, JSON]]()
        if match := re.search(r"<(?!/?[a-zA-Z])", source):
            raise _bad(f"can't parse entities: Unsupported start tag at offset {match.start()}")
        self.feed(source)
        self.close()
        if self._open:
            raise _bad(f"can't parse entities: Can't find end tag for \"{self._open[-1][0]}\"")
        self.entities.sort(key=lambda entity: int(entity["offset"]))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise _bad(f'can\'t parse entities: Unsupported start tag "{tag}"')
        entity: JSON = {"type": _HTML_TAGS[tag]}
        if tag == "a":
            entity["url"] = dict(attrs).get("href") or ""
        self._open.append((tag, _utf16_len(self.text), entity))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1][0] != tag:
            raise _bad(f'can\'t parse entities: Unexpected end tag "{tag}"')
        _, start, entity = self._open.pop()
        if length := _utf16_len(self.text) - start:
            self.entities.append({**entity, "offset": start, "length": length})

    def handle_data(self, data: str) -> None:
        self.text += data


class BotApiEmulator:
    """A fake api.telegram.org for one bot token, plus a test-side API that plays the users.

    Users and their private chats come into existence when a user first sends something,
    as on Telegram, where a bot cannot write to a user who never started it.
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
        self.token, self.max_per_second, self.base_url = token, max_per_second, ""
        self.bot_user: JSON = {"id": int(bot_id) if bot_id.isdigit() else 1, "is_bot": True}
        self.bot_user.update(first_name=bot_first_name, username=bot_username)
        self.calls: list[tuple[str, JSON]] = []  # (method as sent, parsed params), in order
        self.callback_answers: list[JSON] = []
        self.deleted: list[tuple[int, int]] = []  # (chat_id, message_id) the bot deleted
        self.webhook_url = ""
        self.menu_buttons: dict[int | None, JSON] = {}  # chat_id (None: default) -> button
        self._commands: dict[str, list[JSON]] = {}
        self._pending: list[JSON] = []  # queued updates, not yet confirmed by an offset
        self._history: dict[int, JSON] = {}  # every update ever queued, for redeliver()
        self._forced: set[int] = set()  # redelivered ids: survive one offset until delivered
        self._allowed_updates: list[str] = []
        self._update_ids = itertools.count(800_000_001)
        self._query_ids = itertools.count(4_400_000_000_000_000_001)
        self._users: dict[int, JSON] = {}
        self._messages: dict[int, list[JSON]] = {}  # chat_id -> user and bot messages
        self._last_message_id: dict[int, int] = {}
        self._keyboards: dict[int, JSON | None] = {}
        self._open_queries: dict[str, JSON] = {}
        self._files: dict[str, _StoredFile] = {}
        self._paths: dict[str, _StoredFile] = {}
        self._blocked: set[str] = set()
        self._tokens, self._tokens_at = max(1.0, max_per_second or 1.0), time.monotonic()
        self._new_update = asyncio.Event()
        self._poll_generation = 0
        self._closing = False
        self._runner: web.AppRunner | None = None
        # "_api_send_message" serves "sendMessage": Telegram ignores the case of method names.
        self._methods: dict[str, Callable[[JSON], Awaitable[Any]]] = {
            name[5:].replace("_", ""): getattr(self, name)
            for name in dir(self)
            if name[:5] == "_api_"
        }

    # ----- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a long poll whose client went away must not linger.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()  # let hanging long polls answer now instead of at their timeout
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ----- HTTP layer ------------------------------------------------------------------
    @staticmethod
    def _error(error: ApiError) -> web.Response:
        body: JSON = {"ok": False, "error_code": error.code, "description": error.description}
        if error.parameters:
            body["parameters"] = error.parameters
        return web.json_response(body, status=error.code)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = request.path.lstrip("/").split("/")
        if len(parts) >= 3 and parts[:2] == ["file", f"bot{self.token}"]:
            if stored := self._paths.get("/".join(parts[2:])):
                return web.Response(body=stored.data)
            return self._error(ApiError(404, "Not Found"))
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return self._error(ApiError(404, "Not Found"))
        if parts[0] != f"bot{self.token}":
            return self._error(ApiError(401, "Unauthorized"))
        try:
            params = await self._read_params(request)
            self.calls.append((parts[1], params))
            if (method := self._methods.get(parts[1].lower())) is None:
                raise ApiError(404, "Not Found")
            self._check_limits(parts[1].lower(), params)
            result = await method(params)
        except ApiError as error:
            return self._error(error)
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> JSON:
        """Accept query string, JSON body, urlencoded and multipart forms, like Telegram."""
        params: JSON = dict(request.query)
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad("can't parse JSON object") from None
            params.update(body if isinstance(body, dict) else {})
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    params[key] = UploadedFile(
                        value.filename, value.content_type, value.file.read()
                    )
                else:
                    params[key] = value.decode() if isinstance(value, bytes | bytearray) else value
        for key, value in params.items():
            # Form encodings carry nested objects (reply_markup, scope, ...) as JSON text.
            if key not in _TEXT_FIELDS and isinstance(value, str) and value[:1] in ("{", "["):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(value)
        return params

    def _check_limits(self, method: str, params: JSON) -> None:
        if not method.startswith(("send", "edit", "copy", "forward")):
            return
        if rate := self.max_per_second:  # token bucket: bursts up to one second's worth
            now = time.monotonic()
            self._tokens = min(max(1.0, rate), self._tokens + (now - self._tokens_at) * rate)
            self._tokens_at = now
            if self._tokens < 1:
                wait = max(1, math.ceil((1 - self._tokens) / rate))
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            self._tokens -= 1
        if str(params.get("chat_id")) in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    # ----- shared helpers --------------------------------------------------------------
    def _chat_id(self, params: JSON) -> int:
        if params.get("chat_id") in (None, ""):
            raise _bad("chat_id is empty")
        chat_id = str(params["chat_id"])
        if not chat_id.lstrip("-").isdigit() or int(chat_id) not in self._users:
            raise _bad("chat not found")
        return int(chat_id)

    def _find(self, chat_id: int, message_id: int) -> JSON | None:
        return next(
            (m for m in self._messages.get(chat_id, []) if m["message_id"] == message_id), None
        )

    def _new_message(self, chat_id: int, sender: JSON, content: JSON) -> JSON:
        message_id = self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        user = self._users[chat_id]
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        chat.update({key: user[key] for key in ("last_name", "username") if key in user})
        message = {"message_id": message_id, "from": copy.deepcopy(sender), "chat": chat}
        message.update(date=int(time.time()), **content)
        self._messages.setdefault(chat_id, []).append(message)
        return message

    def _format(self, params: JSON, field: str) -> JSON:
        """Apply parse_mode to "text" or "caption"; returns the message fields to store."""
        entities_key = "entities" if field == "text" else "caption_entities"
        text, entities = str(params.get(field) or ""), params.get(entities_key) or []
        mode = str(params.get("parse_mode") or "").lower()
        if mode not in ("", "html", "markdown", "markdownv2"):
            raise _bad("unsupported parse_mode")
        if mode == "html":  # Markdown modes are stored verbatim, without validation
            parsed = _TelegramHtml(text)
            text, entities = parsed.text, parsed.entities
        if not text.strip():
            if field == "text":
                raise _bad("message text is empty")
            return {}
        if len(text) > (4096 if field == "text" else 1024):
            raise _bad("message is too long" if field == "text" else "message caption is too long")
        return {field: text, entities_key: entities} if entities else {field: text}

    @staticmethod
    def _inline_markup(params: JSON) -> JSON | None:
        markup: JSON | None = params.get("reply_markup")
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if markup is not None and (
            not isinstance(rows, list) or not all(isinstance(r, list) for r in rows)
        ):
            raise _bad("can't parse inline keyboard markup JSON object")
        for button in (button for row in rows or [] for button in row):
            if not isinstance(button, dict) or not button.get("text"):
                raise _bad("can't parse inline keyboard button: Text is empty")
            if set(button) <= {"text"}:
                raise _bad("can't parse inline keyboard button: Text buttons are unallowed")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise _bad("BUTTON_DATA_INVALID")
        return markup

    def _send(self, params: JSON, content: JSON) -> JSON:
        """Store a bot message; reply keyboards are kept per chat, as Telegram never echoes them."""
        chat_id, markup = self._chat_id(params), params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            content["reply_markup"] = self._inline_markup(params)
        elif isinstance(markup, dict) and isinstance(markup.get("keyboard"), list):
            buttons = [
                b.get("text") if isinstance(b, dict) else b
                for row in markup["keyboard"]
                for b in row
            ]
            if not buttons or not all(buttons):
                raise _bad("can't parse keyboard button: Text is empty")
            self._keyboards[chat_id] = markup
        elif isinstance(markup, dict) and markup.get("remove_keyboard"):
            self._keyboards[chat_id] = None
        elif markup is not None and not (isinstance(markup, dict) and markup.get("force_reply")):
            raise _bad("can't parse reply keyboard markup JSON object")
        return copy.deepcopy(self._new_message(chat_id, self.bot_user, content))

    def _store(self, kind: str, data: bytes, ext: str | None = None) -> _StoredFile:
        prefix, folder, default_ext = _FILE_KINDS[kind]
        path = f"{folder}/file_{len(self._files)}.{ext or default_ext}"
        file_id = f"{prefix}AgIAAxkBAAI{secrets.token_urlsafe(33)}"
        stored = _StoredFile(file_id, f"AQAD{secrets.token_urlsafe(12)}", kind, path, data)
        self._files[file_id] = self._paths[path] = stored
        return stored

    def _input_file(self, params: JSON, field: str, kind: str) -> tuple[_StoredFile, str]:
        """Resolve a file_id, URL or upload; returns the stored file and its file name."""
        value = params.get(field)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
        if isinstance(value, UploadedFile):
            ext = value.filename.rsplit(".", 1)[-1] if "." in value.filename else None
            return self._store(kind, value.data, ext), value.filename
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return self._store(kind, b""), value.rsplit("/", 1)[-1] or "file"
        if not value:
            raise _bad(f"there is no {field} in the request")
        if (stored := self._files.get(str(value))) is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise _bad("type of file mismatch")
        return stored, stored.path.rsplit("/", 1)[-1]

    def _photo_sizes(self, data: bytes) -> list[JSON]:
        """Telegram answers a photo with several sizes, smallest first, each its own file."""
        sizes = []
        for width in (90, 320, 800):
            stored = self._store("photo", data)
            size = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
            sizes.append({**size, "file_size": len(data), "width": width, "height": width * 3 // 4})
        return sizes

    def _edit(self, params: JSON, changes: Callable[[JSON], JSON]) -> JSON | bool:
        """Edit a bot message: true for inline messages, else the edited Message."""
        if params.get("inline_message_id"):
            return True
        message = self._find(self._chat_id(params), _num(params, "message_id", int))
        if message is None:
            raise _bad("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise _bad("message can't be edited")
        new = changes(message)
        if all(message.get(key) == (value or None) for key, value in new.items()):
            raise _bad(_NOT_MODIFIED)
        for key, value in new.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    # ----- Bot API methods (name without underscores == lower-cased Telegram name) -------
    async def _api_get_me(self, params: JSON) -> JSON:
        flags = "can_read_all_group_messages supports_inline_queries can_connect_to_business"
        return {**self.bot_user, "can_join_groups": True} | dict.fromkeys(flags.split(), False)

    async def _api_get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        self._poll_generation += 1
        generation = self._poll_generation
        self._new_update.set()  # an older long poll must now answer 409, like on Telegram
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(params["allowed_updates"])
        if params.get("offset") is not None:
            offset = _num(params, "offset", int)
            if offset < 0:  # "-N": keep only the last N updates, forget all earlier ones
                self._pending = self._pending[offset:]
            else:  # an offset confirms every update with a smaller id
                keep = [
                    u
                    for u in self._pending
                    if u["update_id"] >= offset or u["update_id"] in self._forced
                ]
                self._pending = keep
        limit = min(max(_num(params, "limit", int, 100), 1), 100)
        deadline = time.monotonic() + max(_num(params, "timeout", float, 0), 0.0)
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _POLL_CONFLICT)
            if self._allowed_updates:  # Telegram never delivers types the bot opted out of
                self._pending = [u for u in self._pending if set(u) & set(self._allowed_updates)]
            batch, remaining = self._pending[:limit], deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                break
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)
        self._forced.difference_update(u["update_id"] for u in batch)
        return copy.deepcopy(batch)

    async def _api_set_webhook(self, params: JSON) -> bool:
        self.webhook_url = str(params.get("url") or "")
        if _bool(params, "drop_pending_updates"):
            self._pending.clear()
        return True

    async def _api_delete_webhook(self, params: JSON) -> bool:
        return await self._api_set_webhook({**params, "url": ""})

    async def _api_get_webhook_info(self, params: JSON) -> JSON:
        info = {"url": self.webhook_url, "has_custom_certificate": False}
        return {**info, "pending_update_count": len(self._pending)}

    @staticmethod
    def _scope_key(params: JSON) -> str:
        scope = dict(params.get("scope") or {"type": "default"})
        if "chat_id" in scope:  # 42 and "42" name the same chat
            scope["chat_id"] = str(scope["chat_id"])
        return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")

    async def _api_set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands is invalid")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command"))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description") or "")) <= 256:
                raise _bad("command description is empty")
        self._commands[self._scope_key(params)] = commands
        return True

    async def _api_get_my_commands(self, params: JSON) -> list[JSON]:
        return copy.deepcopy(self._commands.get(self._scope_key(params), []))

    async def _api_delete_my_commands(self, params: JSON) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    async def _api_set_chat_menu_button(self, params: JSON) -> bool:
        chat = _num(params, "chat_id", int) if params.get("chat_id") is not None else None
        self.menu_buttons[chat] = params.get("menu_button") or {"type": "default"}
        return True

    async def _api_send_message(self, params: JSON) -> JSON:
        return self._send(params, self._format(params, "text"))

    async def _api_edit_message_text(self, params: JSON) -> JSON | bool:
        content = self._format(params, "text")
        markup = self._inline_markup(params)

        def changes(message: JSON) -> JSON:
            if "text" not in message:
                raise _bad("there is no text in the message to edit")
            # Like Telegram: an edit without reply_markup removes the inline keyboard.
            return {
                "text": content["text"],
                "entities": content.get("entities"),
                "reply_markup": markup,
            }

        return self._edit(params, changes)

    async def _api_edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        markup = self._inline_markup(params)
        return self._edit(params, lambda message: {"reply_markup": markup})

    async def _api_delete_message(self, params: JSON) -> bool:
        chat_id, message_id = self._chat_id(params), _num(params, "message_id", int)
        if (message := self._find(chat_id, message_id)) is None:
            raise _bad("message to delete not found")
        self._messages[chat_id].remove(message)
        self.deleted.append((chat_id, message_id))
        return True

    async def _api_answer_callback_query(self, params: JSON) -> bool:
        query = self._open_queries.pop(str(params.get("callback_query_id")), None)
        if query is None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        answer = {
            "callback_query_id": query["id"],
            "data": query.get("data"),
            "text": params.get("text"),
        }
        self.callback_answers.append(
            {**answer, "show_alert": _bool(params, "show_alert"), "url": params.get("url")}
        )
        return True

    async def _api_send_photo(self, params: JSON) -> JSON:
        stored, _ = self._input_file(params, "photo", "photo")
        return self._send(
            params, {"photo": self._photo_sizes(stored.data), **self._format(params, "caption")}
        )

    async def _api_send_document(self, params: JSON) -> JSON:
        stored, name = self._input_file(params, "document", "document")
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
        return self._send(params, {"document": document, **self._format(params, "caption")})

    async def _api_send_location(self, params: JSON) -> JSON:
        lat, lon = _num(params, "latitude", float), _num(params, "longitude", float)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise _bad("wrong latitude or longitude")
        return self._send(params, {"location": {"latitude": lat, "longitude": lon}})

    async def _api_send_contact(self, params: JSON) -> JSON:
        for key in ("phone_number", "first_name"):
            if not params.get(key):
                raise _bad(f"{key} is empty")
        fields = ("phone_number", "first_name", "last_name", "vcard")
        return self._send(params, {"contact": {k: str(params[k]) for k in fields if params.get(k)}})

    async def _api_send_chat_action(self, params: JSON) -> bool:
        self._chat_id(params)
        if not _CHAT_ACTION.fullmatch(str(params.get("action"))):
            raise _bad("wrong parameter action in request")
        return True

    async def _api_get_file(self, params: JSON) -> JSON:
        if (stored := self._files.get(str(params.get("file_id")))) is None:
            raise _bad("invalid file_id")
        file = {"file_id": stored.file_id, "file_unique_id": stored.unique_id}
        return {**file, "file_size": len(stored.data), "file_path": stored.path}

    # ----- test side: users ------------------------------------------------------------
    def _enqueue(self, kind: str, payload: JSON) -> JSON:
        update: JSON = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self._history[update["update_id"]] = update
        self._pending.append(update)
        self._new_update.set()
        return copy.deepcopy(update)

    def _user_message(self, user_id: int, content: JSON, first_name: str | None = None) -> JSON:
        new_user = {"id": user_id, "is_bot": False, "first_name": "Dân", "language_code": "vi"}
        user = self._users.setdefault(user_id, new_user)
        user["first_name"] = first_name or user["first_name"]
        return self._enqueue("message", self._new_message(user_id, user, content))

    def _user_file(self, kind: str, data: bytes | None) -> JSON:
        stored = self._store(kind, secrets.token_bytes(64) if data is None else data)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
        }

    def user_sends_text(self, user_id: int, text: str, *, first_name: str | None = None) -> JSON:
        """Queue a text message; a leading "/command" gets its bot_command entity."""
        content: JSON = {"text": text}
        if text.startswith("/"):
            command_length = _utf16_len(text.split(maxsplit=1)[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": command_length}]
        return self._user_message(user_id, content, first_name)

    def user_sends_photo(
        self, user_id: int, *, caption: str | None = None, data: bytes | None = None
    ) -> JSON:
        jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + secrets.token_bytes(64) + b"\xff\xd9"
        content: JSON = {"photo": self._photo_sizes(jpeg if data is None else data)}
        return self._user_message(user_id, {**content, "caption": caption} if caption else content)

    def user_sends_location(self, user_id: int, lat: float, lon: float) -> JSON:
        return self._user_message(user_id, {"location": {"latitude": lat, "longitude": lon}})

    def user_sends_contact(
        self, user_id: int, phone: str, first_name: str, *, own: bool = True
    ) -> JSON:
        """own=True mimics the request_contact button: the contact carries the sender's id."""
        contact: JSON = {"phone_number": phone, "first_name": first_name}
        return self._user_message(
            user_id, {"contact": {**contact, "user_id": user_id} if own else contact}
        )

    def user_sends_sticker(self, user_id: int) -> JSON:
        sticker = {
            **self._user_file("sticker", None),
            "type": "regular",
            "width": 512,
            "height": 512,
        }
        sticker.update(is_animated=False, is_video=False, emoji="👍")
        return self._user_message(user_id, {"sticker": sticker})

    def user_sends_voice(
        self, user_id: int, *, duration: int = 3, data: bytes | None = None
    ) -> JSON:
        voice = {**self._user_file("voice", data), "duration": duration, "mime_type": "audio/ogg"}
        return self._user_message(user_id, {"voice": voice})

    def user_sends_document(
        self, user_id: int, *, file_name: str = "tai-lieu.pdf", data: bytes | None = None
    ) -> JSON:
        document = {**self._user_file("document", data), "file_name": file_name}
        return self._user_message(
            user_id, {"document": {**document, "mime_type": "application/pdf"}}
        )

    def user_presses(self, user_id: int, message_id: int, callback_data: str) -> JSON:
        """Queue a callback_query; the button must be on the message, as for a real user."""
        message = self._find(user_id, message_id)
        if message is None or message["from"]["id"] != self.bot_user["id"]:
            raise AssertionError(f"no bot message {message_id} in chat {user_id}")
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        if callback_data not in (datas := [b.get("callback_data") for row in rows for b in row]):
            raise AssertionError(f"message {message_id} has no button {callback_data!r}: {datas}")
        query: JSON = {
            "id": str(next(self._query_ids)),
            "from": copy.deepcopy(self._users[user_id]),
        }
        # chat_instance is an opaque per-chat string, stable across queries, as on Telegram.
        query.update(message=copy.deepcopy(message), chat_instance=str(-(7 * 10**18 + user_id)))
        self._open_queries[query["id"]] = {**query, "data": callback_data}
        return self._enqueue("callback_query", {**query, "data": callback_data})

    def user_taps_reply_button(self, user_id: int, text: str) -> JSON:
        """Send a reply-keyboard button's text; the button must be on the chat's keyboard."""
        rows = (self._keyboards.get(user_id) or {}).get("keyboard", [])
        labels = [b.get("text") if isinstance(b, dict) else b for row in rows for b in row]
        if text not in labels:
            raise AssertionError(f"chat {user_id} shows no reply button {text!r}: {labels}")
        return self.user_sends_text(user_id, text)

    def redeliver(self, update_id: int) -> None:
        """Queue an already delivered update again, once, as Telegram sometimes does."""
        if update_id in self.pending_update_ids:
            raise ValueError(f"update {update_id} is still pending")
        self._pending.append(copy.deepcopy(self._history[update_id]))
        self._pending.sort(key=lambda update: int(update["update_id"]))
        self._forced.add(update_id)
        self._new_update.set()

    def block_chat(self, chat_id: int) -> None:
        self._blocked.add(str(chat_id))

    def unblock_chat(self, chat_id: int) -> None:
        self._blocked.discard(str(chat_id))

    # ----- test side: reading ----------------------------------------------------------
    def messages_to(self, chat_id: int) -> list[JSON]:
        """Bot messages in the chat, in order, as shown now (edits applied, deleted ones gone)."""
        messages = self._messages.get(chat_id, [])
        return [copy.deepcopy(m) for m in messages if m["from"]["id"] == self.bot_user["id"]]

    def reply_keyboard_of(self, chat_id: int) -> JSON | None:
        """The ReplyKeyboardMarkup the chat shows; Telegram never returns it in a Message."""
        return copy.deepcopy(self._keyboards.get(chat_id))

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        return copy.deepcopy(
            self._commands.get(
                self._scope_key({"scope": scope, "language_code": language_code}), []
            )
        )

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id].data

    @property
    def unanswered_callback_queries(self) -> list[str]:
        return list(self._open_queries)

    @property
    def pending_update_ids(self) -> list[int]:
        return [int(update["update_id"]) for update in self._pending]

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
        while self._pending:
            if time.monotonic() > deadline:
                raise AssertionError(f"unconfirmed after {timeout}s: {self.pending_update_ids}")
            await asyncio.sleep(0.01)
