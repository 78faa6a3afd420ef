"""The web chat: one browser page where a single person plays every role, one pane each.

Each pane is a real user of the local server: what it sends becomes an update the bot polls,
what the bot sends shows up live through a server-sent event stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncGenerator
from dataclasses import asdict, dataclass
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from localapi.errors import JSON

if TYPE_CHECKING:
    from localapi.server import BotApiEmulator
    from localapi.zalo import ZaloApiEmulator

_STATIC = files("localapi") / "static"
_STATIC_TYPES = {
    "index.html": "text/html",
    "chat.js": "text/javascript",
    "chat.css": "text/css",
}
# Where the demo's "send my location" button puts a person: the commune's office, roughly.
PLACE = (18.3406, 105.9057)
PHONE = "0912345678"
_KEEPALIVE_SECONDS = 15
_SERVER: web.AppKey[BotApiEmulator] = web.AppKey("server")


@dataclass(frozen=True)
class Person:
    """One pane: a Telegram user (or, channel "zalo", a Zalo user) the page plays, with the
    role shown above the pane. Telegram ids are numbers, Zalo ids strings."""

    user_id: int | str
    name: str
    role: str
    channel: str = "telegram"


def add_routes(app: web.Application, server: BotApiEmulator) -> None:
    app[_SERVER] = server
    app.router.add_get("/", _page)
    app.router.add_get("/chat/static/{name}", _static)
    app.router.add_get("/chat/people", _people)
    app.router.add_get("/chat/events", _events)
    app.router.add_get("/chat/file/{file_id}", _file)
    app.router.add_get("/chat/{user:\\d+}", _chat)
    app.router.add_post("/chat/{user:\\d+}/text", _text)
    app.router.add_post("/chat/{user:\\d+}/button", _button)
    app.router.add_post("/chat/{user:\\d+}/press", _press)
    app.router.add_post("/chat/{user:\\d+}/photo", _photo)
    app.router.add_get("/chat/zalo/{user}", _zalo_chat)
    app.router.add_post("/chat/zalo/{user}/text", _zalo_text)
    app.router.add_post("/chat/zalo/{user}/photo", _zalo_photo)


def _static_file(name: str) -> web.Response:
    if name not in _STATIC_TYPES:
        raise web.HTTPNotFound
    body = (_STATIC / name).read_bytes()
    return web.Response(body=body, content_type=_STATIC_TYPES[name], charset="utf-8")


def _pane_key(person: Person) -> str:
    """What the page and its event stream call a pane: the Telegram id, or "zalo:" and the
    Zalo id."""
    return f"zalo:{person.user_id}" if person.channel == "zalo" else str(person.user_id)


def _page_html(people: list[Person]) -> str:
    """The page with its tabs and panes already in it, the first one shown: a phone shows one
    pane at a time (chat.css), so a page drawn by its script alone stays blank until the script
    has run. The panes are drawn from the page's own <template>, which chat.js then brings to
    life; each carries the address of its chat."""
    page = (_STATIC / "index.html").read_text(encoding="utf-8")
    template = page.split('<template id="pane">', 1)[1].split("</template>", 1)[0].strip()
    tabs, panes = [], []
    for index, person in enumerate(people):
        key = html.escape(_pane_key(person))
        name, role = html.escape(person.name), html.escape(person.role)
        active = "active" if index == 0 else ""
        base = (
            f"/chat/zalo/{quote(str(person.user_id), safe='')}"
            if person.channel == "zalo"
            else f"/chat/{person.user_id}"
        )
        classes = " ".join(["pane", *(["zalo"] if person.channel == "zalo" else []), active])
        tabs.append(f'<button type="button" class="{active}" data-user="{key}">{name}</button>')
        panes.append(
            template.replace(
                '<section class="pane">',
                f'<section class="{classes.strip()}" data-user="{key}" data-base="{base}">',
            )
            .replace('<strong class="name"></strong>', f'<strong class="name">{name}</strong>')
            .replace('<small class="role"></small>', f'<small class="role">{role}</small>')
        )
    page = page.replace("<!-- tabs -->", "".join(tabs))
    return page.replace("<!-- panes -->", "\n".join(panes))


async def _page(request: web.Request) -> web.Response:
    body = _page_html(request.app[_SERVER].web_people)
    return web.Response(text=body, content_type="text/html", charset="utf-8")


async def _static(request: web.Request) -> web.Response:
    return _static_file(request.match_info["name"])


async def _people(request: web.Request) -> web.Response:
    server = request.app[_SERVER]
    return web.json_response([asdict(person) for person in server.web_people])


def _person(request: web.Request) -> int:
    """Only the page's own people can be played: the page is no way to impersonate others."""
    server, user_id = request.app[_SERVER], int(request.match_info["user"])
    if all(p.user_id != user_id or p.channel != "telegram" for p in server.web_people):
        raise web.HTTPNotFound
    return user_id


def _zalo_person(request: web.Request) -> tuple[ZaloApiEmulator, str]:
    server, user_id = request.app[_SERVER], request.match_info["user"]
    if server.zalo is None or all(
        p.user_id != user_id or p.channel != "zalo" for p in server.web_people
    ):
        raise web.HTTPNotFound
    return server.zalo, user_id


async def _chat(request: web.Request) -> web.Response:
    """The chat as the person's phone shows it: both sides, and the reply keyboard if any."""
    server, user_id = request.app[_SERVER], _person(request)
    messages = [
        {**message, "mine": message["from"]["id"] == user_id}
        for message in server.chats.all_in(user_id)
    ]
    keyboard = server.chats.keyboards.get(user_id)
    return web.json_response({"messages": messages, "keyboard": keyboard})


