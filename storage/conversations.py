"""Conversation state and drafts as JSON, so a half-written case survives a restart."""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.sealing import Sealer, SealError
from storage.connection import Connection, Later, Row, dialect_of, fetch_later, send

_LOGGER = logging.getLogger(__name__)


async def load_states(conn: Connection, name: str) -> dict[tuple[Any, ...], Any]:
    rows = await conn.execute_fetchall(
        "SELECT key, state FROM conversation_states WHERE name = ?", (name,)
    )
    return {tuple(json.loads(row[0])): json.loads(row[1]) for row in rows}


async def states_of_later(
    conn: Connection, names: list[str], keys: list[tuple[Any, ...]]
) -> Later[dict[tuple[str, tuple[Any, ...]], Any]]:
    """The states of the conversations `names` at any of `keys`, by (name, key), read along
    with the gates' other reads (`fetch_later`)."""
    dialect = dialect_of(conn)
    named, keyed = dialect.members("name"), dialect.members("key")
    rows = await fetch_later(
        conn,
        f"SELECT name, key, state FROM conversation_states WHERE {named} AND {keyed}",  # noqa: S608
        (dialect.values(names), dialect.values([json.dumps(list(key)) for key in keys])),
    )
    return rows.then(_states)


def _states(rows: list[Row]) -> dict[tuple[str, tuple[Any, ...]], Any]:
    return {(str(row[0]), tuple(json.loads(row[1]))): json.loads(row[2]) for row in rows}


async def save_state(
    conn: Connection, name: str, key: tuple[Any, ...], state: object | None
) -> None:
    """Store a conversation's state; None means the conversation ended."""
    encoded_key = json.dumps(list(key))
    if state is None:
        await send(
            conn, "DELETE FROM conversation_states WHERE name = ? AND key = ?", (name, encoded_key)
        )
        return
    await send(
        conn,
        "INSERT INTO conversation_states (name, key, state) VALUES (?, ?, ?) "
        "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
        (name, encoded_key, json.dumps(state)),
    )


def _opened(user_id: int, text: str, sealer: Sealer | None) -> dict[str, Any] | None:
    """A stored draft: plain JSON, or sealed; one that cannot be opened is dropped."""
    if text.startswith("{"):
        return dict(json.loads(text))
    try:
        if sealer is not None:
            return dict(json.loads(sealer.open(text)))
    except SealError:
        pass
    _LOGGER.warning("the sealed conversation of user %s cannot be opened; dropped", user_id)
    return None


async def load_user_data(
    conn: Connection, sealer: Sealer | None = None
) -> dict[int, dict[str, Any]]:
    rows = await conn.execute_fetchall("SELECT user_id, data FROM conversation_data")
    opened = {int(row[0]): _opened(int(row[0]), str(row[1]), sealer) for row in rows}
    return {user_id: data for user_id, data in opened.items() if data is not None}


async def load_user_data_of(
    conn: Connection, user_id: int, sealer: Sealer | None = None
) -> dict[str, Any]:
    """One person's conversation; empty when nothing is kept for them."""
    return await (await user_data_of_later(conn, user_id, sealer)).value()


async def user_data_of_later(
    conn: Connection, user_id: int, sealer: Sealer | None = None
) -> Later[dict[str, Any]]:
    """`load_user_data_of`, read along with the unit's other reads (`fetch_later`)."""
    rows = await fetch_later(
        conn, "SELECT data FROM conversation_data WHERE user_id = ?", (user_id,)
    )

    def opened(found: list[Row]) -> dict[str, Any]:
        drafts = [_opened(user_id, str(row[0]), sealer) for row in found]
        return next((data for data in drafts if data is not None), {})

    return rows.then(opened)


async def stored_users(conn: Connection) -> set[int]:
    """The users whose conversation holds something."""
    rows = await conn.execute_fetchall("SELECT user_id FROM conversation_data")
    return {int(row[0]) for row in rows}


async def save_user_data(
    conn: Connection,
    user_id: int,
    data: dict[str, Any],
    sealer: Sealer | None = None,
) -> None:
    """Store what a person's conversation holds; nothing is kept for an empty one.

    With a key every draft is sealed, whatever its kind: a sealed draft of a tố cáo then looks
    like any other, and its identity fields never reach the file in clear.
    """
    if not data:
        await send(conn, "DELETE FROM conversation_data WHERE user_id = ?", (user_id,))
        return
    text = json.dumps(data, ensure_ascii=False)
    await send(
        conn,
        "INSERT INTO conversation_data (user_id, data) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data",
        (user_id, sealer.seal(text) if sealer else text),
    )
