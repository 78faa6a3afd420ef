"""FAQ proposals and entries (hỏi đáp): one proposal per answered question, its decision."""

from __future__ import annotations

from datetime import datetime

from bot.domain.faq import FaqEntry, FaqStatus, Proposal
from storage.connection import Connection, Row
from storage.rows import first, instant, iso, parse_time


def _proposal(row: Row) -> Proposal:
    return Proposal(
        id=row["id"],
        ticket_id=row["ticket_id"],
        question=row["question"],
        answer=row["answer"],
        status=FaqStatus(row["status"]),
        proposed_by=row["proposed_by"],
        proposed_at=instant(row["proposed_at"]),
        decided_by=row["decided_by"],
        decided_at=parse_time(row["decided_at"]),
        withdrawn_by=row["withdrawn_by"],
        withdrawn_at=parse_time(row["withdrawn_at"]),
    )


async def propose(
    conn: Connection, ticket_id: int, question: str, answer: str, by: int, now: datetime
) -> int | None:
    """The new proposal's id, or None when the question was proposed already."""
    row = await first(
        conn,
        """
        INSERT INTO faq_entries (ticket_id, question, answer, proposed_by, proposed_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (ticket_id) DO NOTHING
        RETURNING id
        """,
        (ticket_id, question, answer, by, iso(now)),
    )
    return int(row[0]) if row else None


async def proposed_for(conn: Connection, ticket_id: int) -> bool:
    """Whether the question was proposed already, whatever became of it."""
    row = await first(conn, "SELECT 1 FROM faq_entries WHERE ticket_id = ?", (ticket_id,))
    return row is not None


async def get(conn: Connection, proposal_id: int) -> Proposal | None:
    row = await first(conn, "SELECT * FROM faq_entries WHERE id = ?", (proposal_id,))
    return _proposal(row) if row else None


async def decide(
    conn: Connection, proposal_id: int, status: FaqStatus, by: int, now: datetime
) -> bool:
    """Approve or reject a proposal still waiting; False when it was decided already."""
    row = await first(
        conn,
        """
        UPDATE faq_entries SET status = ?, decided_by = ?, decided_at = ?
        WHERE id = ? AND status = 'proposed'
        RETURNING id
        """,
        (status.value, by, iso(now), proposal_id),
    )
    return row is not None


async def withdraw(conn: Connection, entry_id: int, by: int, now: datetime) -> bool:
    """Take an entry in use out of the FAQ; False when it is not one (never approved, or
    withdrawn already)."""
    row = await first(
        conn,
        """
        UPDATE faq_entries SET withdrawn_by = ?, withdrawn_at = ?
        WHERE id = ? AND status = 'approved' AND withdrawn_at IS NULL
        RETURNING id
        """,
        (by, iso(now), entry_id),
    )
    return row is not None


async def approved(conn: Connection) -> list[FaqEntry]:
    """The entries citizens are answered from: approved and not withdrawn, oldest first."""
    rows = await conn.execute_fetchall(
        """
        SELECT id, question, answer FROM faq_entries
        WHERE status = 'approved' AND withdrawn_at IS NULL
        ORDER BY id
        """
    )
    return [FaqEntry(row["id"], row["question"], row["answer"]) for row in rows]
