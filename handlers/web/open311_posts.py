"""`POST /open311/v2/requests.json`: another system files a case (Open311 GeoReport v2).

A request is checked whole before anything is stored (bot.domain.open311) and answered in the
specification's error format, every problem named. The key is compared in constant time with
every client's and is never written anywhere (the site keeps no access log). It is read from
the form, or from the query string for clients that send it there.

Filing writes through the bot's own database handle, not the site's reading one: on SQLite the
bot's process stays the database's one writer.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence

from aiohttp import web

from bot.config import WebClient
from bot.domain.open311 import Problem, parse_request
from bot.services import Services
from bot.services.open311 import file_request
from bot.texts import t
from handlers.web.open311 import error_list

MAX_BODY = 64 * 1024  # a form of a few fields; a photo comes as media_url


def _described(problem: Problem) -> str:
    return f"{problem.field}: {t(problem.reason, **dict(problem.values))}"


class Open311Posts:
    def __init__(self, services: Services, clients: Sequence[WebClient]) -> None:
        self._services = services
        self._keys = [
            (client.key.get_secret_value().encode(), client.name)
            for client in clients
            if client.key is not None
        ]

    def _client(self, key: str) -> str | None:
        """Every key is compared whichever matches, so the time taken tells nothing of one."""
        found = None
        for known, name in self._keys:
            if hmac.compare_digest(key.encode(), known):
                found = name
        return found

    @staticmethod
    async def _form(request: web.Request) -> Mapping[str, str] | None:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                return None
            if not isinstance(body, dict):
                return None
            return {str(k): str(v) for k, v in body.items() if v is not None}
        form = await request.post()
        return {key: value for key, value in form.items() if isinstance(value, str)}

    async def post(self, request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return error_list(413, [t("open311.error.too_large", kb=MAX_BODY // 1024)])
        form = await self._form(request)
        if form is None:
            return error_list(400, [t("open311.error.not_a_form")])
        key = form.get("api_key") or request.query.get("api_key", "")
        client = self._client(key) if key else None
        if client is None:
            return error_list(403, [t("open311.error.api_key")])
        services = self._services
        config = services.config
        codes = {category.id for category in config.categories}
        content = (config.intake.content_min, config.intake.content_max)
        parsed = parse_request(form, codes, content)
        if isinstance(parsed, list):
            return error_list(400, [_described(problem) for problem in parsed])
        ticket = await file_request(services.db, services.clock, config, client, parsed)
        department = config.department_name(ticket.department_id)
        answer = {
            "service_request_id": ticket.code,
            "service_notice": t("open311.filed", department=department),
            "account_id": None,
        }
        return web.json_response([answer], status=201)
