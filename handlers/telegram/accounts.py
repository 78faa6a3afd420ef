"""Who sent an update, as the people table knows them: (channel, external id).

A Telegram user is their own id; a Zalo citizen reaches the handlers under a local id above
2^52 (bot.domain.chats), which stands for their Zalo account. Every handler asks here, so a
ban, a consent, a draft or an erasure is always about the right account on the right channel.
"""

from __future__ import annotations

from telegram import Update

from bot.domain.chats import Account
from bot.domain.people import Officer, Person
from bot.services import chats
from bot.services.accounts import Known
from bot.services.citizens import find_citizen
from bot.services.officers import find_officer
from handlers.telegram.context import Context
from storage.database import Database


async def account_of(update: Update, context: Context) -> Account | None:
    """None without a sender, or for a local id whose account was erased meanwhile."""
    user = update.effective_user
    return await chats.account(context.services.db, user.id) if user else None


def known_of(update: Update, context: Context) -> tuple[Account, Known] | None:
    """The sender and what is known of them, as the gates' unit read them before the handlers
    (bot.services.gates), for the three gates (ban, rate, consent): they run one after another
    before any other handler, and whatever one of them writes (a ban's notice, a consent) ends
    the update, so none reads what another changed."""
    return context.bot_data.opened.of(update).sender


async def citizen_of(update: Update, context: Context) -> Person | None:
    who = await account_of(update, context)
    return await find_citizen(context.services.db, who.channel, who.external_id) if who else None


async def officer_of(update: Update, context: Context) -> Officer | None:
    who = await account_of(update, context)
    return await find_officer(context.services.db, who.channel, who.external_id) if who else None


async def update_account(db: Database, update: Update) -> Account | None:
    """Who sent an update, before any handler runs; its channel is the one the update came
    through, under which its id is remembered once handled (Telegram's without a sender)."""
    user = update.effective_user
    return await chats.account(db, user.id) if user else None
