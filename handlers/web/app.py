"""The public site as one aiohttp application: its routes, rate limit and caching.

`build_web_app` is the one place the site's routes are listed, the one that writes (Open311's
POST requests.json, handlers.web.open311_posts) beside the reads.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.domain.request_rate import RequestRate
from bot.domain.tickets import parse_code
from bot.services import Services, announcements, public_cases, reception
from bot.services.file_stores import open_file_store
from bot.services.public_figures import FRESH, FiguresCache
from bot.texts import t
from handlers.web import cases, commune, open311
from handlers.web.open311_posts import Open311Posts

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
OPEN311 = "/open311/v2"
LIST_AGE = 30  # seconds a browser or proxy may keep a list before asking again
PHOTO_AGE = 3600  # a photo taken back may stay this long in a browser that saw it
ANNOUNCEMENTS_PAGE = 10


def client_address(request: web.Request) -> str:
    """Who is asking: the peer, or, when the peer is a proxy on this machine (the commune's
    reverse proxy), the address the proxy says it serves, the last of X-Forwarded-For. A
    client cannot pose as someone else: its own X-Forwarded-For is only read via the proxy,
    which appends the real address after it."""
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For")
    try:
        local = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        local = False
    if local and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()
    return peer


def _html(text: str, status: int = 200, age: int = LIST_AGE) -> web.Response:
    response = web.Response(text=text, status=status, content_type="text/html")
    response.headers["Cache-Control"] = f"public, max-age={age}"
    return response


def _json(body: object, age: int = LIST_AGE) -> web.Response:
    response = web.json_response(body)
    response.headers["Cache-Control"] = f"public, max-age={age}"
    return response


class PublicSite:
    """The handlers, over the services and the figures kept between requests."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._config = services.config
        self._figures = FiguresCache(services.db, services.config, services.clock)
        self._store = open_file_store(services.config.storage)

    async def started(self, _: web.Application) -> None:
        self._figures.refresh()

    async def stopping(self, _: web.Application) -> None:
        await self._figures.close()

    def _not_found(self) -> web.Response:
        return _html(cases.not_found_page(self._config), status=404)

    async def case_list(self, request: web.Request) -> web.Response:
        config = self._config
        try:
            query = cases.list_query(request.query, config)
        except cases.BadQueryError as error:
            text = t("web.bad_request", reason=error)
            return _html(cases.message_page(config, t("web.nav_cases"), text), status=400)
        found = await public_cases.listing(self._services.db, config, query)
        full = len(found) == query.limit
        return _html(cases.list_page(found, request.query, full, config))

    async def case(self, request: web.Request) -> web.Response:
        code = parse_code(request.match_info["code"])
        found = (
            None if code is None else await public_cases.case(self._services.db, self._config, code)
        )
        if found is None:
            return self._not_found()
        return _html(cases.case_page(found, self._config))

    async def photo(self, request: web.Request) -> web.Response:
        """A photo a published case lets out. Its address is its hash, so it never changes:
        a browser keeps it for an hour, and asks again after that in case it was taken back."""
        found = await public_cases.photo(
            self._services.db, self._config, self._store, request.match_info["sha256"]
        )
        if found is None:
            return self._not_found()
        response = web.Response(body=found.data, content_type=found.media_type)
        response.headers["Cache-Control"] = f"public, max-age={PHOTO_AGE}"
        return response

    async def figures(self, _: web.Request) -> web.Response:
        made = await self._figures.get()
        age = int(FRESH.total_seconds())
        return _html(commune.figures_page(made, self._config), age=age)

    async def schedule(self, _: web.Request) -> web.Response:
        services = self._services
        sessions = await reception.next_sessions(services.db, services.clock, services.config)
        return _html(commune.schedule_page(sessions, self._config))

    async def notices(self, request: web.Request) -> web.Response:
        text = request.query.get("trang", "1")
        number = int(text) if text.isdigit() and len(text) < 6 else 1
        found = await announcements.published(self._services.db, number, ANNOUNCEMENTS_PAGE)
        return _html(commune.announcements_page(found, self._config))

    async def services_json(self, _: web.Request) -> web.Response:
        return _json(open311.services(self._config), age=3600)

    async def requests_json(self, request: web.Request) -> web.Response:
        config = self._config
        query = open311.requests_query(request.query, config, self._services.clock.now())
        if query is None:
            return _json([])
        found = await public_cases.listing(self._services.db, config, query)
        response = _json([open311.request(case, config) for case in found])
        if len(found) == query.limit:
            after = found[-1].cursor.encode()
            following = request.rel_url.update_query(after=after)
            base = config.web.base_url.rstrip("/")
            response.headers["Link"] = f'<{base}{following}>; rel="next"'
        return response

    async def request_json(self, request: web.Request) -> web.Response:
        text = request.match_info["code"]
        code = parse_code(text)
        found = (
            None if code is None else await public_cases.case(self._services.db, self._config, code)
        )
        if found is None:
            raise open311.Open311Error(404, t("web.open311.not_found", code=text))
        return _json([open311.request(found, self._config)])

    @web.middleware
    async def errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Open311 answers errors in its own format; the page in Vietnamese HTML."""
        api = request.path.startswith(OPEN311)
        try:
            return await handler(request)
        except open311.Open311Error as error:
            return error.response()
        except web.HTTPNotFound:
            if api:
                return open311.Open311Error(404, t("web.not_found")).response()
            return self._not_found()
        except web.HTTPMethodNotAllowed:
            if api:
                return open311.Open311Error(405, t("web.open311.not_allowed")).response()
            return _html(cases.message_page(self._config, "405", t("web.open311.not_allowed")), 405)


def rate_limited(rate: RequestRate) -> Middleware:
    """Refuse an address over its rate with 429 and a Retry-After, before any work is done."""

    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        address = client_address(request)
        if rate.allow(address, time.monotonic()):
            return await handler(request)
        wait = str(max(1, round(rate.retry_after(address))))
        if request.path.startswith(OPEN311):
            response = open311.Open311Error(429, t("web.open311.too_many")).response()
        else:
            response = web.Response(text=t("web.too_many"), status=429)
        response.headers["Retry-After"] = wait
        return response

    return limit


@web.middleware
async def validated(request: web.Request, handler: Handler) -> web.StreamResponse:
    """An ETag over every successful body, so a browser or proxy revalidating gets 304."""
    response = await handler(request)
    if response.status != 200 or not isinstance(response, web.Response):
        return response
    body = response.body
    if not isinstance(body, bytes):
        return response
    tag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    if tag in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers={"ETag": tag, **_kept(response)})
    response.headers["ETag"] = tag
    return response


# Nothing on the page may load or run anything: should escaping ever miss, a script injected
# into a case's text still cannot run, and no other site may frame the page.
POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)


@web.middleware
async def hardened(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = POLICY
    return response


def _kept(response: web.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k == "Cache-Control"}


def build_web_app(
    services: Services, rate: RequestRate | None = None, *, filing: Services | None = None
) -> web.Application:
    """The public site; `rate` limits each address (the default: 10 a second, bursts of 30).
    Open311's POST files through `filing` (the bot's own services), else through `services`."""
    site = PublicSite(services)
    posts = Open311Posts(filing or services, services.config.web.clients)
    app = web.Application(
        middlewares=[hardened, rate_limited(rate or RequestRate()), site.errors, validated]
    )
    app.on_startup.append(site.started)
    app.on_cleanup.append(site.stopping)
    app.router.add_get("/", site.case_list)
    app.router.add_get("/ho-so/{code}", site.case)
    app.router.add_get("/anh/{sha256}", site.photo)
    app.router.add_get("/thong-ke", site.figures)
    app.router.add_get("/lich", site.schedule)
    app.router.add_get("/thong-bao", site.notices)
    app.router.add_get(f"{OPEN311}/services.json", site.services_json)
    app.router.add_get(f"{OPEN311}/requests.json", site.requests_json)
    app.router.add_post(f"{OPEN311}/requests.json", posts.post)
    app.router.add_get(f"{OPEN311}/requests/{{code}}.json", site.request_json)
    return app
