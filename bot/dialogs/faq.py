"""How a FAQ proposal reads: the officer's one button on an answered question, and the leaders'
card with "✅ Duyệt" / "❌ Không duyệt". Buttons carry the question's or proposal's number only."""

from __future__ import annotations

from bot.domain.choices import Option
from bot.domain.faq import FaqEntry, Proposal
from bot.domain.tickets import Ticket
from bot.messages import Delivery, Notice, Prompt
from bot.texts import t

PROPOSE_REF = "faqp"  # faqp.<ticket id>|propose, under an answered question
DECIDE_REF = "faqd"  # faqd.<proposal id>|approve or |reject, on a leader's card
PROPOSE = "propose"
APPROVE = "approve"
REJECT = "reject"


def propose_options() -> tuple[Option, ...]:
    return (Option(PROPOSE, t("faq.propose")),)


def propose_prompt(ticket: Ticket, text: str) -> Prompt:
    """`text` (what was just done) with the one button that proposes the question as an entry."""
    return Prompt(text=text, ref=f"{PROPOSE_REF}.{ticket.id}", options=propose_options())


def decide_options() -> tuple[Option, ...]:
    return (
        Option(APPROVE, t("faq.approve"), ("duyet", "dong y")),
        Option(REJECT, t("faq.reject"), ("khong duyet", "khong")),
    )


def leader_card(proposal: Proposal, code: str, proposer: str) -> Notice:
    return Notice(
        text=t(
            "faq.card",
            code=code,
            name=proposer,
            question=proposal.question,
            answer=proposal.answer,
        ),
        ref=f"{DECIDE_REF}.{proposal.id}",
        options=decide_options(),
        delivery=Delivery.AT_LEAST_ONCE,
    )


def found_text(entry: FaqEntry) -> str:
    return t("questions.faq_found", question=entry.question, answer=entry.answer)
