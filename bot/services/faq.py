"""Hỏi đáp: an officer proposes an answered question as an entry, a leader approves or rejects
it, and citizens asking the same thing are answered from the approved entries at once, until a
leader withdraws one (the law changed, the answer was wrong).

Each decision is written with its event in the question's history (faq_proposed, faq_approved,
faq_rejected, faq_withdrawn) in one transaction, and every press is checked again here: a
proposal by someone who may not answer the question, or a decision or withdrawal by anyone but a
leader, is refused and logged.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.clock import Clock
from bot.dialogs.faq import leader_card
from bot.domain.faq import (
    FaqEntry,
    FaqStatus,
    Proposal,
    closest,
    entry_text,
    may_decide,
    may_propose,
)
from bot.domain.people import Officer, Role
from bot.domain.tickets import Ticket
from bot.domain.workflow import Action, access, may
from bot.messages import Delivery, Notice
from bot.services.errors import CaseworkError
from bot.services.notifications import tell
from bot.services.officers import actor
from bot.texts import t
from storage import events, faq, officers, tickets
from storage.connection import Connection
from storage.database import Database

_LOGGER = logging.getLogger(__name__)


async def propose(
    db: Database, clock: Clock, officer: Officer, ticket_id: int
) -> tuple[Proposal, str]:
    """The answered question, masked, proposed as an entry, with the question's code; every
    leader gets a card."""
    now = clock.now()
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        if ticket is None:
            raise CaseworkError("case.not_found")
        if not may(actor(officer), Action.ANSWER, access(ticket)):
            _LOGGER.warning("refused: %s may not propose %s", officer.person_id, ticket.code)
            raise CaseworkError("case.not_allowed")
        if not may_propose(ticket):
            raise CaseworkError("faq.not_answered")
        question, answer = entry_text(ticket, t("supervision.masked"))
        proposal_id = await faq.propose(conn, ticket.id, question, answer, officer.person_id, now)
        if proposal_id is None:
            raise CaseworkError("faq.already")
        await events.add(
            conn,
            ticket.id,
            at=now,
            actor_id=officer.person_id,
            action="faq_proposed",
            from_status=None,
            to_status=None,
        )
        proposal = await faq.get(conn, proposal_id)
        if proposal is None:
            raise LookupError(f"FAQ proposal {proposal_id} vanished")
        card = leader_card(proposal, ticket.code, officer.name)
        for leader in await officers.active(conn):
            if leader.has(Role.LEADER):
                key = f"faq:{proposal_id}:{leader.person_id}"
                await tell(conn, clock, leader.person_id, card, key)
    return proposal, ticket.code


async def decide(
    db: Database, clock: Clock, leader: Officer, proposal_id: int, *, approve: bool
) -> tuple[Proposal, str]:
    """A leader's decision, with the question's code; the proposer is told."""
    if not may_decide(leader):
        _LOGGER.warning("refused: %s is no leader, FAQ proposal %s", leader.person_id, proposal_id)
        raise CaseworkError("faq.leaders_only")
    status = FaqStatus.APPROVED if approve else FaqStatus.REJECTED
    now = clock.now()
    async with db.transaction() as conn:
        proposal = await faq.get(conn, proposal_id)
        if proposal is None:
            raise CaseworkError("faq.not_found")
        if not await faq.decide(conn, proposal_id, status, leader.person_id, now):
            raise CaseworkError("faq.decided")
        code = await _record(conn, clock, now, proposal, leader, status.value)
        decided = await faq.get(conn, proposal_id) or proposal
    return decided, code


async def withdraw(db: Database, clock: Clock, leader: Officer, entry_id: int) -> str:
    """A leader takes an entry out of use; the question's code. The proposer is told, so the
    officer who answered knows their answer is no longer given out."""
    if not may_decide(leader):
        _LOGGER.warning("refused: %s is no leader, FAQ entry %s", leader.person_id, entry_id)
        raise CaseworkError("faq.leaders_only")
    now = clock.now()
    async with db.transaction() as conn:
        proposal = await faq.get(conn, entry_id)
        if proposal is None or proposal.status is not FaqStatus.APPROVED:
            raise CaseworkError("faq.entry_not_found")
        if not await faq.withdraw(conn, entry_id, leader.person_id, now):
            raise CaseworkError("faq.withdrawn_already")
        return await _record(conn, clock, now, proposal, leader, "withdrawn")


async def _record(
    conn: Connection, clock: Clock, now: datetime, proposal: Proposal, leader: Officer, what: str
) -> str:
    """A leader's decision (approved, rejected, withdrawn) in the question's history, and told
    to the officer who proposed it; the question's code."""
    ticket = await tickets.get(conn, proposal.ticket_id)
    code = ticket.code if ticket else ""
    await events.add(
        conn,
        proposal.ticket_id,
        at=now,
        actor_id=leader.person_id,
        action=f"faq_{what}",
        from_status=None,
        to_status=None,
    )
    notice = Notice(text=t(f"faq.told_{what}", code=code), delivery=Delivery.AT_LEAST_ONCE)
    await tell(conn, clock, proposal.proposed_by, notice, f"faq:{proposal.id}:{what}")
    return code


async def may_offer(db: Database, officer: Officer, ticket: Ticket) -> bool:
    """Whether this officer's view of the question offers "➕ Thêm vào hỏi đáp": answered, theirs
    to answer, and not proposed yet (once is the rule, whatever the leaders decided)."""
    if not may_propose(ticket) or not may(actor(officer), Action.ANSWER, access(ticket)):
        return False
    return not await faq.proposed_for(db.reader, ticket.id)


async def approved(db: Database) -> list[FaqEntry]:
    """Every approved entry still in use, oldest first."""
    return await faq.approved(db.reader)


async def find(db: Database, text: str) -> FaqEntry | None:
    """The approved entry a typed question asks again, if any (bot.domain.faq.closest)."""
    return closest(await approved(db), text)
