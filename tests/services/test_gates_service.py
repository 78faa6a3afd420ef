"""The gates' reads in one unit: on a shared database the turn is taken by its first statement
and everything after it is read as the turn's last holder left it; a message is counted in the
shared window only when the turn was taken for an update not handled yet."""

from __future__ import annotations

from datetime import timedelta

from bot.config import Config, sealer
from bot.domain.chats import Account
from bot.domain.limits import RateLimiter, Verdict
from bot.services import gates
from bot.services.citizens import give_consent
from bot.services.conversations import save_draft, save_state
from bot.services.gates import Arrival, Opened
from bot.services.turns import Turns
from bot.services.updates import mark_handled
from storage.connection import Connection
from storage.database import Database
from tests.conftest import POSTGRESQL_ONLY
from tests.services.factories import CHANNEL
from tests.support.clock import FixedClock

PERSON = 7101
LIMITER = RateLimiter(limit=1, period=60.0)


def arrival(update_id: int, person: int = PERSON) -> Arrival:
    return Arrival(
        channel=CHANNEL,
        update_id=update_id,
        account=Account(CHANNEL, str(person)),
        user=person,
        conversations=["intake", "booking"],
        keys=[(person,), (person, person)],
    )


async def open_as(
    turns: Turns, db: Database, clock: FixedClock, config: Config, update_id: int
) -> Opened | None:
    return await gates.open_shared(
        db,
        clock,
        arrival(update_id),
        turn_of=PERSON,
        holder=turns,
        limiter=LIMITER,
        sealer=sealer(config),
    )


async def test_alone_the_sender_is_looked_up_unless_the_update_was_handled(
    db: Database, clock: FixedClock
) -> None:
    await give_consent(db, clock, CHANNEL, str(PERSON), "Lê Thị Hoa")
    opened = await gates.open_alone(db, arrival(1), handled=False)
    assert opened.sender is not None
    account, known = opened.sender
    assert account == Account(CHANNEL, str(PERSON))
    assert known.person is not None
    assert known.person.display_name == "Lê Thị Hoa"
    assert (opened.verdict, opened.draft, opened.states) == (None, None, None)
    assert await gates.open_alone(db, arrival(1), handled=True) == Opened(handled=True)


@POSTGRESQL_ONLY
async def test_shared_one_unit_takes_the_turn_and_reads_what_its_last_holder_left(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await give_consent(db, clock, CHANNEL, str(PERSON), "Lê Thị Hoa")

    async def left_by_the_last_holder(conn: Connection) -> None:
        await save_draft(conn, PERSON, {"draft": {"step": "content"}}, sealer(config))
        await save_state(conn, "intake", (PERSON, PERSON), "CONTENT")

    await db.unit(left_by_the_last_holder)
    await mark_handled(db, clock, CHANNEL, 1)
    turns = Turns(db, clock, "a")
    opened = await open_as(turns, db, clock, config, 2)
    assert opened is not None
    assert not opened.handled
    assert opened.sender is not None
    assert opened.sender[1].person is not None
    assert opened.draft == {"draft": {"step": "content"}}
    assert opened.states == {("intake", (PERSON, PERSON)): "CONTENT"}
    assert opened.verdict is Verdict.ALLOW
    assert not await Turns(db, clock, "b").take(PERSON), "the turn is a's"
    handled = await open_as(turns, db, clock, config, 1)
    assert handled is not None
    assert handled.handled
    assert handled.verdict is None, "an update handled already is not counted"


@POSTGRESQL_ONLY
async def test_shared_a_turn_held_elsewhere_opens_nothing_and_counts_nothing(
    db: Database, clock: FixedClock, config: Config
) -> None:
    holder, waiter = Turns(db, clock, "a"), Turns(db, clock, "b")
    assert await holder.take(PERSON)
    for _ in range(3):
        assert await open_as(waiter, db, clock, config, 5) is None
    await holder.give_back(PERSON)
    opened = await open_as(waiter, db, clock, config, 5)
    assert opened is not None
    assert opened.verdict is Verdict.ALLOW, "the waits were not counted (the limit is one)"
    clock.advance(timedelta(seconds=1))
    again = await open_as(waiter, db, clock, config, 6)
    assert again is not None
    assert again.verdict is Verdict.WARN
