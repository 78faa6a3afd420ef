"""Conversation state and drafts kept in SQLite, so a citizen half-way through continues after
the bot is killed and started again.

What python-telegram-bot hands over is kept until written:
`handlers.wiring.application.DurableApplication` writes it after each update in the transaction that
marks the update handled (one commit instead of three, and a crash keeps both or neither), and
`flush` writes what PTB's periodic and final runs hand over.

On a shared database (several processes) the rows are the truth and memory only a copy: under
the person's turn, before their update is handled, their draft and conversation states are read
again (with the gates' other reads, bot.services.gates) and replace memory here, since another
process may have handled their last update.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from collections.abc import Set as AbstractSet
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import BasePersistence, PersistenceInput

from bot.sealing import Sealer
from bot.services import conversations
from handlers.telegram.context import BotData, ChatData, UserData
from storage.connection import Connection
from storage.database import Database

if TYPE_CHECKING:
    from telegram.ext._utils.trackingdict import TrackingDict

# The shapes BasePersistence speaks in (python-telegram-bot keeps its aliases private).
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]
Write = Callable[[Connection], Awaitable[None]]
Pick = Callable[[ConversationKey], bool]
Change = Callable[[dict[str, Any]], bool]


def _everything(key: ConversationKey) -> bool:
    return True


def keys_of(update: Update) -> list[ConversationKey]:
    """Every key a conversation may file the update's person under: per chat, per user, or
    both (python-telegram-bot's ConversationHandler._get_key)."""
    chat = update.effective_chat.id if update.effective_chat else None
    user = update.effective_user.id if update.effective_user else None
    keys: list[ConversationKey] = [(chat,)] if chat is not None else []
    if user is not None:
        keys += [(user,)] if chat is None else [(user,), (chat, user)]
    return keys


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
        self.sealer = sealer
        self._users: dict[int, UserData] = {}
        self._states: dict[tuple[str, ConversationKey], object | None] = {}
        # Users with a stored row: PTB hands over every sender's data after every update, and
        # most have none (commands, look-ups, the steps before a draft); deleting a row that
        # is not there still costs a trip to the database (make bench, ingest).
        self._stored: set[int] | None = None

    async def get_user_data(self) -> dict[int, UserData]:
        return await conversations.load_drafts(self._db, self.sealer)

    async def get_chat_data(self) -> dict[int, ChatData]:
        return {}

    async def get_bot_data(self) -> BotData:
        return BotData()

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        return await conversations.load_states(self._db, name)

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        self._states[(name, key)] = new_state

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        self._users[user_id] = data

    async def drop_user_data(self, user_id: int) -> None:
        await self.update_user_data(user_id, {})

    @asynccontextmanager
    async def pending(self, pick: Pick = _everything) -> AsyncIterator[Write]:
        """What was handed over and not written yet, of the keys `pick` takes (a user's id
        alone, or a conversation's key), as a write for the caller's transaction; it stays
        pending, behind anything handed over meanwhile, if the transaction fails."""
        users = {user: data for user, data in self._users.items() if pick((user,))}
        states = {key: state for key, state in self._states.items() if pick(key[1])}
        for user in users:
            del self._users[user]
        for key in states:
            del self._states[key]
        deleted: set[int] = set()

        async def write(conn: Connection) -> None:
            if self._stored is None:
                self._stored = await conversations.people_with_drafts(conn)
            for user_id, data in users.items():
                if not data and user_id not in self._stored:
                    continue
                await conversations.save_draft(conn, user_id, data, self.sealer)
                if data:
                    self._stored.add(user_id)
                else:
                    self._stored.discard(user_id)
                    deleted.add(user_id)
            for (name, key), state in states.items():
                await conversations.save_state(conn, name, key, state)

        try:
            yield write
        except BaseException:
            self._users = users | self._users
            self._states = states | self._states
            if self._stored is not None:
                self._stored |= deleted  # rolled back: their rows are still there
            raise

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        """Chat data is not kept."""

    async def update_bot_data(self, data: BotData) -> None:
        """Bot data holds only the wiring, which is rebuilt at start-up."""

    async def update_callback_data(self, data: CDCData) -> None:
        """Buttons carry their own data; there is no callback cache to keep."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not kept."""

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """Nothing to do when python-telegram-bot asks, after the update's first handler
        matched: on a shared database `reload_user_data` already ran under the person's turn,
        before the handlers' filters read the data; a sole writer's memory is current."""

    def reload_user_data(self, user_id: int, user_data: UserData, stored: UserData) -> None:
        """The `stored` draft replaces memory (on a shared database, read under the person's
        turn before any handler looks at the update)."""
        self._users.pop(user_id, None)
        if self._stored is not None:
            if stored:
                self._stored.add(user_id)
            else:
                self._stored.discard(user_id)
        user_data.clear()
        user_data.update(stored)

    async def amend_user_data(self, user_id: int, change: Change) -> None:
        """Change a person's stored data outside their updates (a notice delivered to them):
        `change` edits the data in place and says whether it changed anything. Only on a
        shared database, where the person's next update, in whichever process, reads the row
        again; memory is left alone, since an update of theirs may be under way here."""
        async with self._db.transaction() as conn:
            stored = await conversations.load_draft_in(conn, user_id, self.sealer)
            if not change(stored):
                return
            await conversations.save_draft(conn, user_id, stored, self.sealer)
        if self._stored is not None:
            if stored:
                self._stored.add(user_id)
            else:
                self._stored.discard(user_id)

    def refresh_conversations(
        self,
        states: dict[str, TrackingDict[ConversationKey, object]],
        keys: list[ConversationKey],
        stored: dict[tuple[str, ConversationKey], object],
    ) -> None:
        """The `stored` states at `keys` (by conversation name and key) replace the ones in
        `states` (each ConversationHandler's own, by name): python-telegram-bot reads a
        conversation's state from memory before any of the update's handlers run, and has no
        hook to refresh it. Nothing is marked for writing back, since memory now equals the
        rows."""
        for name, current in states.items():
            for key in keys:
                self._states.pop((name, key), None)
                if (name, key) in stored:
                    current.update_no_track({key: stored[(name, key)]})
                else:
                    current.data.pop(key, None)

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        """Chat data is not kept."""

    async def refresh_bot_data(self, bot_data: BotData) -> None:
        """Bot data is not kept."""

    async def flush(self, holding: AbstractSet[object] = frozenset()) -> None:
        """Writes what is pending in a transaction of its own, but for the keys holding any of
        `holding` (people whose updates are being handled: their own transaction writes it)."""
        if not self._users and not self._states:
            return
        async with self.pending(holding.isdisjoint) as write, self._db.transaction() as conn:
            await write(conn)
