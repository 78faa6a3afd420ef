"""What supervisors watch: the cases that went wrong, with what may identify a person kept
alongside so that it can be taken out before anything is shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.tickets import Ticket, TicketEvent


@dataclass(frozen=True, slots=True)
class Watched:
    ticket: Ticket
    # A denunciation or a conduct case (`workflow.restricted`): only its code and dates show.
    restricted: bool
    reopened: int  # how often it came back after being closed
    # The citizen's names as the commune knows them (Telegram's, the one they gave), to be
    # masked wherever they typed them into the content (as whole phrases: `redaction`).
    personal: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Watchlist:
    today: date
    overdue: list[Watched]
    reopened: list[Watched]  # reopened and not overdue: the overdue ones are listed above


@dataclass(frozen=True, slots=True)
class WatchedCase:
    case: Watched
    history: list[TicketEvent]
    names: dict[int, str]  # the officers who acted on it, by person id
