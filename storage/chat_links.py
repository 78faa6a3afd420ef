"""Local ids of accounts on channels that reach the handlers in Telegram's shape (see
bot.domain.chats), and the choices last shown in their chats."""

from __future__ import annotations

import json
from datetime import datetime

from bot.domain.chats import LOCAL_ID_BASE, TELEGRAM_CHANNEL, Account, Keyboard, ShownOptions
from storage.connection import Connection
from storage.rows import first, iso, single


async def local_id(conn: Connection, channel: str, external_id: str) -> int | None:
    row = await first(
        conn,
        "SELECT local_id FROM chat_links WHERE channel = ? AND external_id = ?",
        (channel, external_id),
    )
    return int(row[0]) if row else None


async def link(conn: Connection, channel: str, external_id: str, now: datetime) -> int:
    """The account's local id, given on first sight and kept from then on."""
    found = await local_id(conn, channel, external_id)
    if found is not None:
        return found
    row = await single(
        conn,
        "INSERT INTO chat_links (local_id, channel, external_id, created_at) "
        "VALUES ((SELECT COALESCE(MAX(local_id), ?) + 1 FROM chat_links), ?, ?, ?) "
        "RETURNING local_id",
        (LOCAL_ID_BASE, channel, external_id, iso(now)),
    )
    return int(row[0])


async def account(conn: Connection, local: int) -> Account | None:
    row = await first(
        conn, "SELECT channel, external_id FROM chat_links WHERE local_id = ?", (local,)
    )
    return Account(row[0], row[1]) if row else None


async def chat_user_id(conn: Connection, channel: str, external_id: str) -> int | None:
    """The user id the handlers know the account by (drafts and dialog states are kept under
    it): its local id, or a Telegram account's own id."""
    linked = await local_id(conn, channel, external_id)
    if linked is not None:
        return linked
    if channel == TELEGRAM_CHANNEL and external_id.isascii() and external_id.isdigit():
        return int(external_id)
    return None


async def unlink(conn: Connection, channel: str, external_id: str) -> None:
    """Erasure: the account is no longer tied to its local id (nor to its shown choices)."""
    await conn.execute(
        "DELETE FROM chat_links WHERE channel = ? AND external_id = ?", (channel, external_id)
    )


async def remember(conn: Connection, local: int, shown: ShownOptions, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO shown_options (local_id, message_id, text, kind, options, shown_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (local_id) DO UPDATE SET "
        "message_id = excluded.message_id, text = excluded.text, kind = excluded.kind, "
        "options = excluded.options, shown_at = excluded.shown_at",
        (
            local,
            shown.message_id,
            shown.text,
            shown.kind.value,
            json.dumps(shown.options, ensure_ascii=False),
            iso(now),
        ),
    )


async def recall(conn: Connection, local: int) -> ShownOptions | None:
    row = await first(
        conn,
        "SELECT message_id, text, kind, options FROM shown_options WHERE local_id = ?",
        (local,),
    )
    if row is None:
        return None
    options = tuple((str(label), str(data)) for label, data in json.loads(row[3]))
    return ShownOptions(int(row[0]), str(row[1]), Keyboard(row[2]), options)


async def forget_shown(conn: Connection, local: int, message_id: int | None) -> None:
    """Forget the chat's choices; with a message id, only if they are that message's."""
    await conn.execute(
        "DELETE FROM shown_options WHERE local_id = ? "
        "AND (CAST(? AS BIGINT) IS NULL OR message_id = ?)",
        (local, message_id, message_id),
    )
