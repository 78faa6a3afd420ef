"""What a refused action says, and the words people write into a case.

Kept apart from the action mechanism so that every use case (casework, reception, citizens)
can refuse politely without depending on the others.
"""

from __future__ import annotations

from bot.dialogs.summary import shorten
from bot.domain.limits import NOTE_CEILING


class CaseworkError(Exception):
    """An action that cannot be done; `reason` names the polite sentence to answer with."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_note(value: str, limit: int = NOTE_CEILING) -> str:
    """A question, result, reason or topic as stored: trimmed, never empty, bounded."""
    cleaned = value.strip()
    if not cleaned:
        raise CaseworkError("case.empty_text")
    return shorten(cleaned, limit)
