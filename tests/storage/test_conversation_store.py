"""Drafts and conversation states written by one process are read back by the next, on the
test's database (SQLite, or PostgreSQL with NGHE_DAN_TEST_BACKEND=postgresql)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from handlers.telegram.persistence import SqlitePersistence
from storage.database import Database

DRAFT = {
    "draft": {
        "draft_id": "d-1",
        "step": "content",
        "kind": "feedback",
        "category_id": "moi-truong",
        "content": "Khói đốt rơm rạ bay vào khu dân cư — “mỗi chiều”, ồn ào & ngột ngạt.",
        "photos": [{"file_id": "f1", "file_unique_id": "u1"}],
        "latitude": 20.5,
        "wants_contact": None,
    },
    "ghi_chú": "Đường làng ngập nước 🌧️",
}

Restart = Callable[[], Awaitable[SqlitePersistence]]
Reopen = Callable[[], Awaitable[Database]]
Raw = Callable[[str], Awaitable[list[tuple[Any, ...]]]]


@pytest.fixture
async def restart(reopen: Reopen) -> AsyncIterator[Restart]:
    """A fresh Database and persistence on the same database, as a new process would open them."""
    opened: list[Database] = []

    persistences: list[SqlitePersistence] = []

    async def start() -> SqlitePersistence:
        if opened:
            await persistences[-1].flush()  # as the application does after every update
            await opened[-1].close()
        opened.append(await reopen())
        persistences.append(SqlitePersistence(opened[-1]))
        return persistences[-1]

    yield start
    await opened[-1].close()


@pytest.fixture
async def raw(reopen: Reopen) -> AsyncIterator[Raw]:
    """Rows as another process reads them, on a handle of its own."""
    db = await reopen()

    async def read(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await db.reader.execute_fetchall(sql)]

    yield read
    await db.close()


async def test_user_data_survives_a_restart(restart: Restart) -> None:
    before = await restart()
    await before.update_user_data(6001, DRAFT)
    await before.update_user_data(6002, {"draft": {"draft_id": "d-2"}})

    after = await restart()
    assert await after.get_user_data() == {6001: DRAFT, 6002: {"draft": {"draft_id": "d-2"}}}


async def test_user_data_is_replaced_not_merged(restart: Restart) -> None:
    before = await restart()
    await before.update_user_data(6001, DRAFT)
    await before.update_user_data(6001, {"other": 1})

    after = await restart()
    assert await after.get_user_data() == {6001: {"other": 1}}


async def test_empty_user_data_deletes_the_row(restart: Restart, raw: Raw) -> None:
    before = await restart()
    await before.update_user_data(6001, DRAFT)
    await before.update_user_data(6002, {"keep": True})
    await before.update_user_data(6001, {})
    await before.drop_user_data(6002)

    after = await restart()
    assert await after.get_user_data() == {}
    assert await raw("SELECT * FROM conversation_data") == []


async def test_vietnamese_text_is_stored_readably(restart: Restart, raw: Raw) -> None:
    persistence = await restart()
    await persistence.update_user_data(6001, DRAFT)
    await persistence.flush()
    [(data,)] = await raw("SELECT data FROM conversation_data")
    assert "Khói đốt rơm rạ" in data
    assert "🌧️" in data


async def test_conversation_state_survives_a_restart(restart: Restart) -> None:
    before = await restart()
    await before.update_conversation("intake", (6001, 6001), "content")
    await before.update_conversation("intake", (6002, 6002), "photos")
    await before.update_conversation("intake", (6001, 6001), "location")
    await before.update_conversation("lookup", (6001, 6001), "page")

    after = await restart()
    assert await after.get_conversations("intake") == {
        (6001, 6001): "location",
        (6002, 6002): "photos",
    }
    assert await after.get_conversations("lookup") == {(6001, 6001): "page"}
    assert await after.get_conversations("unknown") == {}


async def test_conversation_keys_may_mix_numbers_and_text(restart: Restart) -> None:
    before = await restart()
    await before.update_conversation("intake", (-100123, "Bước một", 7), "nội dung")

    after = await restart()
    assert await after.get_conversations("intake") == {(-100123, "Bước một", 7): "nội dung"}


async def test_ending_a_conversation_deletes_its_state(restart: Restart, raw: Raw) -> None:
    before = await restart()
    await before.update_conversation("intake", (6001, 6001), "content")
    await before.update_conversation("intake", (6002, 6002), "photos")
    await before.update_conversation("intake", (6001, 6001), None)
    await before.update_conversation("intake", (6003, 6003), None)  # nothing to end

    after = await restart()
    assert await after.get_conversations("intake") == {(6002, 6002): "photos"}
    assert await raw("SELECT key FROM conversation_states") == [("[6002, 6002]",)]


async def test_nothing_else_is_kept(restart: Restart) -> None:
    before = await restart()
    await before.update_chat_data(6001, {"x": 1})
    after = await restart()
    assert await after.get_chat_data() == {}
    assert await after.get_callback_data() is None


async def test_what_is_handed_over_waits_for_a_write(restart: Restart, raw: Raw) -> None:
    persistence = await restart()
    await persistence.update_user_data(6001, DRAFT)
    await persistence.update_conversation("intake", (6001, 6001), "content")
    assert await raw("SELECT * FROM conversation_data") == []

    await persistence.flush()
    assert len(await raw("SELECT * FROM conversation_data")) == 1
    assert len(await raw("SELECT * FROM conversation_states")) == 1


async def _hand_over_then_fail(
    persistence: SqlitePersistence, db: Database, meanwhile: dict[str, Any] | None = None
) -> None:
    """A transaction that writes what is pending, then fails before its commit."""
    async with persistence.pending() as write, db.transaction() as conn:
        await write(conn)
        if meanwhile is not None:
            await persistence.update_user_data(6001, meanwhile)
        raise RuntimeError("the transaction failed")


async def test_a_failed_transaction_keeps_the_writes_pending(
    restart: Restart, raw: Raw, db: Database
) -> None:
    persistence = await restart()
    await persistence.update_user_data(6001, DRAFT)
    await persistence.update_user_data(6002, DRAFT)
    await persistence.update_conversation("intake", (6001, 6001), "content")
    with pytest.raises(RuntimeError):
        await _hand_over_then_fail(persistence, db, {"newer": 1})
    assert await raw("SELECT * FROM conversation_data") == []

    after = await restart()  # the fixture flushes the first one, as the next update would
    assert await after.get_user_data() == {6001: {"newer": 1}, 6002: DRAFT}
    assert await after.get_conversations("intake") == {(6001, 6001): "content"}


async def test_a_conversation_emptied_after_a_restart_is_deleted(
    restart: Restart, raw: Raw
) -> None:
    before = await restart()
    await before.update_user_data(6001, DRAFT)
    after = await restart()
    await after.update_user_data(6001, {})
    await after.update_user_data(6002, {})  # never stored: nothing to delete
    await after.flush()
    assert await raw("SELECT * FROM conversation_data") == []


async def test_a_deletion_rolled_back_is_made_again(
    restart: Restart, raw: Raw, db: Database
) -> None:
    persistence = await restart()
    await persistence.update_user_data(6001, DRAFT)
    await persistence.flush()
    await persistence.update_user_data(6001, {})
    with pytest.raises(RuntimeError):
        await _hand_over_then_fail(persistence, db)
    assert len(await raw("SELECT * FROM conversation_data")) == 1

    await persistence.flush()
    assert await raw("SELECT * FROM conversation_data") == []


async def test_each_update_writes_only_its_own_persons_drafts(db: Database, raw: Raw) -> None:
    """Two people's updates are handled at once: the transaction of one must not carry the
    other's half-way draft, or a crash could keep a step whose update comes again."""
    persistence = SqlitePersistence(db)
    await persistence.update_user_data(11, {"draft": {"step": "content"}})
    await persistence.update_conversation("intake", (11, 11), "content")
    await persistence.update_user_data(22, {"draft": {"step": "kind"}})
    await persistence.update_conversation("intake", (22, 22), "kind")

    async with persistence.pending({22}.isdisjoint) as write, db.transaction() as conn:
        await write(conn)  # everything but person 22's: as if 22's update were in flight
    assert await raw("SELECT user_id FROM conversation_data") == [(11,)]
    assert await raw("SELECT key FROM conversation_states") == [("[11, 11]",)]

    await persistence.flush(holding={22})  # PTB's periodic run while 22 is still in flight
    assert await raw("SELECT user_id FROM conversation_data") == [(11,)]
    await persistence.flush()
    assert sorted(await raw("SELECT user_id FROM conversation_data")) == [(11,), (22,)]
    assert len(await raw("SELECT key FROM conversation_states")) == 2
