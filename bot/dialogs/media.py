"""How voice notes and documents read: taken or refused at intake and in a supplement, counted
in the read-back, listed on the officer's card and in /hoso.

One place for the words, because the same voice note is spoken of to the citizen when it
arrives, in the read-back, and to the officer; they must tell one story.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import Config
from bot.dialogs.summary import shorten
from bot.domain.attachments import (
    MEGABYTE,
    Refusal,
    document_refusal,
    tally,
    voice_refusal,
)
from bot.domain.draft import Media, clean_text
from bot.domain.tickets import DOCUMENT, VOICE, Attachment
from bot.messages import DocumentSent, VoiceSent
from bot.texts import t

MediaEvent = VoiceSent | DocumentSent
NAME_LIMIT = 120  # a file name as shown
STORED_NAME_LIMIT = 255


def file_name(name: str | None) -> str:
    cleaned = clean_text(name or "").replace("\n", " ")
    return shorten(cleaned, NAME_LIMIT) if cleaned else t("intake.media.unnamed")


def _stored_name(name: str | None) -> str | None:
    """A name as the client sent it can hold anything (a right-to-left mark that turns
    "fdp.exe" into "exe.pdf", a megabyte of letters): kept clean and bounded."""
    cleaned = clean_text(name or "").replace("\n", " ")
    return shorten(cleaned, STORED_NAME_LIMIT) if cleaned else None


def megabytes(size: int | None) -> str:
    """A size as people read it: 1,5 MB (a Vietnamese decimal comma)."""
    return f"{(size or 0) / MEGABYTE:.1f}".replace(".", ",")


def _types(config: Config) -> str:
    return ", ".join(config.intake.document_types) or t("summary.none")


def refusal_text(refusal: Refusal, event: MediaEvent, config: Config) -> str:
    limits = config.intake
    key = f"intake.media.{refusal.value}"
    if isinstance(event, VoiceSent):
        return t(key, seconds=event.duration, max=limits.voice_max_seconds)
    name = file_name(event.file_name)
    if refusal is Refusal.DOCUMENT_TOO_BIG:
        return t(key, name=name, size=megabytes(event.size), max=limits.document_max_mb)
    if refusal is Refusal.DOCUMENT_TYPE:
        return t(key, name=name, types=_types(config))
    return t(key, max=limits.max_files)


def refusal_of(event: MediaEvent, config: Config) -> Refusal | None:
    limits = config.intake
    if isinstance(event, VoiceSent):
        return voice_refusal(event.duration, limits.voice_max_seconds)
    return document_refusal(
        event.size, event.media_type, limits.document_max_mb, limits.document_types
    )


def media_of(event: MediaEvent) -> Media:
    if isinstance(event, VoiceSent):
        return Media(
            kind=VOICE,
            file_id=event.file_id,
            file_unique_id=event.file_unique_id,
            duration=event.duration,
            size=event.size,
            media_type=event.media_type,
        )
    return Media(
        kind=DOCUMENT,
        file_id=event.file_id,
        file_unique_id=event.file_unique_id,
        size=event.size,
        media_type=event.media_type,
        file_name=_stored_name(event.file_name),
    )


def accepted_media(
    media: Sequence[Media], event: MediaEvent, config: Config
) -> tuple[list[Media], str | None]:
    """The draft's media with this one added, or unchanged with the words of its refusal; the
    same file sent twice (an update delivered again) is kept once."""
    if any(m.file_unique_id == event.file_unique_id for m in media):
        return list(media), None
    refusal = refusal_of(event, config)
    if refusal is None and len(media) >= config.intake.max_files:
        refusal = Refusal.TOO_MANY
    if refusal is not None:
        return list(media), refusal_text(refusal, event, config)
    return [*media, media_of(event)], None


def received_notice(event: MediaEvent, *, first: bool = False) -> str:
    if isinstance(event, VoiceSent):
        return t("intake.media.voice_received", seconds=event.duration)
    key = "intake.media.document_first" if first else "intake.media.document_received"
    return t(key, name=file_name(event.file_name))


def card_lines(attachments: Sequence[Attachment]) -> list[str]:
    """The card's and /hoso's lines: how many voice notes and documents follow, then each."""
    counted = tally((a.kind, a.duration) for a in attachments)
    lines = []
    if counted.voices:
        lines.append(t("card.media.voices", count=counted.voices, seconds=counted.seconds))
        voices = [a for a in attachments if a.kind == VOICE]
        lines += [
            t("card.media.voice_line", n=n, seconds=a.duration or 0)
            for n, a in enumerate(voices, start=1)
        ]
    if counted.documents:
        lines.append(t("card.media.documents", count=counted.documents))
        documents = [a for a in attachments if a.kind == DOCUMENT]
        lines += [
            t("card.media.document_line", n=n, name=file_name(a.file_name))
            for n, a in enumerate(documents, start=1)
        ]
    return lines


def caption(attachment: Attachment, code: str, n: int) -> str:
    """The words sent with the n-th file of its kind, to the officer."""
    if attachment.kind == VOICE:
        return t("card.media.voice_caption", n=n, code=code, seconds=attachment.duration or 0)
    if attachment.kind == DOCUMENT:
        return t(
            "card.media.document_caption", n=n, code=code, name=file_name(attachment.file_name)
        )
    return t("card.photo_caption", code=code, n=n)


def attachment_of(event: MediaEvent) -> Attachment:
    """A voice note or document as a filed case keeps it."""
    m = media_of(event)
    return Attachment(
        m.kind, m.file_id, m.file_unique_id, m.duration, m.size, m.media_type, m.file_name
    )


def files_word(files: Sequence[Attachment]) -> str:
    """What was added, in a word per kind: "ảnh", "tin nhắn thoại", "ảnh, tệp tài liệu"."""
    kinds = dict.fromkeys(a.kind for a in files)
    return ", ".join(t(f"citizen.files.{kind}") for kind in kinds)


def files_note(files: Sequence[Attachment], words: str | None) -> str:
    """The case history's note of a supplement of files: what came, and its words if any."""
    what = files_word(files)
    return f"{what}: {words}" if words else what
