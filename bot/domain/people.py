"""People: citizens and officers, each reached on one chat channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# The channel of a person whose personal data was erased: nothing can reach them any more.
ERASED_CHANNEL = "erased"
# The channel of the accounts of other systems that file cases through the Open311 API: they
# read a case's progress there, and no message is ever queued for them.
API_CHANNEL = "open311"
# The channel of pseudonymous persons: a denouncer's cases are filed under one of these, and
# who they stand for is sealed (bot/sealing.py).
SEALED_CHANNEL = "sealed"


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


@dataclass(frozen=True, slots=True)
class Officer:
    person_id: int
    channel: str
    external_id: str
    name: str
    title: str
    department_id: str | None
    roles: frozenset[Role]
    active: bool = True
    last_assigned_at: datetime | None = None
    night_ok: bool = False  # agreed to get reminders during quiet hours

    def has(self, role: Role) -> bool:
        return role in self.roles
