"""Conversation state and drafts kept in SQLite, so a citizen half-way through continues after
the bot is killed and started again.

Every write commits at once; `bot.app.DurableApplication` asks for a write after each update,
so nothing waits for the periodic flush.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.sealing import Sealer
from handlers.context import BotData, ChatData, UserData
from storage import conversations
from storage.database import Database

# The shapes BasePersistence speaks in (python-telegram-bot keeps its aliases private).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]


class SqlitePersistence(BasePersistence[UserData, ChatData, BotData]):
    """Stores user data (the draft, sealed when there is a key) and conversation states;
    nothing else is kept per chat."""

    def __init__(self, db: Database, sealer: Sealer | None = None) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            )
        )
        self._db = db
        self._sealer = sealer

    async def get_user_data(self) -> dict[int, UserData]:
        return await conversations.load_user_data(self._db.reader, self._sealer)

    async def get_chat_data(self) -> dict[int, ChatData]:
        return {}

    async def get_bot_data(self) -> BotData:
        return BotData()

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        return await conversations.load_states(self._db.reader, name)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        async with self._db.transaction() as conn:
            await conversations.save_state(conn, name, key, new_state)

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        async with self._db.transaction() as conn:
            await conversations.save_user_data(conn, user_id, data, self._sealer)

    async def drop_user_data(self, user_id: int) -> None:
        await self.update_user_data(user_id, {})

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        """Chat data is not kept."""

    async def update_bot_data(self, data: BotData) -> None:
        """Bot data holds only the wiring, which is rebuilt at start-up."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Buttons carry their own data; there is no callback cache to keep."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not kept."""

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """This process is the only writer, so memory is already current."""

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        """Chat data is not kept."""

    async def refresh_bot_data(self, bot_data: BotData) -> None:
        """Bot data is not kept."""

    async def flush(self) -> None:
        """Every write is already committed."""
