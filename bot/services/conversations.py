"""Where a person stands in their conversations: the conversation states and what each person's
conversation holds (their draft, sealed when there is a key), kept so a citizen half-way
through continues after a restart.

The channel's persistence (handlers.telegram.persistence) reads them at start-up and writes
them inside the transaction that marks an update handled, so the writes take the caller's
connection, like bot.services.notifications.tell.
"""

from __future__ import annotations

from typing import Any

from bot.sealing import Sealer
from storage import conversations
from storage.connection import Connection
from storage.database import Database


async def load_drafts(db: Database, sealer: Sealer | None) -> dict[int, dict[str, Any]]:
    return await conversations.load_user_data(db.reader, sealer)


async def load_states(db: Database, name: str) -> dict[tuple[Any, ...], Any]:
    return await conversations.load_states(db.reader, name)


async def load_draft_in(conn: Connection, user_id: int, sealer: Sealer | None) -> dict[str, Any]:
    """One person's draft, read in the caller's transaction."""
    return await conversations.load_user_data_of(conn, user_id, sealer)


async def people_with_drafts(conn: Connection) -> set[int]:
    return await conversations.stored_users(conn)


async def save_draft(
    conn: Connection, user_id: int, data: dict[str, Any], sealer: Sealer | None
) -> None:
    """An empty conversation deletes the person's row."""
    await conversations.save_user_data(conn, user_id, data, sealer)


async def save_state(
    conn: Connection, name: str, key: tuple[Any, ...], state: object | None
) -> None:
    await conversations.save_state(conn, name, key, state)
