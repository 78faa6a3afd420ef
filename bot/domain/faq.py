"""Hỏi đáp: questions the commune answered once, approved by a leader, given to the next person
who asks the same thing at once.

Pure: what an entry says (the question and answer as asked and answered, personal data masked),
who may approve one, and which approved entry a newly typed question matches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rapidfuzz import fuzz, process, utils

from bot.domain.choices import normalize
from bot.domain.people import Officer, Role
from bot.domain.redaction import mask_personal
from bot.domain.tickets import Kind, Status, Ticket

# A typed question matches an entry when its words, sorted, are this similar (0-100) to the
# entry's, both without diacritics: close enough to forgive typos and word order, far enough
# that a different question about the same procedure is still sent to an officer.
MATCH_SCORE = 80


@dataclass(frozen=True)
class FaqEntry:
    id: int
    question: str
    answer: str


class FaqStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Proposal:
    """An answered question proposed as an entry, and the leader's decision on it."""

    id: int
    ticket_id: int
    question: str
    answer: str
    status: FaqStatus
    proposed_by: int
    proposed_at: datetime
    decided_by: int | None = None
    decided_at: datetime | None = None
    withdrawn_by: int | None = None
    withdrawn_at: datetime | None = None


def may_propose(ticket: Ticket) -> bool:
    """Only a question with an answer becomes an entry."""
    return ticket.kind is Kind.QUESTION and ticket.status is Status.RESOLVED and bool(ticket.result)


def may_decide(officer: Officer) -> bool:
    """What the commune tells everyone in its name is the leaders' to approve, and to
    withdraw."""
    return officer.has(Role.LEADER)


def entry_text(ticket: Ticket, mask: str) -> tuple[str, str]:
    """The question and answer as asked and answered, with the asker's name, phone and address,
    and any phone, e-mail or ID number, replaced by `mask`: the next reader is someone else."""
    known = (ticket.contact_name, ticket.contact_phone, ticket.contact_address)
    question = mask_personal(ticket.content, known, mask=mask)
    answer = mask_personal(ticket.result or "", known, mask=mask)
    return question, answer


def closest(entries: Sequence[FaqEntry], text: str) -> FaqEntry | None:
    """The approved entry a typed question asks again, if one is close enough."""
    if not entries:
        return None
    found = process.extractOne(
        normalize(text),
        [normalize(e.question) for e in entries],
        scorer=fuzz.token_sort_ratio,
        processor=utils.default_process,
        score_cutoff=MATCH_SCORE,
    )
    return entries[found[2]] if found is not None else None
