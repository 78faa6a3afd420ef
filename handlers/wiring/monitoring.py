"""`GET /healthz` and `GET /metrics` on [monitoring] listen:port, while the bot runs.

Healthy means the database answers a trivial query and the outbox's job ticked within
STALE_TICK: ten ticks missed is a stuck job loop (or a delivery run that never ends), not a
slow moment. The last poll's age is shown but not judged: in webhook mode nothing polls, and on
a shared database only the process holding the poller role does. So are the roles this process
holds (`handlers.wiring.roles`), with each lease's generation and the age of its last renewal
(none on SQLite, where the process holds every role without a lease).
"""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.config import MonitoringConfig
from bot.services import Services, monitoring
from handlers.telegram.metrics import Metrics
from handlers.wiring.roles import Roles

OUTBOX_INTERVAL = timedelta(seconds=2)  # the outbox job's interval (serving.py)
STALE_TICK = 10 * OUTBOX_INTERVAL


def default_instance() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def _age(moment: float | None) -> float | None:
    return None if moment is None else round(time.monotonic() - moment, 3)


class Monitoring:
    def __init__(self, services: Services, metrics: Metrics, roles: Roles) -> None:
        self._services = services
        self._metrics = metrics
        self._roles = roles
        self._runner: web.AppRunner | None = None

    async def _health(self, _: web.Request) -> web.Response:
        database = await monitoring.database_answers(self._services.db)
        tick_age = _age(self._metrics.last_outbox_tick)
        outbox_ok = tick_age is not None and tick_age <= STALE_TICK.total_seconds()
        healthy = database and outbox_ok
        body = {
            "status": "ok" if healthy else "unhealthy",
            "instance": self._roles.instance,
            "roles": self._held(),
            "database": "ok" if database else "unreachable",
            "outbox": "ok" if outbox_ok else "stalled",
            "last_poll_age_seconds": _age(self._metrics.last_poll),
            "last_outbox_tick_age_seconds": tick_age,
        }
        return web.json_response(body, status=200 if healthy else 503)

    def _held(self) -> dict[str, dict[str, float | int | None]]:
        now = self._services.clock.now()
        return {
            held.role: {
                "generation": held.generation,
                "held_seconds": round((now - held.since).total_seconds(), 3),
                "lease_age_seconds": (
                    None
                    if held.renewed_at is None
                    else round((now - held.renewed_at).total_seconds(), 3)
                ),
            }
            for held in self._roles.held()
        }

    async def _figures(self, _: web.Request) -> web.Response:
        services = self._services
        self._metrics.hold(self._roles.names, [held.role for held in self._roles.held()])
        figures = await monitoring.figures(services.db, services.clock, services.config)
        self._metrics.open_cases.set(figures.open_cases)
        self._metrics.overdue_cases.set(figures.overdue_cases)
        self._metrics.outbox_backlog.set(figures.outbox_backlog)
        return web.Response(
            body=generate_latest(self._metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    async def start(self, config: MonitoringConfig) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._health)
        app.router.add_get("/metrics", self._figures)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, config.listen, config.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