async def _changes(server: BotApiEmulator) -> AsyncGenerator[str | None, None]:
    """The pane key of each chat that changes ("zalo:<id>" for a Zalo chat), or None when
    nothing changed for a while, so the stream can show it is alive."""
    zalo = server.zalo
    queues: dict[str, asyncio.Queue[Any]] = {"": server.chats.watch()}
    if zalo is not None:
        queues["zalo:"] = zalo.watch()
    waiting = {asyncio.ensure_future(queue.get()): prefix for prefix, queue in queues.items()}
    try:
        while True:
            done, _ = await asyncio.wait(
                waiting, timeout=_KEEPALIVE_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            if not done:
                yield None
            for task in done:
                prefix = waiting.pop(task)
                waiting[asyncio.ensure_future(queues[prefix].get())] = prefix
                yield f"{prefix}{task.result()}"
    finally:
        for task in waiting:
            task.cancel()
        server.chats.unwatch(queues[""])
        if zalo is not None:
            zalo.unwatch(queues["zalo:"])


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the pane key of each chat that changed, so the page reloads it."""
    server = request.app[_SERVER]
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    response.headers["Cache-Control"] = "no-cache"
    await response.prepare(request)
    changes = _changes(server)
    try:
        async for key in changes:
            await response.write(b": keepalive\n\n" if key is None else f"data: {key}\n\n".encode())
    except ConnectionResetError:  # the page was closed or reloaded
        return response
    finally:
        await changes.aclose()
    return response


async def _file(request: web.Request) -> web.Response:
    stored = request.app[_SERVER].files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound
    response = web.Response(body=stored.data, content_type=stored.content_type)
    if stored.kind == "document":
        name = quote(stored.name, safe="")
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


async def _form(request: web.Request) -> JSON:
    with contextlib.suppress(ValueError):
        body = await request.json()
        if isinstance(body, dict):
            return body
    raise web.HTTPBadRequest(text="expected a JSON object")


async def _text(request: web.Request) -> web.Response:
    user_id, body = _person(request), await _form(request)
    text = str(body.get("text") or "").strip()
    if not text:
        raise web.HTTPBadRequest(text="empty message")
    return web.json_response(request.app[_SERVER].people.sends_text(user_id, text))


async def _button(request: web.Request) -> web.Response:
    """A reply-keyboard button: its text, or the location or contact it asks for."""
    user_id, body = _person(request), await _form(request)
    people = request.app[_SERVER].people
    try:
        button = people.reply_button(user_id, str(body.get("text")))
    except AssertionError as error:
        raise web.HTTPConflict(text=str(error)) from None
    if button.get("request_location"):
        update = people.sends_location(user_id, *PLACE)
    elif button.get("request_contact"):
        name = people.chats.users[user_id]["first_name"]
        update = people.sends_contact(user_id, PHONE, name)
    else:
        update = people.sends_text(user_id, str(button["text"]))
    return web.json_response(update)


async def _press(request: web.Request) -> web.Response:
    user_id, body = _person(request), await _form(request)
    try:
        update = request.app[_SERVER].people.presses(
            user_id, int(body.get("message_id") or 0), str(body.get("data"))
        )
    except (AssertionError, ValueError) as error:
        raise web.HTTPConflict(text=str(error)) from None
    return web.json_response(update)


async def _photo(request: web.Request) -> web.Response:
    user_id = _person(request)
    form = await request.post()
    upload, caption = form.get("photo"), str(form.get("caption") or "").strip()
    if not isinstance(upload, web.FileField):
        raise web.HTTPBadRequest(text="no photo")
    data = upload.file.read()
    update = request.app[_SERVER].people.sends_photo(user_id, caption=caption or None, data=data)
    return web.json_response(update)


def _zalo_shown(message: JSON) -> JSON:
    """A Zalo message in the fields the page draws Telegram's with."""
    shown: JSON = {"message_id": message["message_id"], "mine": message["mine"]}
    for key in ("text", "caption"):
        if message.get(key):
            shown[key] = message[key]
    if message.get("photo"):
        shown["photo_url"] = message["photo"]
    if message["kind"] == "sticker":
        shown["sticker"] = {}
    return shown


async def _zalo_chat(request: web.Request) -> web.Response:
    """A Zalo chat: plain texts and images; choices come as numbered lines, so no keyboard."""
    zalo, user_id = _zalo_person(request)
    messages = [_zalo_shown(message) for message in zalo.conversation(user_id)]
    return web.json_response({"messages": messages, "keyboard": None})


async def _zalo_text(request: web.Request) -> web.Response:
    (zalo, user_id), body = _zalo_person(request), await _form(request)
    text = str(body.get("text") or "").strip()
    if not text:
        raise web.HTTPBadRequest(text="empty message")
    return web.json_response({"message_id": zalo.user_sends_text(user_id, text)})


async def _zalo_photo(request: web.Request) -> web.Response:
    zalo, user_id = _zalo_person(request)
    form = await request.post()
    upload, caption = form.get("photo"), str(form.get("caption") or "").strip()
    if not isinstance(upload, web.FileField):
        raise web.HTTPBadRequest(text="no photo")
    message_id = zalo.user_sends_image(user_id, upload.file.read(), caption=caption)
    return web.json_response({"message_id": message_id})
