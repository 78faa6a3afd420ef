"""A case as the audit trail keeps it: the case, every event, and everyone who took part."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.people import Person
from bot.domain.tickets import Ticket, TicketEvent


@dataclass(frozen=True, slots=True)
class CaseRecord:
    ticket: Ticket
    history: list[TicketEvent]
    staff: dict[int, tuple[str, str]]  # (name, title) of the officers involved, retired ones too
    citizen: Person | None
    # The department the citizen is told holds it (None: the leaders), as on the card; the
    # case's own queue (`ticket.department_id`) may differ.
    holder: str | None
