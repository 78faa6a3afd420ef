"""The platform's overall rate, shared by every process on one database: a row per channel
holding the moment of the last send reserved, in seconds since the epoch."""

from __future__ import annotations

from storage.connection import Connection, dialect_of


async def reserve(
    conn: Connection, channel: str, now: float, spacing: float, latest: float
) -> float | None:
    """The moment of the next send on `channel`: `spacing` after the last one reserved, or
    `now` if that is later. None (nothing reserved) when it would be after `latest`."""
    following = dialect_of(conn).greatest("send_budget.next_at + ?", "?")
    rows = list(
        await conn.execute_fetchall(
            "INSERT INTO send_budget (channel, next_at) VALUES (?, ?) "  # noqa: S608
            f"ON CONFLICT (channel) DO UPDATE SET next_at = {following} "
            "WHERE send_budget.next_at + ? <= ? RETURNING next_at",
            (channel, now, spacing, now, spacing, latest),
        )
    )
    return float(rows[0][0]) if rows else None


async def hold(conn: Connection, channel: str, until: float) -> None:
    """Nothing more goes on `channel` before `until` (the platform asked to wait)."""
    following = dialect_of(conn).greatest("send_budget.next_at", "?")
    await conn.execute(
        "INSERT INTO send_budget (channel, next_at) VALUES (?, ?) "  # noqa: S608
        f"ON CONFLICT (channel) DO UPDATE SET next_at = {following}",
        (channel, until, until),
    )
