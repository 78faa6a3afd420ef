"""Conversation state and drafts as JSON, so a half-written case survives a restart."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite


async def load_states(conn: aiosqlite.Connection, name: str) -> dict[tuple[Any, ...], Any]:
    async with conn.execute(
        "SELECT key, state FROM conversation_states WHERE name = ?", (name,)
    ) as cursor:
        return {tuple(json.loads(row[0])): json.loads(row[1]) async for row in cursor}


async def save_state(
    conn: aiosqlite.Connection, name: str, key: tuple[Any, ...], state: object | None
) -> None:
    """Store a conversation's state; None means the conversation ended."""
    encoded_key = json.dumps(list(key))
    if state is None:
        await conn.execute(
            "DELETE FROM conversation_states WHERE name = ? AND key = ?", (name, encoded_key)
        )
        return
    await conn.execute(
        "INSERT INTO conversation_states (name, key, state) VALUES (?, ?, ?) "
        "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
        (name, encoded_key, json.dumps(state)),
    )


async def load_user_data(conn: aiosqlite.Connection) -> dict[int, dict[str, Any]]:
    async with conn.execute("SELECT user_id, data FROM conversation_data") as cursor:
        return {int(row[0]): json.loads(row[1]) async for row in cursor}


async def save_user_data(conn: aiosqlite.Connection, user_id: int, data: dict[str, Any]) -> None:
    """Store what a person's conversation holds; nothing is kept for an empty one."""
    if not data:
        await conn.execute("DELETE FROM conversation_data WHERE user_id = ?", (user_id,))
        return
    await conn.execute(
        "INSERT INTO conversation_data (user_id, data) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
        (user_id, json.dumps(data, ensure_ascii=False)),
    )
