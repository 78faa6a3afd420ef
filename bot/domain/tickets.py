"""Cases (hồ sơ): their kinds, statuses and codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Kind(StrEnum):
    FEEDBACK = "feedback"  # phản ánh
    PETITION = "petition"  # kiến nghị
    COMPLAINT = "complaint"  # khiếu nại
    DENUNCIATION = "denunciation"  # tố cáo
    # câu hỏi: a citizen asks the commune something; answered by an officer, not a matter the
    # law gives a procedure, so it is never published and asks for no identity.
    QUESTION = "question"

    @property
    def needs_identity(self) -> bool:
        """Complaints and denunciations must carry name, address and contact (domain.md)."""
        return self in (Kind.COMPLAINT, Kind.DENUNCIATION)


# The kinds a citizen files as a case (đơn) through the intake; a question has its own flow.
CASE_KINDS = (Kind.FEEDBACK, Kind.PETITION, Kind.COMPLAINT, Kind.DENUNCIATION)
# A question names no category: the citizen does not classify it, and routing gives it to the
# triage department (bot.domain.routing), whose officers know whom to ask.
QUESTION_CATEGORY = ""


class Status(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    WAITING_CITIZEN = "waiting_citizen"
    REASSIGNED = "reassigned"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    REFUSED = "refused"


_CODE = re.compile(r"^([A-Z][A-Z0-9]{0,9})-(\d{4})-(\d{5,})$")


def format_code(prefix: str, year: int, number: int) -> str:
    """SN-2026-00042: short enough to read over the phone, unique per commune."""
    return f"{prefix}-{year}-{number:05d}"


def parse_code(text: str) -> str | None:
    """The canonical case code in what a person typed, or None.

    People type codes in lower case, with spaces or odd dashes; accept those, refuse the rest.
    """
    cleaned = re.sub(r"[\s\u2010-\u2015_.]+", "-", text.strip().upper()).strip("-")
    cleaned = re.sub(r"-+", "-", cleaned)
    return cleaned if _CODE.match(cleaned) else None


PHOTO = "photo"
VOICE = "voice"
DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file of a case as the channel described it on arrival (kind PHOTO, VOICE or
    DOCUMENT); the details are empty where the channel said nothing, and for photos."""

    kind: str
    file_id: str
    file_unique_id: str
    duration: int | None = None  # seconds, a voice note
    size: int | None = None  # bytes
    media_type: str | None = None
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    id: int
    code: str
    kind: Kind
    category_id: str
    status: Status
    content: str
    created_at: datetime
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_address: str | None = None
    attachments: tuple[Attachment, ...] = ()
    citizen_id: int = 0
    department_id: str | None = None
    assignee_id: int | None = None
    subject_id: int | None = None
    accepted_at: datetime | None = None
    closed_at: datetime | None = None
    result: str | None = None
    rating: str | None = None
    due_on: date | None = None
    complex: bool = False
    extensions: int = 0
    sealed: bool = False  # filed under a pseudonym; the identity is sealed, not in the fields
    erased: bool = False  # the citizen's personal data erased (on request or at retention's end)
    public: bool = False  # its filer consented to publish it, and has not withdrawn
    # an officer of the case looked at its photos and let them out with it (shown only while
    # it is public)
    photos_public: bool = False

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


@dataclass(frozen=True, slots=True)
class NewTicket:
    code: str
    draft_id: str
    citizen_id: int
    kind: Kind
    category_id: str
    department_id: str | None
    content: str
    latitude: float | None
    longitude: float | None
    place: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_address: str | None
    attachments: tuple[Attachment, ...]
    due_on: date | None = None
    sealed: bool = False
    public: bool = False


@dataclass(frozen=True, slots=True)
class TicketEvent:
    at: datetime
    actor_id: int | None
    action: str
    from_status: Status | None
    to_status: Status | None
    note: str | None
