"""The one list of handlers, in the order they are tried: gates, commands, conversations, the rest.

Every update, whether it came from Telegram or was translated from Zalo (handlers.zalo), is tried
against this list; adding a command means adding one line here, in the group where it belongs."""

from __future__ import annotations

import warnings

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.dialogs.faq import DECIDE_REF, PROPOSE_REF
from bot.dialogs.menu import MENU_REF, LinkTarget, MenuItem
from bot.dialogs.notices import CASE_REF, IDENTITY_KEY
from bot.dialogs.questions import OFFER_REF, QUESTION_REF, OfferChoice
from bot.dialogs.supervision import OPEN_KEY, WATCH_REF
from bot.services.privacy import ERASE_REF
from handlers.admin import bans
from handlers.admin import officers as admin
from handlers.citizen import (
    booking,
    citizen_case,
    consent,
    intake,
    latest_question,
    links,
    lookup,
    menu,
    offer,
    privacy,
    procedures,
    questions,
    schedule,
)
from handlers.leader import announcements, faq_entries, reception, report_command
from handlers.officer import actions as officer_actions
from handlers.officer import desk as officer
from handlers.officer import faq_actions, photos
from handlers.supervisor import supervision
from handlers.telegram import last_message, limits
from handlers.telegram.context import App, Context
from handlers.telegram.errors import on_error

# Every conversation re-checks a pressed button's step itself, so PTB's advice to track callback
# queries per message does not apply; without this, each start prints the warning eight times.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)

SEEN_GROUP = -5  # below BAN_GROUP - 1, which tests take for a handler of their own
BAN_GROUP = -3
RATE_GROUP = -2
CONSENT_GROUP = -1
AFTER_GROUP = 1
FORGET_GROUP = 2


def register(app: App) -> None:
    # First of all, whoever it is: what a person sent lies below the bot's last message.
    app.add_handler(TypeHandler(Update, last_message.heard), group=SEEN_GROUP)
    # Before anything else: a banned person is told once, then nothing of theirs goes further.
    app.add_handler(TypeHandler(Update, bans.keep_out), group=BAN_GROUP)
    # Then a flood is cut short before it costs any database work.
    app.add_handler(TypeHandler(Update, limits.limit_rate), group=RATE_GROUP)
    # Then a citizen who has not agreed to the privacy notice gets only that.
    app.add_handler(TypeHandler(Update, consent.require_consent), group=CONSENT_GROUP)

    # Order matters below: in one group only the first matching handler runs.
    # 1. What works at any time, also half-way through something, without touching a draft.
    # A /start sent by a link to a new case is the intake conversation's, below.
    new_case_link = links.OpensLink(LinkTarget.NEW_CASE)
    app.add_handler(
        CommandHandler("start", menu.start, filters.UpdateType.MESSAGES & ~new_case_link)
    )
    app.add_handler(CommandHandler("id", admin.my_id))
    app.add_handler(CommandHandler("tracuu", lookup.lookup_command))
    app.add_handler(CommandHandler("lich", schedule.show_schedule))
    app.add_handler(CommandHandler("lichtiep", reception.manage))
    app.add_handler(CommandHandler("trogiup", menu.show_help))
    app.add_handler(CommandHandler("dulieu", privacy.show_data))
    app.add_handler(CallbackQueryHandler(privacy.complete_button, pattern=rf"^{ERASE_REF}\|"))
    app.add_handler(CommandHandler("viec", officer.my_work))
    app.add_handler(CommandHandler("hoso", officer.case_command))
    _add_card_buttons(app)
    app.add_handler(CommandHandler("giamsat", supervision.watch_command))
    app.add_handler(
        CallbackQueryHandler(
            supervision.open_case_button, pattern=rf"^{WATCH_REF}\.\d+\|{OPEN_KEY}$"
        )
    )
    app.add_handler(CommandHandler("canbo", admin.officers_command))
    app.add_handler(CommandHandler("chan", bans.ban_command))
    app.add_handler(CommandHandler("nhandem", admin.night_command))
    app.add_handler(CallbackQueryHandler(lookup.lookup_button, pattern=rf"^{lookup.LOOKUP_REF}\|"))
    app.add_handler(
        CallbackQueryHandler(lookup.unpublish_button, pattern=rf"^{lookup.UNPUBLISH_REF}\.")
    )
    app.add_handler(
        CallbackQueryHandler(schedule.subscribe_button, pattern=rf"^{schedule.SUBSCRIBE_REF}\|")
    )
    app.add_handler(
        CallbackQueryHandler(announcements.list_button, pattern=announcements.LIST_PATTERN)
    )
    others = "|".join(item.value for item in MenuItem if item is not MenuItem.SEND)
    app.add_handler(CallbackQueryHandler(menu.menu_button, pattern=rf"^{MENU_REF}\|({others})$"))
    app.add_handler(
        CallbackQueryHandler(procedures.guide_button, pattern=procedures.BUTTON_PATTERN)
    )
    # 2. Conversations. An officer's pending action and a citizen's answer to a question come
    #    before a citizen's draft, so a draft waits while they are written.
    app.add_handler(officer_actions.conversation())
    app.add_handler(supervision.conversation())
    app.add_handler(citizen_case.conversation(app))
    app.add_handler(privacy.conversation())
    app.add_handler(reception.conversation())
    typed_pick: MessageHandler[Context, object] = MessageHandler(
        filters.TEXT & ~filters.COMMAND & schedule.TypedPick(app), schedule.typed_pick
    )
    typed_book: MessageHandler[Context, object] = MessageHandler(
        filters.TEXT & ~filters.COMMAND & procedures.TypedPick(app, booking=True),
        booking.book_for_procedure,
    )
    app.add_handler(booking.conversation(typed_pick, typed_book))
    # A procedure's or the guide list's button, typed: before intake takes a "1".
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & procedures.TypedPick(app, booking=False),
            procedures.typed_pick,
        )
    )
    # Before intake: a period typed as "1" must not start a new case.
    app.add_handler(report_command.conversation())
    app.add_handler(announcements.conversation())
    # Before intake too: the switches work with a draft open, which is then asked again.
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & announcements.TypedSwitch(),
            announcements.switch_typed,
        )
    )
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & schedule.TypedSwitch(), schedule.switch_typed
        )
    )
    # ❓ Hỏi xã (#22): before intake, whose menu number "1" and draft would take their answers.
    _add_questions(app)
    app.add_handler(
        intake.conversation(
            menu.MenuChoice(MenuItem.SEND), app.bot_data.links, _case_from_offer(app)
        )
    )
    # 3. Everything else at the top level gets a helpful answer and the menu.
    app.add_handler(CommandHandler("huy", menu.nothing_to_cancel))
    app.add_handler(MessageHandler(filters.COMMAND, menu.unknown_command))
    app.add_handler(MessageHandler(filters.ALL, menu.anything_else))
    app.add_handler(CallbackQueryHandler(menu.unknown_button))
    # After whatever answered the update: a question left open out of sight is asked again,
    # last; then a notice's question is no longer the latest one.
    app.add_handler(TypeHandler(Update, menu.ask_open_question), group=AFTER_GROUP)
    app.add_handler(TypeHandler(Update, latest_question.forget_latest_question), group=FORGET_GROUP)

    app.add_error_handler(on_error)


