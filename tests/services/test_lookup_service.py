"""A citizen pages through their own cases and opens one by code, never someone else's."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Config
from bot.domain.people import Person
from bot.services.intake import submit_case
from bot.services.lookup import my_case, my_cases
from storage.database import Database
from tests.services.factories import citizen, feedback
from tests.support.clock import FixedClock


async def file_cases(
    db: Database, clock: FixedClock, config: Config, person: Person, count: int, tag: str
) -> list[str]:
    """Files `count` cases an hour apart; returns their codes, oldest first."""
    codes = []
    for n in range(count):
        clock.advance(timedelta(hours=1))
        ticket = await submit_case(
            db, clock, config, person, feedback(f"{tag}-{n}", content=f"Việc số {n} của {tag}")
        )
        codes.append(ticket.code)
    return codes


async def test_pages_are_newest_first_and_sized_by_the_argument(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "5101")
    neighbour = await citizen(db, clock, "5102")
    mine = await file_cases(db, clock, config, person, 3, "mine")
    await file_cases(db, clock, config, neighbour, 2, "theirs")
    mine += await file_cases(db, clock, config, person, 2, "mine-later")
    newest_first = list(reversed(mine))

    first = await my_cases(db, config, person, page=1, page_size=2)
    assert [t.code for t in first.tickets] == newest_first[0:2]
    assert (first.page, first.pages, first.total) == (1, 3, 5)

    second = await my_cases(db, config, person, page=2, page_size=2)
    assert [t.code for t in second.tickets] == newest_first[2:4]
    assert (second.page, second.pages, second.total) == (2, 3, 5)

    last = await my_cases(db, config, person, page=3, page_size=2)
    assert [t.code for t in last.tickets] == newest_first[4:5]
    assert (last.page, last.pages, last.total) == (3, 3, 5)

    whole = await my_cases(db, config, person, page=1, page_size=5)
    assert [t.code for t in whole.tickets] == newest_first
    assert (whole.page, whole.pages, whole.total) == (1, 1, 5)


async def test_cases_filed_in_the_same_instant_are_newest_first_too(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "5103")
    codes = [
        (await submit_case(db, clock, config, person, feedback(f"same-{n}"))).code for n in range(3)
    ]
    found = await my_cases(db, config, person, page=1, page_size=10)
    assert [t.code for t in found.tickets] == list(reversed(codes))


async def test_a_page_past_the_end_shows_the_last_page(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "5104")
    codes = await file_cases(db, clock, config, person, 5, "past")

    beyond = await my_cases(db, config, person, page=99, page_size=2)
    assert (beyond.page, beyond.pages, beyond.total) == (3, 3, 5)
    assert [t.code for t in beyond.tickets] == [codes[0]]

    before = await my_cases(db, config, person, page=0, page_size=2)
    assert before.page == 1
    assert [t.code for t in before.tickets] == [codes[4], codes[3]]


async def test_no_cases_is_one_empty_page(db: Database, clock: FixedClock, config: Config) -> None:
    person = await citizen(db, clock, "5105")
    neighbour = await citizen(db, clock, "5106")
    await file_cases(db, clock, config, neighbour, 2, "neighbour")

    empty = await my_cases(db, config, person, page=1, page_size=5)
    assert (empty.tickets, empty.page, empty.pages, empty.total) == ([], 1, 1, 0)
    assert (await my_cases(db, config, person, page=4, page_size=5)).page == 1


async def test_my_case_finds_only_the_citizens_own_code(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "5107")
    neighbour = await citizen(db, clock, "5108")
    [mine] = await file_cases(db, clock, config, person, 1, "own")
    [theirs] = await file_cases(db, clock, config, neighbour, 1, "other")

    found = await my_case(db, config, person, mine)
    assert found is not None
    assert found.code == mine
    assert found.content == "Việc số 0 của own"

    assert await my_case(db, config, person, theirs) is None
    assert await my_case(db, config, neighbour, mine) is None
    assert await my_case(db, config, person, "SN-2026-99999") is None
