"""Arbitrary input for every handler the Application has, found by walking `app.handlers`.

The commands and button patterns come from the registered handlers themselves, so a handler
added tomorrow is fed junk without anyone touching this module. A handler of a kind this module
does not know how to reach fails loudly instead of being skipped.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
)

from handlers.citizen.links import AgreedToOpenForm
from handlers.telegram.context import App
from tests.support.offline import BOT_USER

MAX_CALLBACK_BYTES = 64  # Telegram never delivers longer callback data
MAX_TEXT = 4096
MAX_CAPTION = 1024

# Characters that broke bots before: direction overrides, zero-width joiners, BOM, controls,
# combining marks, emoji sequences, look-alikes, markup, and the words the bot itself listens to.
TRICKY = (
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u202d", "\u200f", "\u200e",
    "\u061c", "\u2028", "\x00", "\x07", "\x1b", "\r", "\n", "\t", "\u0300", "\u0323",
    "🚧", "👨‍👩‍👧", "🇻🇳", "😀", "ℌ", "Ｆ", "עברית", "العربية", "Đường", "thôn Đông",
    "1", "2", "9", "0", "-1", "99999999999999999999", "/", "|", "<b>", "&amp;", "*_`[",
    "'; DROP TABLE tickets; --", "gửi", "gui", "sửa", "quay lại", "xong", "bỏ qua", "có",
    "không", "SN-2026-00001", "0912345678", "+84912345678",
)  # fmt: skip


@dataclass(frozen=True)
class Routes:
    """What the registered handlers listen for."""

    commands: tuple[str, ...]
    patterns: tuple[str, ...]
    handlers: int  # how many handlers were walked, conversations' inner ones included


def _walk(handlers: Sequence[BaseHandler[Any, Any, Any]]) -> Iterator[BaseHandler[Any, Any, Any]]:
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            yield from _walk(handler.entry_points)
            for state in handler.states.values():
                yield from _walk(state)
            yield from _walk(handler.fallbacks)
        else:
            yield handler


def routes(app: App) -> Routes:
    commands: set[str] = set()
    patterns: set[str] = set()
    walked = 0
    for group in app.handlers.values():
        for handler in _walk(group):
            walked += 1
            if isinstance(handler, CommandHandler):
                commands |= handler.commands
            elif isinstance(handler, CallbackQueryHandler):
                pattern = handler.pattern
                if isinstance(pattern, re.Pattern):
                    patterns.add(pattern.pattern)
                elif isinstance(pattern, str):
                    patterns.add(pattern)
                elif pattern is not None:
                    raise TypeError(f"teach tests/support/junk.py the pattern {pattern!r}")
            elif isinstance(handler, AgreedToOpenForm):
                continue  # reached by agreeing to the notice after "/start guidon"
            elif not isinstance(handler, MessageHandler | TypeHandler):
                raise TypeError(f"teach tests/support/junk.py to reach {type(handler).__name__}")
    return Routes(tuple(sorted(commands)), tuple(sorted(patterns)), walked)


@dataclass(frozen=True)
class Junk:
    """One thing a person does: a message (`content`), an edit of one, or a button press."""

    kind: str  # "message", "edited" or "press"
    content: dict[str, Any] = field(default_factory=dict)
    data: str = ""

    def __repr__(self) -> str:  # hypothesis prints failing examples; keep them readable
        return f"Junk({self.kind}, {self.data or self.content!r})"


def _bounded(text: str, limit: int) -> str:
    return text[:limit]


def texts(limit: int = MAX_TEXT) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(TRICKY), st.text(max_size=6))
    repeated = st.builds(
        lambda unit, times: (unit * times)[:limit],
        st.text(min_size=1, max_size=12),
        st.integers(min_value=min(100, limit), max_value=limit),
    )
    return st.one_of(
        st.text(min_size=1, max_size=40),
        st.lists(pieces, min_size=1, max_size=25).map("".join),
        repeated,
    ).map(lambda text: _bounded(text, limit))


def _file(prefix: str, unique: str) -> dict[str, Any]:
    return {"file_id": f"{prefix}-{unique}", "file_unique_id": f"{prefix}{unique}"}


def _media(caption: str | None, unique: str, kind: str) -> dict[str, Any]:
    files: dict[str, Any] = {
        "photo": [
            {**_file("s", unique), "width": 90, "height": 90},
            {**_file("p", unique), "width": 800, "height": 600},
        ],
        "document": {**_file("d", unique), "file_name": "đơn.pdf"},
        "sticker": {
            **_file("st", unique),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        },
        "voice": {**_file("v", unique), "duration": 3},
        "audio": {**_file("a", unique), "duration": 3},
        "video": {**_file("vd", unique), "width": 1, "height": 1, "duration": 1},
        "video_note": {**_file("vn", unique), "length": 1, "duration": 1},
        "animation": {**_file("gif", unique), "width": 1, "height": 1, "duration": 1},
    }
    content: dict[str, Any] = {kind: files[kind]}
    if kind == "animation":  # Telegram sends a GIF as both
        content["document"] = files["document"]
    if caption is not None and kind in ("photo", "document", "audio", "video", "animation"):
        content["caption"] = caption
    return content


def messages(commands: Sequence[str]) -> st.SearchStrategy[dict[str, Any]]:
    """The content of a message: text, a command with arguments, media, a place, a contact."""
    uniques = st.text(alphabet="abcdef0123456789", min_size=1, max_size=4)
    command = st.builds(
        lambda name, mention, args: f"/{name}{mention}{args}",
        st.sampled_from([*commands, "xoa_het_du_lieu", "START", "admin"]),
        st.sampled_from(["", "@nghedan_bot", "@someone_else_bot"]),
        st.one_of(st.just(""), texts(200).map(lambda args: f" {args}")),
    ).map(lambda text: _bounded(text, MAX_TEXT))
    media = st.builds(
        _media,
        st.one_of(st.none(), texts(MAX_CAPTION)),
        uniques,
        st.sampled_from(
            ["photo", "document", "sticker", "voice", "audio", "video", "video_note", "animation"]
        ),
    )
    location = st.builds(
        lambda lat, lon: {"location": {"latitude": lat, "longitude": lon}},
        st.floats(min_value=-90, max_value=90),
        st.floats(min_value=-180, max_value=180),
    )
    contact = st.builds(
        lambda phone, own: {"contact": {"phone_number": phone, "first_name": "Ai đó", **own}},
        st.one_of(st.sampled_from(["0912345678", "+84 912 345 678", "12"]), texts(30)),
        st.sampled_from([{}, {"user_id": 1}, {"user_id": -1}]),  # -1: the sender (see below)
    )
    dice = st.just({"dice": {"emoji": "🎲", "value": 3}})
    return st.one_of(
        texts().map(lambda text: {"text": text}),
        command,
        media,
        location,
        contact,
        dice,
    ).map(lambda content: content if isinstance(content, dict) else {"text": content})


def button_data(patterns: Sequence[str]) -> st.SearchStrategy[str]:
    """Data shaped like each handler's buttons, and data no button ever carried."""
    shaped = [st.from_regex(pattern, fullmatch=False) for pattern in patterns]
    return (
        st.one_of(*shaped, texts(MAX_CALLBACK_BYTES))
        .map(lambda data: data.encode()[:MAX_CALLBACK_BYTES].decode(errors="ignore"))
        .filter(bool)
    )