def _add_card_buttons(app: App) -> None:
    """The case card's buttons that are no step of the case: a sealed identity opened, a
    published case's photos let out. Before the officer's conversation, which takes the rest."""
    app.add_handler(
        CallbackQueryHandler(officer.identity_button, pattern=rf"^{CASE_REF}\.\d+\|{IDENTITY_KEY}$")
    )
    app.add_handler(CallbackQueryHandler(photos.photos_button, pattern=photos.PATTERN))


def _add_questions(app: App) -> None:
    """The question being written, its buttons, the offer made for text that matched nothing,
    and the FAQ's buttons (proposing an answered question, a leader's decision) and list."""
    asking = questions.QuestionOpen(app)
    app.add_handler(MessageHandler(~filters.COMMAND & asking, questions.on_message))
    app.add_handler(CommandHandler("huy", questions.cancel_command, filters=asking))
    app.add_handler(CallbackQueryHandler(questions.on_button, pattern=rf"^{QUESTION_REF}\."))
    not_a_case = frozenset(OfferChoice) - {OfferChoice.CASE}
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & offer.TypedOffer(app, not_a_case), offer.on_choice
        )
    )
    app.add_handler(
        CallbackQueryHandler(offer.on_choice, pattern=rf"^{OFFER_REF}\.[0-9a-f]+\|(ask|menu)$")
    )
    app.add_handler(
        CallbackQueryHandler(faq_actions.propose_button, pattern=rf"^{PROPOSE_REF}\.\d+\|")
    )
    app.add_handler(
        CallbackQueryHandler(faq_actions.decide_button, pattern=rf"^{DECIDE_REF}\.\d+\|")
    )
    app.add_handler(CommandHandler("hoidap", faq_entries.list_command))
    app.add_handler(
        CallbackQueryHandler(faq_entries.withdraw_button, pattern=faq_entries.LIST_PATTERN)
    )
    app.add_handler(
        CallbackQueryHandler(faq_entries.confirm_button, pattern=faq_entries.CONFIRM_PATTERN)
    )


def _case_from_offer(app: App) -> list[BaseHandler[Update, Context, object]]:
    """The offer's "Gửi phản ánh, kiến nghị", pressed or typed: it opens the intake."""
    typed = offer.TypedOffer(app, frozenset({OfferChoice.CASE}))
    return [
        CallbackQueryHandler(offer.start_case, pattern=rf"^{OFFER_REF}\.[0-9a-f]+\|case$"),
        MessageHandler(filters.TEXT & ~filters.COMMAND & typed, offer.start_case),
    ]
