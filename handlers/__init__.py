"""Telegram-facing handlers; `register` is the one list of them, in the order they are tried."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.dialogs.menu import MENU_REF, MenuItem
from handlers import consent, intake, lookup, menu
from handlers.context import App
from handlers.errors import on_error

CONSENT_GROUP = -1


def register(app: App) -> None:
    # Before anything else: a person who has not agreed to the privacy notice gets only that.
    app.add_handler(TypeHandler(Update, consent.require_consent), group=CONSENT_GROUP)

    # Order matters below: in one group only the first matching handler runs.
    # 1. What works at any time, also half-way through a case, without touching the draft.
    app.add_handler(CommandHandler("start", menu.start))
    app.add_handler(CommandHandler("tracuu", lookup.lookup_command))
    app.add_handler(CommandHandler("lich", menu.show_schedule))
    app.add_handler(CommandHandler("trogiup", menu.show_help))
    app.add_handler(CallbackQueryHandler(lookup.lookup_button, pattern=rf"^{lookup.LOOKUP_REF}\|"))
    others = "|".join(item.value for item in MenuItem if item is not MenuItem.SEND)
    app.add_handler(CallbackQueryHandler(menu.menu_button, pattern=rf"^{MENU_REF}\|({others})$"))
    # 2. Writing a case: while a draft is open, every message goes to it.
    app.add_handler(intake.conversation(menu.MenuChoice(MenuItem.SEND)))
    # 3. Everything else at the top level gets a helpful answer and the menu.
    app.add_handler(CommandHandler("huy", menu.nothing_to_cancel))
    app.add_handler(MessageHandler(filters.COMMAND, menu.unknown_command))
    app.add_handler(MessageHandler(filters.ALL, menu.anything_else))
    app.add_handler(CallbackQueryHandler(menu.unknown_button))

    app.add_error_handler(on_error)
