"""The choices a Zalo chat was last shown: forgotten whole, or only when they are the named
message's, so a late deletion of an older message leaves the newer choices in place."""

from __future__ import annotations

from bot.domain.chats import Keyboard, ShownOptions
from bot.services import chats
from storage.database import Database
from tests.support.clock import FixedClock

CHANNEL = "zalo"


async def shown(db: Database, clock: FixedClock, message_id: int) -> int:
    local = await chats.local_id(db, clock, CHANNEL, "zalo-8801")
    options = (("1. Đồng ý", "consent|agree"), ("2. Không đồng ý", "consent|decline"))
    await chats.remember(
        db, clock, local, ShownOptions(message_id, "Đồng ý?", Keyboard.INLINE, options)
    )
    return local


async def test_forgetting_another_message_keeps_the_choices(
    db: Database, clock: FixedClock
) -> None:
    local = await shown(db, clock, 41)
    await chats.forget_shown(db, local, 40)
    recalled = await chats.recall(db, local)
    assert recalled is not None
    assert recalled.message_id == 41


async def test_forgetting_that_message_drops_the_choices(db: Database, clock: FixedClock) -> None:
    local = await shown(db, clock, 41)
    await chats.forget_shown(db, local, 41)
    assert await chats.recall(db, local) is None


async def test_forgetting_without_a_message_drops_the_choices(
    db: Database, clock: FixedClock
) -> None:
    local = await shown(db, clock, 41)
    await chats.forget_shown(db, local)
    assert await chats.recall(db, local) is None
