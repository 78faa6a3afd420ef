"""/chan for admins to ban or lift a ban, and the gate that keeps a banned person out."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.dialogs.notices import day
from bot.domain.chats import TELEGRAM_CHANNEL, Account
from bot.services import bans, chats
from bot.services.bans import Standing
from bot.services.refusal import CaseworkError
from bot.texts import t
from handlers.accounts import known_of
from handlers.context import Context
from handlers.officer import admin_desk
from handlers.render import refuse_long, reply_target
from storage.bans import Ban

LIFT = "bo"
_LONGEST_ID = 17  # a local id (above 2^52) has 16 digits


async def _named(context: Context, typed: str) -> Account | None:
    """The account an admin names: a Telegram id, or the local id a Zalo citizen is known by
    (the id the rate limit logs and /chan lists)."""
    number = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= _LONGEST_ID else 0
    return await chats.account(context.services.db, number) if number > 0 else None


async def _shown_id(context: Context, ban: Ban) -> str:
    """How /chan lists a banned account: the id an admin types to lift the ban."""
    if ban.channel == TELEGRAM_CHANNEL:
        return ban.external_id
    services = context.services
    return str(await chats.local_id(services.db, services.clock, ban.channel, ban.external_id))


async def keep_out(update: Update, context: Context) -> None:
    """Runs first of all: a banned person is told once, then nothing of theirs goes further."""
    sender = await known_of(update, context)
    if sender is None:
        return
    who, known = sender
    services = context.services
    found = await bans.standing(services.db, services.clock, who, known)
    if found is Standing.HEARD:
        return
    if found is Standing.TELL:
        if update.callback_query is not None:
            await update.callback_query.answer()
        message = reply_target(update)
        if message is not None:
            reason = known.ban.reason if known.ban else ""
            office = services.config.commune.office_contact or services.config.commune.name
            await message.reply_text(t("bans.notice", reason=reason, office=office))
    raise ApplicationHandlerStop


async def ban_command(update: Update, context: Context) -> None:
    """`/chan` lists the bans; `/chan ID reason…` bans; `/chan bo ID` lifts a ban."""
    desk = await admin_desk(update, context)
    if desk is None:
        return
    admin, message = desk
    services = context.services
    args = list(context.args or [])
    if not args:
        found = await bans.banned(services.db)
        zone = services.config.commune.zone
        lines = [t("bans.list_title", count=len(found))]
        lines += [
            t(
                "bans.list_line",
                id=await _shown_id(context, b),
                reason=b.reason,
                day=day(b.banned_at.astimezone(zone).date()),
            )
            for b in found
        ]
        lines.append(t("bans.usage"))
        await message.reply_text("\n".join(lines))
    elif args[0].lower() == LIFT and len(args) == 2 and (named := await _named(context, args[1])):
        lifted = await bans.unban(services.db, services.clock, admin, named)
        await message.reply_text(t("bans.lifted" if lifted else "bans.not_banned", id=args[1]))
    elif len(args) >= 2 and (account := await _named(context, args[0])) is not None:
        reason = " ".join(args[1:])
        limit = services.config.limits.note_max
        if await refuse_long(message, reason, limit, staff=True):
            return
        try:
            await bans.ban(services.db, services.clock, admin, account, reason, limit)
        except CaseworkError as error:
            await message.reply_text(t(error.reason))
            return
        await message.reply_text(t("bans.done", id=args[0], reason=reason.strip()))
    else:
        await message.reply_text(t("bans.usage"))
