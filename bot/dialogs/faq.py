"""How a FAQ proposal reads: the officer's one button on an answered question, the leaders'
card with "✅ Duyệt" / "❌ Không duyệt", and the leaders' list of the entries in use (/hoidap),
each with "🗑 Gỡ". Buttons carry the question's, proposal's or entry's number only."""

from __future__ import annotations

from collections.abc import Sequence

from bot.dialogs.summary import shorten
from bot.domain.choices import Option
from bot.domain.faq import FaqEntry, Proposal
from bot.domain.tickets import Ticket
from bot.messages import Delivery, Notice, Prompt
from bot.texts import t

PROPOSE_REF = "faqp"  # faqp.<ticket id>|propose, under an answered question
DECIDE_REF = "faqd"  # faqd.<proposal id>|approve or |reject, on a leader's card
WITHDRAW_REF = "faqw"  # faqw|<entry id> on the list; faqw.<entry id>|yes or |no to confirm
PROPOSE = "propose"
APPROVE = "approve"
REJECT = "reject"
CONFIRM = "yes"
KEEP = "no"
# Entries per message of the /hoidap list, so that a long FAQ never passes Telegram's 4,096
# characters a message nor a keyboard too long to scroll on a small phone.
PAGE = 10
LINE_LIMIT = 120  # characters of a question or answer shown in the list; the rest is "…"


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


def entry_pages(entries: Sequence[FaqEntry]) -> list[tuple[str, list[FaqEntry]]]:
    """The /hoidap list: each page's text and the entries whose "🗑 Gỡ" buttons go under it."""
    if not entries:
        return [(t("faq.none_in_use"), [])]
    pages = []
    for start in range(0, len(entries), PAGE):
        chunk = list(entries[start : start + PAGE])
        lines = [
            t(
                "faq.in_use_line",
                number=e.id,
                question=shorten(e.question, LINE_LIMIT),
                answer=shorten(e.answer, LINE_LIMIT),
            )
            for e in chunk
        ]
        head = [t("faq.in_use", count=len(entries))] if start == 0 else []
        pages.append(("\n".join([*head, *lines]), chunk))
    return pages


def confirm_text(entry: FaqEntry) -> str:
    return t("faq.withdraw_confirm", number=entry.id, question=shorten(entry.question, LINE_LIMIT))
