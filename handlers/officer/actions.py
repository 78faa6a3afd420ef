"""Acting on a case card: accept at once; ask, resolve, refuse or pass on after a few words.

Actions that need words go through a small persistent conversation; the case is checked when
the button is pressed and again when the words arrive, because it may have moved in between.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from telegram import Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.dialogs.faq import propose_prompt
from bot.dialogs.notices import CASE_REF, day, holder_label, parse_case_ref
from bot.domain.choices import Option
from bot.domain.people import Officer, Role
from bot.domain.tickets import Status, Ticket
from bot.domain.workflow import Action, IllegalTransitionError, next_status
from bot.messages import Prompt
from bot.services import case_views, casework
from bot.services.assignment import holder_now
from bot.services.casework import CONDUCT
from bot.services.errors import CaseworkError
from bot.services.officers import actor, all_officers
from bot.texts import t
from handlers.officer.desk import current_officer, refuse_press, show_card, tell_officer
from handlers.telegram.context import Context
from handlers.telegram.pending import Pending, wants_cancel
from handlers.telegram.render import (
    chosen,
    event_of,
    parse_button,
    reply_target,
    retire_buttons,
    send_prompt,
)

_LOGGER = logging.getLogger(__name__)
PENDING = Pending("pending", "officer.cancelled")
UNKNOWN = "unknown"
COMMUNE_ROLES = frozenset({Role.OFFICER, Role.RECEPTION, Role.LEADER})
CONFIRM_OPTIONS = (
    Option("send", t("officer.confirm.send"), ("gui", "dong y")),
    Option("edit", t("officer.confirm.edit"), ("sua",)),
)


# The actions whose words are all they need: the service to call with them.
_WITH_WORDS = {
    Action.ASK: casework.ask,
    Action.COMPLEX: casework.mark_complex,
    Action.EXTEND: casework.extend,
    Action.RESOLVE: casework.resolve,
    Action.ANSWER: casework.answer,
    Action.REFUSE: casework.refuse,
}


class Step(StrEnum):
    TARGET = "target"  # reassign: which department
    SUBJECT = "subject"  # reassign as a conduct case: about which officer
    WRITE = "write"  # the question, result or reason
    CONFIRM = "confirm"  # resolve: read back before it goes to the citizen


async def _checked(update: Update, context: Context) -> tuple[Officer, Ticket, Action] | None:
    """The officer, case and action a card button names, if all three hold right now."""
    query = update.callback_query
    choice = parse_button(query.data if query else None)
    officer = await current_officer(update, context)
    ticket_id = parse_case_ref(choice.ref, CASE_REF) if choice else None
    action = next((a for a in Action if choice and a.value == choice.key), None)
    if officer is None or ticket_id is None or (action is None and choice and choice.key != "open"):
        _LOGGER.warning(
            "refused: bad case button %r from %s",
            query.data if query else None,
            update.effective_user.id if update.effective_user else None,
        )
        await refuse_press(update, "case.not_allowed")
        return None
    try:
        ticket = await case_views.case_by_id(context.services.db, actor(officer), ticket_id)
    except CaseworkError as error:
        await refuse_press(update, error.reason)
        return None
    if action is None:
        return officer, ticket, Action.VIEW
    if action is Action.ACCEPT and _accepted_by(ticket, officer):
        return officer, ticket, action
    try:
        next_status(ticket.status, action, accepted=ticket.accepted)
    except IllegalTransitionError:
        await refuse_press(update, "case.not_now")
        return None
    return officer, ticket, action


def _accepted_by(ticket: Ticket, officer: Officer) -> bool:
    """A second press of "Tiếp nhận" by the officer who accepted: a double tap, or the press
    redelivered after a crash between the acceptance and its answer. It gets the answer the
    first press got (or never had), not a refusal."""
    return ticket.status is Status.ACCEPTED and ticket.assignee_id == officer.person_id


async def card_button(update: Update, context: Context) -> str | int | None:
    """A press on a case card: accept or open at once; the others ask for words first."""
    checked = await _checked(update, context)
    message = reply_target(update)
    if checked is None or message is None or update.callback_query is None:
        return None
    officer, ticket, action = checked
    await update.callback_query.answer()
    if action is Action.VIEW:
        await show_card(message, officer, ticket, context)
        return None
    if action is Action.ACCEPT:
        services = context.services
        done = ticket
        try:
            if not _accepted_by(ticket, officer):
                done = await casework.accept(
                    services.db, services.clock, services.config, officer, ticket.id
                )
        except CaseworkError as error:
            await message.reply_text(t(error.reason))
            return None
        await retire_buttons(update)
        await tell_officer(message, officer, done, "officer.accepted")
        return None
    PENDING.start(
        context,
        action=action.value,
        ticket=ticket.id,
        code=ticket.code,
        held=await holder_now(context.services.db, ticket),
    )
    await retire_buttons(update)
    if action is Action.REASSIGN:
        await send_prompt(message, await _targets(context, officer))
        return Step.TARGET.value
    await send_prompt(message, _write_prompt(action, ticket))
    return Step.WRITE.value


def _write_prompt(action: Action, ticket: Ticket) -> Prompt:
    return Prompt(
        text=t(f"officer.write.{action.value}", code=ticket.code), ref="officer.write", cancel=True
    )


async def _unstaffed(context: Context, officer: Officer) -> frozenset[str]:
    """Units with no officer but the one passing the case on: routing would hand it to the
    triage department, and the officer is told so before choosing, not after."""
    triage = context.services.config.routing.triage_department
    staffed = {
        o.department_id
        for o in await all_officers(context.services.db)
        if o.person_id != officer.person_id and o.has(Role.OFFICER)
    }
    return frozenset(
        d.id for d in context.services.config.departments if d.id != triage and d.id not in staffed
    )


async def _target_options(context: Context, officer: Officer) -> tuple[Option, ...]:
    """Where the case may go; the department holding it means a colleague there."""
    config = context.services.config
    held = PENDING.notes(context).get("held")
    unstaffed = await _unstaffed(context, officer)
    marks = {(True, True): "no_colleague", (True, False): "colleague", (False, True): "empty"}
    departments = tuple(
        Option(d.id, t(f"officer.target_{mark}", department=d.name), (d.name,))
        if (mark := marks.get((d.id == held, d.id in unstaffed)))
        else Option(d.id, d.name)
        for d in config.departments
    )
    if not config.routing.conduct_category:
        return departments
    return (*departments, Option(CONDUCT, t("officer.conduct"), ("thai do", "tac phong")))


async def _targets(context: Context, officer: Officer) -> Prompt:
    return Prompt(
        text=t("officer.target", code=str(PENDING.notes(context).get("code", ""))),
        ref="officer.target",
        options=await _target_options(context, officer),
        cancel=True,
    )


async def _subject_options(context: Context, officer: Officer) -> tuple[Option, ...]:
    staff = await all_officers(context.services.db)
    # The Front's supervisors watch the commune; they are not its officers.
    named = tuple(
        Option(str(o.person_id), f"{o.name} · {o.title}" if o.title else o.name)
        for o in staff
        if o.person_id != officer.person_id and o.roles & COMMUNE_ROLES
    )
    return (*named, Option(UNKNOWN, t("officer.subject_unknown")))


async def _subjects(context: Context, officer: Officer) -> Prompt:
    options = await _subject_options(context, officer)
    return Prompt(t("officer.subject"), "officer.subject", options, cancel=True)


async def on_target(update: Update, context: Context) -> str | int:
    if wants_cancel(update):
        return await PENDING.cancel(update, context)
    message = reply_target(update)
    if update.callback_query is not None:
        await update.callback_query.answer()
    officer = await current_officer(update, context)
    if message is None:
        return Step.TARGET.value
    if officer is None:
        return PENDING.end(context)
    target = chosen(event_of(update), await _target_options(context, officer))
    if target is None:
        await send_prompt(message, await _targets(context, officer), notice=t("staff.pick_again"))
        return Step.TARGET.value
    PENDING.add(context, department=target.key)
    await retire_buttons(update)
    if target.key == CONDUCT:
        await send_prompt(message, await _subjects(context, officer))
        return Step.SUBJECT.value
    if target.key in await _unstaffed(context, officer):
        config = context.services.config
        triage = config.routing.triage_department
        await _ask_reason(
            message,
            t(
                "officer.write.reassign_unstaffed",
                department=next(d.name for d in config.departments if d.id == target.key),
                triage=next((d.name for d in config.departments if d.id == triage), triage),
            ),
        )
        return Step.WRITE.value
    await _ask_reason(message, t("officer.write.reassign", department=target.label))
    return Step.WRITE.value


async def on_subject(update: Update, context: Context) -> str | int:
    """Which officer a conduct case is about, so routing keeps it away from them."""
    if wants_cancel(update):
        return await PENDING.cancel(update, context)
    message = reply_target(update)
    officer = await current_officer(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer()
    if message is None or officer is None:
        return PENDING.end(context)
    subjects = await _subjects(context, officer)
    subject = chosen(event_of(update), subjects.options)
    if subject is None:
        await send_prompt(message, subjects, notice=t("staff.pick_again"))
        return Step.SUBJECT.value
    PENDING.add(context, subject=None if subject.key == UNKNOWN else int(subject.key))
    await retire_buttons(update)
    await _ask_reason(message, t("officer.write.reassign_conduct"))
    return Step.WRITE.value


async def _ask_reason(message: Message, text: str) -> None:
    await send_prompt(message, Prompt(text=text, ref="officer.write", cancel=True))


async def on_words(update: Update, context: Context) -> str | int:
    resumed = await PENDING.resume(update, context)
    if isinstance(resumed, int):
        return resumed
    message, pending = resumed
    words = await PENDING.words(update, context, "officer.need_words")
    if words is None:
        return Step.WRITE.value
    pending["text"] = words
    if pending.get("action") in (Action.RESOLVE.value, Action.ANSWER.value):
        PENDING.add(context, text=pending["text"])
        await send_prompt(message, _confirm_prompt(str(pending["text"])))
        return Step.CONFIRM.value
    return await _carry_out(update, context, message, pending)


async def on_confirm(update: Update, context: Context) -> str | int:
    if wants_cancel(update):
        return await PENDING.cancel(update, context)
    message = reply_target(update)
    if update.callback_query is not None:
        await update.callback_query.answer()
    answer = chosen(event_of(update), CONFIRM_OPTIONS)
    if message is None:
        return Step.CONFIRM.value
    if answer is None:
        result = str(PENDING.notes(context).get("text", ""))
        await send_prompt(message, _confirm_prompt(result), notice=t("staff.pick_again"))
        return Step.CONFIRM.value
    await retire_buttons(update)
    if answer.key == "edit":
        prompt = Prompt(t("officer.write.resolve_again"), "officer.write", cancel=True)
        await send_prompt(message, prompt)
        return Step.WRITE.value
    return await _carry_out(update, context, message, PENDING.notes(context))


def _confirm_prompt(result: str) -> Prompt:
    text = t("officer.confirm.text", result=result)
    return Prompt(text, "officer.confirm", CONFIRM_OPTIONS, cancel=True)


async def _carry_out(
    update: Update, context: Context, message: Message, pending: dict[str, object]
) -> int:
    services = context.services
    officer = await current_officer(update, context)
    ticket_id = pending.get("ticket")
    text = str(pending.get("text", ""))
    if officer is None or not isinstance(ticket_id, int):
        return PENDING.end(context)
    action = Action(str(pending.get("action")))
    args = (services.db, services.clock, services.config, officer, ticket_id)
    try:
        if action in _WITH_WORDS:
            done = await _WITH_WORDS[action](*args, text)
        else:
            subject = pending.get("subject")
            done = await casework.reassign(
                *args,
                str(pending.get("department")),
                text,
                subject_id=subject if isinstance(subject, int) else None,
            )
    except CaseworkError as error:
        await message.reply_text(t(error.reason))
        if error.reason == "case.already_there":
            # Nothing moved: the card again, with what the officer may still do.
            kept = await case_views.case_by_id(services.db, actor(officer), ticket_id)
            await show_card(message, officer, kept, context)
        return PENDING.end(context)
    await _tell_done(message, officer, done, action, context)
    return PENDING.end(context)


async def _tell_done(
    message: Message, officer: Officer, done: Ticket, action: Action, context: Context
) -> None:
    if action is Action.REASSIGN:
        await _tell_passed(message, officer, done, context)
    elif action is Action.ANSWER:
        # One tap more proposes the question and its answer for the FAQ (faq_actions).
        await send_prompt(message, propose_prompt(done, t("officer.done.answer", code=done.code)))
    else:
        await tell_officer(
            message, officer, done, f"officer.done.{action.value}", due=day(done.due_on)
        )


async def _tell_passed(message: Message, officer: Officer, done: Ticket, context: Context) -> None:
    """Where the case went and who holds it now, as the citizen was told."""
    names = {o.person_id: o.name for o in await all_officers(context.services.db)}
    name = names.get(done.assignee_id or 0)
    key = "officer.done.reassign" if name else "officer.done.reassign_waiting"
    department = holder_label(await holder_now(context.services.db, done), context.services.config)
    await tell_officer(message, officer, done, key, department=department, name=name)


def conversation() -> ConversationHandler[Context]:
    """Card buttons, and the words some of them need."""
    words: list[BaseHandler[Update, Context, object]] = [
        CallbackQueryHandler(on_words, pattern=r"^officer\.write\|"),
        MessageHandler(filters.TEXT & ~filters.COMMAND, on_words),
    ]
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(card_button, pattern=rf"^{CASE_REF}\.\d+\|")],
        states={
            Step.TARGET.value: [
                CallbackQueryHandler(on_target, pattern=r"^officer\.target\|"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_target),
            ],
            Step.SUBJECT.value: [
                CallbackQueryHandler(on_subject, pattern=r"^officer\.subject\|"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_subject),
            ],
            Step.WRITE.value: words,
            Step.CONFIRM.value: [
                CallbackQueryHandler(on_confirm, pattern=r"^officer\.confirm\|"),
                MessageHandler(filters.TEXT & ~filters.COMMAND, on_confirm),
            ],
        },
        fallbacks=[CommandHandler("huy", PENDING.cancel)],
        name="officer",
        persistent=True,
        allow_reentry=True,
    )
