"""A citizen books a reception session (/dangky, or a session's button under /lich) and
cancels a booking (/huydangky, or "Hủy đăng ký" under /lich).

Every step takes a button, its number or its words; "↩️ Quay lại" goes one step back and
"✖️ Hủy" (or /huy) leaves with nothing changed. The question "Hủy đăng ký gặp…?" has no
"✖️ Hủy": its answers are "Hủy đăng ký" and "Giữ lại đăng ký", and a bare "hủy" is neither.
A pressed button only names a session: that the session is still coming and the booking
still stands is checked again on every press.

Why one module of ~385 lines: booking and cancelling a booking are one ConversationHandler
that shares the session picker, the confirm step and the buttons under /lich; split, each half
would import the other's steps.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.booking import (
    BOOK_REF,
    CHOOSE_REF,
    CONFIRM_REF,
    PICK_REF,
    TOPIC_REF,
    UNBOOK_REF,
    Confirm,
    booked_options,
    choose_prompt,
    confirm_options,
    confirm_prompt,
    pick_prompt,
    session_options,
    topic_prompt,
)
from bot.dialogs.schedule import when
from bot.domain.choices import Nav, match_nav
from bot.domain.people import Person
from bot.domain.reception import Booked
from bot.messages import Choice, Event, Text
from bot.services import reception
from bot.services.errors import CaseworkError
from bot.texts import t
from handlers.citizen import procedures
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import Context
from handlers.telegram.render import (
    chosen,
    event_of,
    parse_button,
    refuse_long,
    reply_target,
    retire_buttons,
    send_prompt,
)

CHOOSE = "choose"
TOPIC = "topic"
PICK = "pick"
CONFIRM = "confirm"
END = ConversationHandler.END
PENDING = "booking"


def _remember(context: Context, mode: str, key: str = "") -> None:
    """What is half-done: "book" or "cancel", and the session once one is chosen."""
    if context.user_data is not None:
        context.user_data[PENDING] = {"mode": mode, "key": key}


def _pending(context: Context, field: str) -> str:
    value = (context.user_data or {}).get(PENDING)
    return str(value.get(field) or "") if isinstance(value, dict) else ""


def _end(context: Context) -> int:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    return END


def _nav(event: Event | None) -> Nav | None:
    if isinstance(event, Choice):
        return next((n for n in Nav if n.value == event.key), None)
    return match_nav(event.text) if isinstance(event, Text) else None


async def _read(update: Update, ref: str) -> tuple[Event | None, bool]:
    """The event, and whether it belongs to this step (a button of an older question does not)."""
    event = event_of(update)
    query = update.callback_query
    if query is None:
        return event, True
    await query.answer()
    if not isinstance(event, Choice) or event.ref != ref:
        return event, False
    await retire_buttons(update)
    return event, True


async def _say(update: Update, key: str, **values: object) -> None:
    message = reply_target(update)
    if message is not None:
        await message.reply_text(t(key, **values))


# -- booking -------------------------------------------------------------------------------


async def _offer(update: Update, context: Context) -> str | int:
    message = reply_target(update)
    if message is None:
        return _end(context)
    services = context.services
    sessions = await reception.next_sessions(services.db, services.clock, services.config)
    if not sessions:
        contact = services.config.commune.office_contact
        await message.reply_text(t("reception.empty", office=f", {contact}" if contact else ""))
        return _end(context)
    await send_prompt(message, choose_prompt(sessions))
    return CHOOSE


async def begin_booking(update: Update, context: Context) -> str | int:
    """/dangky: the coming sessions as numbered choices."""
    if await citizen_of(update, context) is None:
        return _end(context)
    _remember(context, "book")
    return await _offer(update, context)


async def book_for_procedure(update: Update, context: Context) -> str | int | None:
    """ "📅 Đặt lịch nộp hồ sơ" under a procedure, pressed or typed: the coming sessions, as
    /dangky; a procedure that no longer offers booking gets the usual polite answer."""
    found = procedures.booked_procedure(update, context)
    query = update.callback_query
    if query is not None:
        await query.answer(None if found is not None else t("error.button"))
    elif found is None:
        await _say(update, "error.button")
    return await begin_booking(update, context) if found is not None else None


async def ask_topic(
    update: Update, context: Context, citizen: Person, key: str
) -> str | int | None:
    """The topic question, or None where the session is booked already or gone: a late press
    must not end a question the citizen is still answering, so the caller decides."""
    services = context.services
    booked = await reception.booking_of(services.db, services.clock, services.config, citizen, key)
    if booked is not None:
        await _already(update, booked)
        return None
    session = await reception.find_session(services.db, services.clock, services.config, key)
    message = reply_target(update)
    if session is None or message is None:
        await _say(update, "reception.gone")
        return None
    _remember(context, "book", key)
    await send_prompt(message, topic_prompt(session))
    return TOPIC


async def _already(update: Update, booked: Booked) -> None:
    session = booked.session
    held = when(session)
    await _say(
        update, "reception.already_booked", when=held, topic=booked.topic, place=session.place
    )


async def _pressed(update: Update, context: Context) -> tuple[Person, str] | None:
    """Who pressed a session's button under /lich, and the session it names."""
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    citizen = await citizen_of(update, context)
    if query is None:
        return None
    if choice is None or citizen is None:
        await query.answer(t("error.button"))
        return None
    await query.answer()
    return citizen, choice.key


