"""The message rate windows (table `rate_windows`) several processes share: the rule of
`bot.domain.limits.RateWindow`, decided and written by one statement, so a message costs one
round trip and two processes hit by the same person at once cannot both let one through past
the limit (the row is locked from the decision to the write).

Only a shared database (PostgreSQL) keeps windows in a table; one process keeps them in memory.
"""

from __future__ import annotations

from bot.domain.limits import Verdict
from storage.connection import Connection, dialect_of
from storage.rows import single

# The times in the stored window that are still within the period, in order.
_KEPT = """(
    SELECT coalesce(jsonb_agg(t.value ORDER BY t.n), '[]'::jsonb)
    FROM jsonb_array_elements(CAST(w.passed AS jsonb)) WITH ORDINALITY AS t(value, n)
    WHERE CAST(%(now)s AS double precision) - CAST(t.value AS double precision) < %(period)s
)"""
_ROOM = f"jsonb_array_length({_KEPT}) < %(limit)s"
_TOLD_LATELY = "(w.warned_at IS NOT NULL AND %(now)s - w.warned_at < %(period)s)"
_HIT = f"""
INSERT INTO rate_windows AS w (person, passed, warned_at, verdict)
VALUES (%(person)s, CAST(jsonb_build_array(CAST(%(now)s AS double precision)) AS text), NULL,
        'allow')
ON CONFLICT (person) DO UPDATE SET
    passed = CAST(CASE WHEN {_ROOM}
                       THEN {_KEPT} || to_jsonb(CAST(%(now)s AS double precision))
                       ELSE {_KEPT} END AS text),
    warned_at = CASE WHEN {_ROOM} OR {_TOLD_LATELY} THEN w.warned_at ELSE %(now)s END,
    verdict = CASE WHEN {_ROOM} THEN 'allow' WHEN {_TOLD_LATELY} THEN 'drop' ELSE 'warn' END
RETURNING verdict
"""  # noqa: S608 - only the fragments above are put in, never input


def _positional(template: str, values: dict[str, object]) -> tuple[str, list[object]]:
    """The statement with `?` parameters, the values in their order of appearance."""
    order: list[object] = []

    class Mark(dict[str, str]):
        def __missing__(self, key: str) -> str:
            order.append(values[key])
            return "?"

    sql = template % Mark()
    return sql, order


async def hit(conn: Connection, person: int, now: float, limit: int, period: float) -> Verdict:
    """One message from `person` at `now` (seconds): whether it passes (the first message a
    limit of at least one lets through)."""
    if dialect_of(conn).name != "postgresql":
        raise RuntimeError(
            "shared rate windows live on PostgreSQL; one process keeps them in memory"
        )
    sql, parameters = _positional(
        _HIT, {"person": person, "now": now, "period": period, "limit": limit}
    )
    row = await single(conn, sql, parameters)
    return Verdict(row["verdict"])


_FORGET = """
DELETE FROM rate_windows AS w
WHERE coalesce(w.warned_at, 0) < ? AND NOT EXISTS (
    SELECT 1 FROM jsonb_array_elements_text(CAST(w.passed AS jsonb)) AS t(value)
    WHERE CAST(t.value AS double precision) >= ?
)
"""


async def forget_idle(conn: Connection, before: float) -> int:
    """Drop the windows with nothing at or after `before` (seconds): forgetting them changes no
    verdict once `before` is a period ago, and without this the table keeps a row for everyone
    who ever wrote."""
    if dialect_of(conn).name != "postgresql":
        return 0
    cursor = await conn.execute(_FORGET, (before, before))
    return cursor.rowcount
