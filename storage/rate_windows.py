"""The message rate windows (table `rate_windows`) several processes share: the rule of
`bot.domain.limits.RateWindow`, decided and written by one statement, so a message costs one
round trip and two processes hit by the same person at once cannot both let one through past
the limit (the row is locked from the decision to the write).

Only a shared database (PostgreSQL) keeps windows in a table; one process keeps them in memory.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.limits import Verdict
from storage.connection import Condition, Connection, Later, Row, dialect_of, fetch_later

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
SELECT %(person)s, CAST(jsonb_build_array(CAST(%(now)s AS double precision)) AS text), NULL,
       'allow'
WHERE %(only_if)s
ON CONFLICT (person) DO UPDATE SET
    passed = CAST(CASE WHEN {_ROOM}
                       THEN {_KEPT} || to_jsonb(CAST(%(now)s AS double precision))
                       ELSE {_KEPT} END AS text),
    warned_at = CASE WHEN {_ROOM} OR {_TOLD_LATELY} THEN w.warned_at ELSE %(now)s END,
    verdict = CASE WHEN {_ROOM} THEN 'allow' WHEN {_TOLD_LATELY} THEN 'drop' ELSE 'warn' END
RETURNING verdict
"""  # only the fragments above are put in, never input


def _positional(template: str, values: dict[str, object]) -> tuple[str, list[object]]:
    """The statement with `?` parameters, the values in their order of appearance; a
    `Condition` goes in as its fragment, with its own parameters."""
    order: list[object] = []

    class Mark(dict[str, str]):
        def __missing__(self, key: str) -> str:
            value = values[key]
            if isinstance(value, Condition):
                order.extend(value.parameters)
                return value.sql
            order.append(value)
            return "?"

    sql = template % Mark()
    return sql, order


async def hit_later(
    conn: Connection,
    person: int,
    now: float,
    limit: int,
    period: float,
    only_if: Sequence[Condition] = (),
) -> Later[Verdict | None]:
    """One message from `person` at `now` (seconds): whether it passes (the first message a
    limit of at least one lets through), read along with the unit's other reads
    (`fetch_later`). It is counted only if every one of `only_if` holds when it runs (None
    otherwise): the gates' unit counts a message once its process holds the person's turn for
    an update not handled yet, so an update waiting for its turn, or delivered again, is not
    counted twice."""
    if dialect_of(conn).name != "postgresql":
        raise RuntimeError(
            "shared rate windows live on PostgreSQL; one process keeps them in memory"
        )
    guard = Condition(
        " AND ".join(["TRUE", *(f"({condition.sql})" for condition in only_if)]),
        tuple(value for condition in only_if for value in condition.parameters),
    )
    sql, parameters = _positional(
        _HIT, {"person": person, "now": now, "period": period, "limit": limit, "only_if": guard}
    )
    return (await fetch_later(conn, sql, parameters)).then(_verdict)


def _verdict(rows: list[Row]) -> Verdict | None:
    return Verdict(rows[0]["verdict"]) if rows else None


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
