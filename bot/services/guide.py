"""Guiding a citizen to what they ask about: the procedure catalog searched by chat, each search
counted (never who searched) for the leaders' report."""

from __future__ import annotations

from datetime import datetime

from bot.clock import Clock
from bot.config import Config
from bot.config.procedures import Procedure
from bot.domain.guide import EntryKind, Found, GuideEntry, GuideFigures, GuideIndex, Lookup
from storage import guide_lookups
from storage.database import Database

# The report lists this many searches that found nothing.
MISSED_SHOWN = 20


def procedure_entries(config: Config) -> tuple[GuideEntry, ...]:
    """The catalog's procedures as guide entries; the FAQ's answered questions join them in the
    same index (EntryKind.FAQ)."""
    catalog = config.procedures.content
    if catalog is None:
        return ()
    return tuple(
        GuideEntry(EntryKind.PROCEDURE, p.id, p.name, p.aliases) for p in catalog.procedures
    )


def build_index(config: Config) -> GuideIndex:
    """Built once at start: a look-up then only reads it."""
    return GuideIndex(procedure_entries(config))


def procedure(config: Config, procedure_id: str) -> Procedure | None:
    """A procedure by the id a button carries; None for an id the catalog does not have (a
    forged button, or one from before the catalog changed)."""
    catalog = config.procedures.content
    return catalog.procedure(procedure_id) if catalog is not None else None


def common(config: Config) -> tuple[Procedure, ...]:
    catalog = config.procedures.content
    return tuple(p for p in catalog.procedures if p.common) if catalog is not None else ()


async def look_up(
    db: Database, clock: Clock, config: Config, index: GuideIndex, text: str, channel: str
) -> Found:
    """Search the guide, and count the search, found or not, in its own transaction."""
    found = index.search(text)
    if found.query:
        lookup = Lookup.of(found, clock.now(), channel, config.limits.note_max)
        async with db.transaction() as conn:
            await guide_lookups.record(conn, lookup)
    return found


async def figures_between(db: Database, start: datetime, end: datetime) -> GuideFigures:
    reader = db.reader
    return GuideFigures(
        searches=await guide_lookups.count_between(reader, start, end),
        found=tuple(await guide_lookups.found_between(reader, start, end)),
        missed=tuple(await guide_lookups.missed_between(reader, start, end, MISSED_SHOWN)),
    )
