"""Công khai: which cases may be shown to everyone, and only with their filer's consent.

Only a phản ánh or kiến nghị is ever published, and only when the citizen said yes when filing
it. A khiếu nại or tố cáo concerns a person and their rights; a tin báo names somebody who did
wrong; a case about an officer's conduct is a personnel matter: none of them is ever published,
whatever was consented. Consent is withdrawn by the citizen, by erasure, and in effect by the
case becoming one of those.
"""

from __future__ import annotations

from bot.domain.tickets import Kind, Ticket

PUBLISHABLE_KINDS = frozenset({Kind.FEEDBACK, Kind.PETITION})


def may_ask(kind: Kind | None, *, tip: bool, conduct: bool) -> bool:
    """Whether filing this case asks the citizen to publish it."""
    return kind in PUBLISHABLE_KINDS and not tip and not conduct


def is_public(ticket: Ticket, conduct_category: str | None) -> bool:
    """Whether the case may be shown on the public page and through the open API now."""
    return (
        ticket.public
        and ticket.kind in PUBLISHABLE_KINDS
        and not ticket.sealed
        and not ticket.erased
        and ticket.subject_id is None
        and (conduct_category is None or ticket.category_id != conduct_category)
    )