async def book_button(update: Update, context: Context) -> str | int | None:
    """A session's "📝 Đăng ký gặp" under /lich: straight to the topic. A refused press
    returns None, which leaves whatever question was under way as it was."""
    pressed = await _pressed(update, context)
    return await ask_topic(update, context, *pressed) if pressed else None


async def on_choose(update: Update, context: Context) -> str | int:
    event, ours = await _read(update, CHOOSE_REF)
    citizen = await citizen_of(update, context)
    if not ours or citizen is None:
        return CHOOSE if citizen is not None else _end(context)
    if _nav(event) is not None:
        await _say(update, "reception.not_booking")
        return _end(context)
    services = context.services
    sessions = await reception.next_sessions(services.db, services.clock, services.config)
    option = chosen(event, session_options(sessions))
    if option is None:
        if isinstance(event, Choice):
            await _say(update, "reception.gone")
            return await _offer(update, context)
        await _say(update, "reception.not_a_session")
        return CHOOSE
    asked = await ask_topic(update, context, citizen, option.key)
    return _end(context) if asked is None else asked


async def on_topic(update: Update, context: Context) -> str | int:
    event, ours = await _read(update, TOPIC_REF)
    message = reply_target(update)
    citizen = await citizen_of(update, context)
    if citizen is None or message is None:
        return _end(context)
    if not ours:
        return TOPIC
    nav = _nav(event)
    if nav is Nav.BACK:
        return await _offer(update, context)
    if nav is Nav.CANCEL:
        await message.reply_text(t("reception.not_booking"))
        return _end(context)
    if not isinstance(event, Text) or len(event.text.strip()) < 2:
        await message.reply_text(t("citizen.note.need_text"))
        return TOPIC
    services = context.services
    if await refuse_long(message, event.text, services.config.limits.topic_max):
        return TOPIC
    try:
        booked, new = await reception.book(
            services.db,
            services.clock,
            services.config,
            citizen,
            _pending(context, "key"),
            event.text,
        )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        return _end(context)
    if new:
        session = booked.session
        await message.reply_text(t("reception.booked", when=when(session), place=session.place))
    else:
        await _already(update, booked)
    return _end(context)


# -- cancelling a booking ------------------------------------------------------------------


async def begin_cancel(update: Update, context: Context) -> str | int:
    """/huydangky: the citizen's bookings; with one, straight to the question."""
    citizen = await citizen_of(update, context)
    message = reply_target(update)
    if citizen is None or message is None:
        return _end(context)
    services = context.services
    mine = await reception.bookings_of(services.db, services.clock, services.config, citizen)
    if not mine:
        await message.reply_text(t("reception.no_bookings"))
        return _end(context)
    if len(mine) == 1:
        _remember(context, "cancel", mine[0].session.key)
        await send_prompt(message, confirm_prompt(mine[0]))
        return CONFIRM
    return await _list(update, context, citizen)


async def _list(update: Update, context: Context, citizen: Person) -> str | int:
    message = reply_target(update)
    services = context.services
    mine = await reception.bookings_of(services.db, services.clock, services.config, citizen)
    if not mine or message is None:
        await _say(update, "reception.no_bookings")
        return _end(context)
    _remember(context, "cancel")
    await send_prompt(message, pick_prompt(mine))
    return PICK