def junk(routes: Routes) -> st.SearchStrategy[Junk]:
    content = messages(routes.commands)
    return st.one_of(
        content.map(lambda c: Junk("message", content=c)),
        button_data(routes.patterns).map(lambda d: Junk("press", data=d)),
        content.map(lambda c: Junk("edited", content=c)),
    )


# -- turning junk into updates --------------------------------------------------------------
_IDS = itertools.count(5_000_000)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,32})?")


def _person(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Nguyễn", "last_name": f"Thử {user_id}"}


def _chat(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "type": "private", "first_name": "Nguyễn"}


def update(user_id: int, junk: Junk) -> dict[str, Any]:
    """A Bot API update carrying `junk` from `user_id` in their private chat."""
    now = int(time.time())
    if junk.kind == "press":
        message = {
            "message_id": 1,
            "date": now,
            "chat": _chat(user_id),
            "from": BOT_USER,
            "text": "…",
        }
        query = {
            "id": str(next(_IDS)),
            "from": _person(user_id),
            "chat_instance": f"ci-{user_id}",
            "message": message,
            "data": junk.data,
        }
        return {"update_id": next(_IDS), "callback_query": query}
    content = dict(junk.content)
    if "contact" in content and content["contact"].get("user_id") == -1:
        content["contact"] = {**content["contact"], "user_id": user_id}
    text = content.get("text")
    command = _COMMAND.match(text) if isinstance(text, str) else None
    if command:  # Telegram marks a command only where its syntax allows one
        length = len(command.group())
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    message = {
        "message_id": next(_IDS),
        "date": now,
        "chat": _chat(user_id),
        "from": _person(user_id),
        **content,
    }
    if junk.kind == "edited":
        return {"update_id": next(_IDS), "edited_message": {**message, "edit_date": now}}
    return {"update_id": next(_IDS), "message": message}
