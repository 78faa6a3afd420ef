"""Accounts of channels that reach the handlers in Telegram's shape (Zalo): their local ids,
the choices shown to them, and their updates from arrival until handled."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock
from bot.domain.chats import TELEGRAM_CHANNEL, Account, ShownOptions, is_local_id
from bot.services.updates import REMEMBER_FOR
from storage import chat_links, inbox
from storage.database import Database
from storage.inbox import Arrival


async def local_id(db: Database, clock: Clock, channel: str, external_id: str) -> int:
    """The account's stable local id, given on first sight."""
    found = await chat_links.local_id(db.reader, channel, external_id)
    if found is not None:
        return found
    async with db.transaction() as conn:
        return await chat_links.link(conn, channel, external_id, clock.now())


async def linked(db: Database, channel: str, external_id: str) -> int | None:
    """The account's local id if it has one (none once its person was erased)."""
    return await chat_links.local_id(db.reader, channel, external_id)


async def account(db: Database, user_id: int) -> Account | None:
    """Who a user id of an update stands for; None for a local id no longer linked (erased)."""
    if not is_local_id(user_id):
        return Account(TELEGRAM_CHANNEL, str(user_id))
    return await chat_links.account(db.reader, user_id)


async def remember(db: Database, clock: Clock, user_id: int, shown: ShownOptions) -> None:
    async with db.transaction() as conn:
        await chat_links.remember(conn, user_id, shown, clock.now())


async def recall(db: Database, user_id: int) -> ShownOptions | None:
    return await chat_links.recall(db.reader, user_id)


async def forget_shown(db: Database, user_id: int, message_id: int | None = None) -> None:
    async with db.transaction() as conn:
        await chat_links.forget_shown(conn, user_id, message_id)


async def arrive(db: Database, clock: Clock, channel: str, event_key: str, payload: str) -> Arrival:
    """Record an update before handling it; the same event again is the same row. Handled
    updates' payloads are emptied on the way, and rows older than any re-delivery dropped."""
    now = clock.now()
    async with db.transaction() as conn:
        await inbox.tidy(conn, channel, now - REMEMBER_FOR - timedelta(days=1))
        return await inbox.receive(conn, channel, event_key, payload, now)


async def waiting(
    db: Database, channel: str, received_before: datetime | None = None
) -> list[Arrival]:
    """Updates that arrived (before `received_before`, if given) and were never handled."""
    return await inbox.unhandled(db.reader, channel, received_before)
