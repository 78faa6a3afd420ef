"""A citizen looking up their own cases, and only their own."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.people import Person
from bot.domain.tickets import Ticket
from storage import tickets
from storage.database import Database


@dataclass(frozen=True, slots=True)
class CasePage:
    tickets: list[Ticket]
    page: int
    pages: int
    total: int


async def my_cases(db: Database, citizen: Person, page: int, page_size: int) -> CasePage:
    """A page of the citizen's cases; a page past the end shows the last one."""
    total = await tickets.count_for_citizen(db.reader, citizen.id)
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    found = await tickets.page_for_citizen(db.reader, citizen.id, page_size, (page - 1) * page_size)
    return CasePage(found, page, pages, total)


async def my_case(db: Database, citizen: Person, code: str) -> Ticket | None:
    return await tickets.find_for_citizen(db.reader, citizen.id, code)
