"""Use cases: each takes what it needs, applies the domain rules and owns one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from storage.database import Database


@dataclass(frozen=True, slots=True)
class Services:
    """What every use case may need, built once at start-up and handed to the channels."""

    config: Config
    db: Database
    clock: Clock
