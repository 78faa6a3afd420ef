"""The words people write into a case (a question, a result, a reason, a topic), as stored."""

from __future__ import annotations

from bot.dialogs.summary import shorten
from bot.domain.limits import NOTE_CEILING
from bot.services.errors import CaseworkError


def clean_note(value: str, limit: int = NOTE_CEILING) -> str:
    """A question, result, reason or topic as stored: trimmed, never empty, bounded."""
    cleaned = value.strip()
    if not cleaned:
        raise CaseworkError("case.empty_text")
    return shorten(cleaned, limit)
