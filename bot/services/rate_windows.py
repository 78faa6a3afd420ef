"""The message rate across processes: on a shared database every process reads and moves the
same per-person window (`storage.rate_windows`), so flooding two processes in turn is held to
one rate. On a database one process has to itself the edge keeps the windows in memory
(`bot.domain.limits.RateLimiter`) instead, as writing every message down would cost more than
the flood.
"""

from __future__ import annotations

from bot.domain.limits import RateLimiter
from storage import rate_windows
from storage.database import Database


async def forget_idle(db: Database, limiter: RateLimiter, now: float) -> int:
    """Drop the shared windows idle for a whole period (none on a database of one process)."""
    if not db.shared:
        return 0
    async with db.coordination() as conn:
        return await rate_windows.forget_idle(conn, now - limiter.period)
