"""A citizen looking up their own cases, and only their own."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Config
from bot.domain.people import Person
from bot.domain.tickets import Ticket
from bot.services.denouncers import filer_ids
from storage import tickets
from storage.database import Database


@dataclass(frozen=True, slots=True)
class CasePage:
    tickets: list[Ticket]
    page: int
    pages: int
    total: int


async def my_cases(
    db: Database, config: Config, citizen: Person, page: int, page_size: int
) -> CasePage:
    """A page of the citizen's cases, sealed ones included; a page past the end shows the last."""
    ids = await filer_ids(db.reader, config, citizen)
    total = await tickets.count_for_citizen(db.reader, ids)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    found = await tickets.page_for_citizen(db.reader, ids, page_size, (page - 1) * page_size)
    return CasePage(found, page, pages, total)


async def my_case(db: Database, config: Config, citizen: Person, code: str) -> Ticket | None:
    ids = await filer_ids(db.reader, config, citizen)
    return await tickets.find_for_citizen(db.reader, ids, code)
