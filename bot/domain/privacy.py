"""Personal data rights: the erasure window, and what erasing leaves of a text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.people import Person
from bot.domain.reception import Session
from bot.domain.redaction import mask_personal
from bot.domain.tickets import Ticket

ERASURE = "erasure"  # the reminder kind of an erasure request not yet completed
REMIND_BEFORE = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class ErasureRequest:
    id: int
    person_id: int
    requested_at: datetime
    due_at: datetime
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Booking:
    session_key: str
    topic: str
    created_at: datetime
    cancelled: bool


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything stored about one citizen, as /dulieu shows it."""

    person: Person
    cases: list[Ticket]
    bookings: list[Booking]
    reception_since: datetime | None
    announcements_since: datetime | None
    erasure: ErasureRequest | None
    # The booked sessions as the schedule stands, by key; one since cancelled is absent.
    sessions: dict[str, Session]
    notice_current: bool  # whether the consent on record is to the notice in force


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
