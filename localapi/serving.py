"""Starting an emulator's HTTP server: both emulators (Telegram's and Zalo's) start alike."""

from __future__ import annotations

import socket

from aiohttp import web


async def serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve `app` on host:port (0: a free port); returns the runner and the port taken.

    A restarted emulator (the outage tests take it down and up again) must get its port back
    at once, hence SO_REUSEADDR. A long poll whose client went away must not linger, hence
    handler_cancellation; the web chat's live streams never end by themselves, hence the short
    shutdown_timeout.
    """
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    await web.SockSite(runner, sock).start()
    return runner, sock.getsockname()[1]
