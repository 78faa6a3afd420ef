"""Which voice notes and documents a case takes, and how its attachments are counted.

A voice note stands for written words (many of the people served speak far more easily than
they type), so its length is bounded, not refused; a document's type and size are bounded
because the officer must be able to open it and the store to keep it. What a channel says of a
file can be forged, so a length or size that no real file has is refused as unreadable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.tickets import DOCUMENT, PHOTO, VOICE, Attachment

MEGABYTE = 1024 * 1024


class Refusal(StrEnum):
    VOICE_TOO_LONG = "voice_too_long"
    DOCUMENT_TOO_BIG = "document_too_big"
    DOCUMENT_TYPE = "document_type"
    TOO_MANY = "too_many"
    UNREADABLE = "unreadable"


def voice_refusal(duration: int, max_seconds: int) -> Refusal | None:
    if duration < 0:
        return Refusal.UNREADABLE
    return Refusal.VOICE_TOO_LONG if duration > max_seconds else None


def document_refusal(
    size: int | None, media_type: str | None, max_mb: int, types: Sequence[str]
) -> Refusal | None:
    """`size` None: the channel did not say; the type decides, and the store learns the size."""
    if size is not None and size < 0:
        return Refusal.UNREADABLE
    if (media_type or "").lower() not in {allowed.lower() for allowed in types}:
        return Refusal.DOCUMENT_TYPE
    if size is not None and size > max_mb * MEGABYTE:
        return Refusal.DOCUMENT_TOO_BIG
    return None


@dataclass(frozen=True, slots=True)
class Tally:
    """What a case carries, as the read-back and the card count it."""

    photos: int = 0
    voices: int = 0
    seconds: int = 0
    documents: int = 0


def tally(kinds_and_durations: Iterable[tuple[str, int | None]]) -> Tally:
    photos = voices = seconds = documents = 0
    for kind, duration in kinds_and_durations:
        if kind == PHOTO:
            photos += 1
        elif kind == VOICE:
            voices += 1
            seconds += duration or 0
        elif kind == DOCUMENT:
            documents += 1
    return Tally(photos, voices, seconds, documents)


def has_room(
    kept: Sequence[Attachment], adding: Sequence[Attachment], max_photos: int, max_files: int
) -> bool:
    """Whether a filed case takes `adding` on top of `kept`: as many again as its filing could
    bring, photos and voice notes or documents apart."""
    photos = sum(1 for a in (*kept, *adding) if a.kind == PHOTO)
    others = len(kept) + len(adding) - photos
    return photos <= 2 * max_photos and others <= 2 * max_files
