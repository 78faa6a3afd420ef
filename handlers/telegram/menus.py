"""Each officer's command menu in Telegram (the list beside the text box), kept in step with
who they are: set at start-up, and again whenever an admin adds, changes or retires them, or
they open the bot, since Telegram keeps a chat's menu until it is replaced or deleted."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, TelegramError

from bot.dialogs.staff import staff_commands
from bot.domain.chats import TELEGRAM_CHANNEL
from bot.domain.people import Officer
from bot.services.officers import all_officers, retired_officers
from bot.texts import t
from handlers.telegram.context import App

_LOGGER = logging.getLogger(__name__)
CITIZEN_COMMANDS = (
    "start",
    "guidon",
    "tracuu",
    "lich",
    "dangky",
    "huydangky",
    "thongbao",
    "dulieu",
    "xoadulieu",
    "huy",
    "trogiup",
)


def _chat(channel: str, external_id: str) -> BotCommandScopeChat | None:
    telegram = channel == TELEGRAM_CHANNEL and external_id.isascii() and external_id.isdigit()
    return BotCommandScopeChat(int(external_id)) if telegram else None


async def show(bot: Bot, officer: Officer, triage_department: str) -> None:
    """The commands this officer's roles allow, in their chat.

    A menu that cannot be set yet (they have not opened the bot, or Telegram is out of reach)
    is only logged: it is set again at their /start and at the next start-up."""
    scope = _chat(officer.channel, officer.external_id)
    if scope is None:
        return
    names = staff_commands(officer, triage_department)
    commands = [BotCommand(name, t(f"commands.staff.{name}")) for name in names]
    try:
        await bot.set_my_commands(commands, scope=scope)
    except BadRequest:
        _LOGGER.info("officer %s has not opened the bot yet", officer.person_id)
    except TelegramError as error:
        _LOGGER.warning("command menu of officer %s not set (%s)", officer.person_id, error)


async def drop(bot: Bot, channel: str, external_id: str) -> None:
    """A retired officer's chat goes back to the citizens' menu."""
    scope = _chat(channel, external_id)
    if scope is None:
        return
    try:
        await bot.delete_my_commands(scope=scope)
    except BadRequest:
        _LOGGER.info("no command menu to delete for %s", external_id)
    except TelegramError as error:
        _LOGGER.warning("command menu of %s not deleted (%s)", external_id, error)


async def announce_commands(app: App) -> None:
    """The command menu Telegram shows next to the text box: citizens' by default, each
    officer's own (with /canbo for admins) in their chat, and the default again in the chat of
    an officer retired while the bot was down (dropped from config)."""
    commands = [BotCommand(name, t(f"commands.{name}")) for name in CITIZEN_COMMANDS]
    await app.bot.set_my_commands(commands)
    triage = app.bot_data.services.config.routing.triage_department
    for officer in await all_officers(app.bot_data.services.db):
        await show(app.bot, officer, triage)
    for officer in await retired_officers(app.bot_data.services.db):
        await drop(app.bot, officer.channel, officer.external_id)
