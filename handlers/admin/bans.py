"""/chan for admins to ban or lift a ban, and the gate that keeps a banned person out."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.dialogs.notices import day
from bot.dialogs.staff import sub_command
from bot.domain.chats import TELEGRAM_CHANNEL, Account
from bot.domain.tickets import parse_code
from bot.services import bans, chats
from bot.services.bans import Listed, Standing
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.officer.desk import admin_desk
from handlers.telegram.accounts import known_of
from handlers.telegram.context import Context
from handlers.telegram.render import refuse_long, reply_target

LIFT = "bo"
_LONGEST_ID = 17  # a local id (above 2^52) has 16 digits


class _Named:
    """Whom an admin named, and how the answer reads it back: by the id typed, or by the case
    code and channel (never by who a sealed denouncer is)."""

    def __init__(self, account: Account, typed: str, code: str | None) -> None:
        self.account = account
        self.code = code
        self.id = typed

    def said(self, key: str, **values: str) -> str:
        if self.code is None:
            return t(f"bans.{key}", id=self.id, **values)
        channel = t(f"bans.channel.{self.account.channel}")
        return t(f"bans.{key}_case", code=self.code, channel=channel, **values)


async def _named(context: Context, typed: str) -> _Named | None:
    """The account an admin names: a Telegram id, the local id a Zalo citizen is known by (the
    id /chan lists), or the code of a case, which names whoever filed it."""
    db = context.services.db
    code = parse_code(typed)
    if code is not None:
        return _Named(await bans.filer_of(db, code), typed, code)
    number = int(typed) if typed.isascii() and typed.isdigit() and len(typed) <= _LONGEST_ID else 0
    account = await chats.account(db, number) if number > 0 else None
    return _Named(account, typed, None) if account is not None else None


def _line(listed: Listed, context: Context) -> str:
    """A ban as /chan lists it, under the id an admin types to lift it: a Telegram id, a Zalo
    citizen's local id, or for a pseudonym the code of its case."""
    ban, code = listed.ban, listed.code
    if ban.channel == TELEGRAM_CHANNEL:
        shown = ban.external_id
    else:
        shown = str(listed.local_id or code or ban.external_id)
    return t(
        "bans.list_line",
        id=shown,
        channel=t(f"bans.channel.{ban.channel}"),
        case=t("bans.list_case", code=code) if code and code != shown else "",
        reason=ban.reason,
        day=day(ban.banned_at.astimezone(context.services.config.commune.zone).date()),
    )


async def keep_out(update: Update, context: Context) -> None:
    """Runs first of all: a banned person is told once, then nothing of theirs goes further."""
    sender = known_of(update, context)
    if sender is None:
        return
    _, known = sender
    services = context.services
    found, ban = await bans.standing(services.db, services.clock, services.config, known)
    if found is Standing.HEARD:
        return
    if found is Standing.TELL:
        if update.callback_query is not None:
            await update.callback_query.answer()
        message = reply_target(update)
        if message is not None:
            reason = ban.reason if ban else ""
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
        lines = [t("bans.list_title", count=len(found))]
        lines += [_line(listed, context) for listed in found]
        lines.append(t("bans.usage"))
        await message.reply_text("\n".join(lines))
        return
    lifting = sub_command(args[0]) == LIFT
    if (lifting and len(args) != 2) or (not lifting and len(args) < 2):
        await message.reply_text(t("bans.usage"))
        return
    try:
        named = await _named(context, args[1] if lifting else args[0])
        if named is None:
            await message.reply_text(t("bans.usage"))
        elif lifting:
            lifted = await bans.unban(services.db, services.clock, admin, named.account)
            await message.reply_text(named.said("lifted" if lifted else "not_banned"))
        else:
            reason = " ".join(args[1:])
            limit = services.config.limits.note_max
            if await refuse_long(message, reason, limit, staff=True):
                return
            await bans.ban(services.db, services.clock, admin, named.account, reason, limit)
            await message.reply_text(named.said("done", reason=reason.strip()))
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
