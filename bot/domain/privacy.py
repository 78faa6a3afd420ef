"""Personal data rights: the erasure window, and what erasing leaves of a text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.domain.redaction import mask_personal

ERASURE = "erasure"  # the reminder kind of an erasure request not yet completed
REMIND_BEFORE = timedelta(days=2)


def erasure_due(requested_at: datetime, days: int) -> datetime:
    """The law counts the window in days from the request (at most 15)."""
    return requested_at + timedelta(days=days)


def reminder_at(requested_at: datetime, due: datetime) -> datetime:
    """Two days before the end, so the Office still has time; never before the request."""
    return max(requested_at, due - REMIND_BEFORE)


def erase_text(text: str, known: Iterable[str | None], mask: str) -> str:
    """What the commune keeps of a citizen's text: the matter, without the person's name,
    phone, address (as they gave them), nor any phone number, ID number or e-mail."""
    return mask_personal(text, known, mask=mask)