async def confirm(update: Update, context: Context, citizen: Person, key: str) -> str | int | None:
    """The cancellation's question, or None where there is no such booking (as `ask_topic`)."""
    services = context.services
    booked = await reception.booking_of(services.db, services.clock, services.config, citizen, key)
    message = reply_target(update)
    if booked is None or message is None:
        await _say(update, "reception.not_booked")
        return None
    _remember(context, "cancel", key)
    await send_prompt(message, confirm_prompt(booked))
    return CONFIRM


async def unbook_button(update: Update, context: Context) -> str | int | None:
    """A booked session's "✖️ Hủy đăng ký" under /lich: straight to the question; a refused
    press leaves whatever was under way as it was."""
    pressed = await _pressed(update, context)
    return await confirm(update, context, *pressed) if pressed else None


async def on_pick(update: Update, context: Context) -> str | int:
    event, ours = await _read(update, PICK_REF)
    citizen = await citizen_of(update, context)
    if citizen is None:
        return _end(context)
    if not ours:
        return PICK
    if _nav(event) is not None:
        await _say(update, "reception.kept")
        return _end(context)
    services = context.services
    mine = await reception.bookings_of(services.db, services.clock, services.config, citizen)
    option = chosen(event, booked_options(mine))
    if option is None:
        if isinstance(event, Choice):
            await _say(update, "reception.not_booked")
            return _end(context)
        await _say(update, "reception.not_a_session")
        return PICK
    asked = await confirm(update, context, citizen, option.key)
    return _end(context) if asked is None else asked


async def on_confirm(update: Update, context: Context) -> str | int:
    event, ours = await _read(update, CONFIRM_REF)
    citizen = await citizen_of(update, context)
    if citizen is None:
        return _end(context)
    if not ours:
        return CONFIRM
    nav = _nav(event)
    if nav is Nav.BACK:
        return await _list(update, context, citizen)
    # A bare "hủy" (or an old "✖️ Hủy") could mean either answer here: it is asked again.
    option = None if nav is Nav.CANCEL else chosen(event, confirm_options())
    if option is not None and option.key == Confirm.KEEP:
        await _say(update, "reception.kept")
        return _end(context)
    if option is None:
        await _say(update, "reception.not_understood")
        return CONFIRM
    services = context.services
    try:
        booked = await reception.cancel_booking(
            services.db, services.clock, services.config, citizen, _pending(context, "key")
        )
    except CaseworkError as error:
        await _say(update, error.reason)
        return _end(context)
    await _say(update, "reception.unbooked", when=when(booked.session))
    return _end(context)


async def stop(update: Update, context: Context) -> int:
    """/huy half-way: nothing booked, nothing cancelled."""
    cancelling = _pending(context, "mode") == "cancel"
    await _say(update, "reception.kept" if cancelling else "reception.not_booking")
    return _end(context)


def conversation(*typed: BaseHandler[Update, Context, object]) -> ConversationHandler[Context]:
    """`typed` take a number typed under /lich (handlers.reception) or under a procedure's
    answer (handlers.citizen.procedures), as their buttons."""
    # Any message, not only text: a photo or a sticker at a choice gets the choice asked again.
    anything = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("dangky", begin_booking),
            CommandHandler("huydangky", begin_cancel),
            CallbackQueryHandler(book_button, pattern=rf"^{BOOK_REF}\|"),
            CallbackQueryHandler(unbook_button, pattern=rf"^{UNBOOK_REF}\|"),
            CallbackQueryHandler(book_for_procedure, pattern=procedures.BOOK_PATTERN),
            *typed,
        ],
        states={
            CHOOSE: [
                CallbackQueryHandler(on_choose, pattern=rf"^{CHOOSE_REF}\|"),
                MessageHandler(anything, on_choose),
            ],
            TOPIC: [
                CallbackQueryHandler(on_topic, pattern=rf"^{TOPIC_REF}\|"),
                MessageHandler(~filters.COMMAND, on_topic),
            ],
            PICK: [
                CallbackQueryHandler(on_pick, pattern=rf"^{PICK_REF}\|"),
                MessageHandler(anything, on_pick),
            ],
            CONFIRM: [
                CallbackQueryHandler(on_confirm, pattern=rf"^{CONFIRM_REF}\|"),
                MessageHandler(anything, on_confirm),
            ],
        },
        fallbacks=[CommandHandler("huy", stop)],
        name="booking",
        persistent=True,
        allow_reentry=True,
    )
