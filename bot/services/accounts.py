"""What is known of whoever sent an update: their person, the officer they are, their ban."""

from __future__ import annotations

from bot.domain.chats import Account
from storage import accounts
from storage.accounts import Known as Known  # noqa: PLC0414 - re-exported: what look_up returns
from storage.database import Database


async def look_up(db: Database, account: Account) -> Known:
    return await accounts.known(db.reader, account.channel, account.external_id)
