"""Role leases (table `leases`): each statement decides and writes in one step, so two processes
racing for a role cannot both win, whatever the isolation level.

Times are UTC ISO text (`storage.rows.iso`), whose text order is time order.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.leases import Lease, until_of
from storage.connection import Connection
from storage.rows import first, instant, iso


async def take(conn: Connection, role: str, instance: str, now: datetime) -> int | None:
    """Take the role if nobody holds it, its lease lapsed, or it is this instance's own
    (`bot.domain.leases.may_take`); the new generation, or None when another holds it."""
    row = await first(
        conn,
        """
        INSERT INTO leases (role, held_by, held_since, held_until, generation)
        VALUES (?, ?, ?, ?, 1)
        ON CONFLICT (role) DO UPDATE SET
            held_by = excluded.held_by,
            held_since = excluded.held_since,
            held_until = excluded.held_until,
            generation = leases.generation + 1
        WHERE leases.held_by = excluded.held_by OR leases.held_until <= excluded.held_since
        RETURNING generation
        """,
        (role, instance, iso(now), iso(until_of(now))),
    )
    return None if row is None else int(row["generation"])


async def renew(conn: Connection, role: str, instance: str, generation: int, now: datetime) -> bool:
    """Extend this holding's lease; False once it lapsed or another process took it over."""
    done = await conn.execute(
        "UPDATE leases SET held_until = ? "
        "WHERE role = ? AND held_by = ? AND generation = ? AND held_until > ?",
        (iso(until_of(now)), role, instance, generation, iso(now)),
    )
    return done.rowcount == 1


async def release(
    conn: Connection, role: str, instance: str, generation: int, now: datetime
) -> None:
    """End this holding's lease now, so a standby takes the role at its next try. The row
    stays, so the generation keeps growing."""
    await conn.execute(
        "UPDATE leases SET held_until = ? WHERE role = ? AND held_by = ? AND generation = ?",
        (iso(now), role, instance, generation),
    )


async def find(conn: Connection, role: str) -> Lease | None:
    row = await first(conn, "SELECT * FROM leases WHERE role = ?", (role,))
    if row is None:
        return None
    return Lease(
        role=row["role"],
        held_by=row["held_by"],
        held_since=instant(row["held_since"]),
        held_until=instant(row["held_until"]),
        generation=int(row["generation"]),
    )
