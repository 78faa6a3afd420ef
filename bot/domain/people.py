"""People: citizens and officers, each reached on one chat channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    RECEPTION = "reception"
    LEADER = "leader"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    channel: str
    external_id: str
    display_name: str
    consent_at: datetime | None
    consent_notice: str | None

    @property
    def has_consented(self) -> bool:
        return self.consent_at is not None
