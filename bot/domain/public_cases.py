"""Công khai: a published case as everyone may see it, and how the public list is asked for.

What leaves the commune is built here from the stored case, so that nothing personal can slip
through a page or the Open311 API by a field forgotten in a template: the view has no name,
phone, address or filer, and its free texts (content, place, result) are masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.domain.redaction import mask_personal
from bot.domain.tickets import Status, Ticket
from bot.domain.workflow import CLOSED

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
LARGEST_PAGE = 1000  # Open311 lets a server cap a page; the GeoReport v2 examples use 1000


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ended: the list is ordered by (created_at, id), newest first, so the next
    page starts below this pair whatever was filed meanwhile, and reads only its own rows."""

    created_at: datetime
    ticket_id: int

    def encode(self) -> str:
        micros = (self.created_at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.ticket_id}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        micros, _, ticket_id = text.partition("-")
        if not (micros.isdigit() and ticket_id.isdigit()) or len(micros) > 16:
            return None
        return cls(EPOCH + timedelta(microseconds=int(micros)), int(ticket_id))


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Which published cases, newest first. Every field narrows; `closed` None is both."""

    limit: int
    category_id: str | None = None
    closed: bool | None = None
    received_from: datetime | None = None  # included
    received_before: datetime | None = None  # excluded
    codes: tuple[str, ...] = ()
    after: Cursor | None = None


@dataclass(frozen=True, slots=True)
class PublishedCase:
    """A stored case the public rule lets out, with what masking and the API need beside it:
    the filer's own name (to hide it in the texts) and when the case last changed."""

    ticket: Ticket
    filer_name: str | None
    updated_at: datetime
    photos: tuple[str, ...] = ()  # the hashes of the kept photos it lets out


@dataclass(frozen=True, slots=True)
class PublicCase:
    """A published case, holding only what anyone may read."""

    code: str
    category_id: str
    department_id: str | None
    status: Status
    received_at: datetime
    accepted_at: datetime | None
    due_on: date | None
    closed_at: datetime | None
    updated_at: datetime
    content: str
    latitude: float | None
    longitude: float | None
    place: str | None
    result: str | None
    rating: str | None
    cursor: Cursor
    photos: tuple[str, ...] = ()  # kept photos an officer let out with it, by hash

    @property
    def closed(self) -> bool:
        return self.status in CLOSED


def public_view(published: PublishedCase, mask: str) -> PublicCase:
    """The case with its texts masked of the filer's name, phone and address (as they gave
    them, and each part of the address) and of any phone, ID number or e-mail; the result
    too, as an officer may quote them."""
    ticket = published.ticket
    address = ticket.contact_address or ""
    # Citizens often write part of their address (the hamlet without the commune): each part
    # the address's commas separate is hidden too, where masking alone hides only the whole.
    parts = [part for part in address.split(",") if len(part.split()) > 1]
    known = (
        published.filer_name,
        ticket.contact_name,
        ticket.contact_phone,
        address,
        *parts,
    )

    def masked(text: str | None) -> str | None:
        return None if text is None else mask_personal(text, known, mask=mask)

    return PublicCase(
        code=ticket.code,
        category_id=ticket.category_id,
        department_id=ticket.department_id,
        status=ticket.status,
        received_at=ticket.created_at,
        accepted_at=ticket.accepted_at,
        due_on=ticket.due_on,
        closed_at=ticket.closed_at,
        updated_at=published.updated_at,
        content=mask_personal(ticket.content, known, mask=mask),
        latitude=ticket.latitude,
        longitude=ticket.longitude,
        place=masked(ticket.place),
        result=masked(ticket.result) if ticket.status in CLOSED else None,
        rating=ticket.rating,
        cursor=Cursor(ticket.created_at, ticket.id),
        photos=published.photos,
    )
