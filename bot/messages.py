"""The messages the core exchanges with people, whatever the channel: prompts and notices going
out (with the outbox's delivery promise), events coming in.

Kept apart from bot/dialogs (which words them) so that services can queue a Notice without
depending on any dialog, and the channels can render them without knowing the use cases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.choices import Option

_LONGEST_NUMBER = 15  # Telegram ids and row ids stay far below; SQLite stops at 19 digits


def parse_number(text: str) -> int | None:
    """A positive number as this bot writes it (ASCII digits, not too many), else None.

    `str.isdigit` also accepts "²" and "٣", which `int` refuses or reads as a number nobody
    typed; button data and command arguments can be forged, so they are read this strictly.
    """
    ok = text.isascii() and text.isdigit() and len(text) <= _LONGEST_NUMBER
    return int(text) if ok and int(text) > 0 else None


class Request(StrEnum):
    """Something only the person's phone can send: the channel shows a special button for it."""

    LOCATION = "location"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class Prompt:
    """One question and its choices; `ref` ties a pressed button back to this question."""

    text: str
    ref: str
    options: tuple[Option, ...] = ()
    back: bool = False
    cancel: bool = False
    request: Request | None = None


def chunks(text: str, limit: int) -> list[str]:
    """Split a long message at line breaks (or spaces) so each part fits a channel's limit."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return parts


@dataclass(frozen=True, slots=True)
class Choice:
    """A button pressed: the question it belonged to and the option's key."""

    ref: str
    key: str


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class PhotoSent:
    file_id: str
    file_unique_id: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class VoiceSent:
    """A voice note (or an audio file) as the channel described it: `duration` in seconds."""

    file_id: str
    file_unique_id: str
    duration: int
    size: int | None = None
    media_type: str | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentSent:
    """A file sent as a document (a PDF, a scan, a photo sent "as file")."""

    file_id: str
    file_unique_id: str
    file_name: str | None = None
    media_type: str | None = None
    size: int | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class LocationSent:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class ContactSent:
    phone: str
    is_own: bool


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Stickers, video and the like: answered kindly, never stored."""

    what: str


Event = (
    Choice | Text | PhotoSent | VoiceSent | DocumentSent | LocationSent | ContactSent | Unsupported
)


class Delivery(StrEnum):
    """What the outbox promises when the bot dies while a notice is being sent.

    A chat platform takes no idempotency key, so a notice handed to it at a crash may have
    arrived or not, and the bot cannot ask which. AT_LEAST_ONCE sends it again after the
    restart: someone is waiting for it (a case's result, the officer's new case), and a rare
    second copy is better than a result never learned. AT_MOST_ONCE does not: a second copy of
    an announcement to two thousand people, or of a reminder, is noise, and the next reminder
    or the list of announcements covers a lost one.
    """

    AT_MOST_ONCE = "at-most-once"
    AT_LEAST_ONCE = "at-least-once"


@dataclass(frozen=True, slots=True)
class AttachmentRef:
    """A case's attachment by its place in the case: the sender finds, when it sends, whether the
    store has the file by then (bot.services.case_files)."""

    ticket_id: int
    position: int


@dataclass(frozen=True, slots=True)
class Notice:
    """A message the commune sends on its own initiative: a new case, a status change.

    It is stored as JSON in the outbox and delivered later, so it carries only plain values:
    the text, buttons as (ref, options), and channel file ids (a photo, a voice note or a
    document) or a map point; and its `delivery` promise, which the outbox reads when a send
    was cut short. A case's file also names the attachment (`attachment`), so that what goes out
    is the file the commune keeps, with the channel's id only while there is none.
    """

    text: str
    ref: str = ""
    options: tuple[Option, ...] = ()
    photo: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    document: str | None = None
    delivery: Delivery = Delivery.AT_MOST_ONCE
    voice: str | None = None
    attachment: AttachmentRef | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "text": self.text,
                "ref": self.ref,
                "options": [[o.key, o.label] for o in self.options],
                "photo": self.photo,
                "latitude": self.latitude,
                "longitude": self.longitude,
                "document": self.document,
                "delivery": self.delivery.value,
                "voice": self.voice,
                "attachment": (
                    [self.attachment.ticket_id, self.attachment.position]
                    if self.attachment
                    else None
                ),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Notice:
        data = json.loads(text)
        attached = data.get("attachment")
        return cls(
            text=data["text"],
            ref=data.get("ref", ""),
            options=tuple(Option(key, label) for key, label in data.get("options", [])),
            photo=data.get("photo"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            document=data.get("document"),
            voice=data.get("voice"),
            attachment=AttachmentRef(attached[0], attached[1]) if attached else None,
            # Rows queued before the promise was recorded keep the one they were queued with.
            delivery=Delivery(data.get("delivery", Delivery.AT_MOST_ONCE)),
        )
