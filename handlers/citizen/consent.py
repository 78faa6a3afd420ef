"""The privacy notice comes first: nothing about a person is stored before they agree."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.dialogs.menu import (
    CONSENT_REF,
    ConsentAnswer,
    LinkTarget,
    WaitingLinks,
    consent_prompt,
    menu_prompt,
    read_consent,
    reminder_prompt,
)
from bot.messages import Choice, Text
from bot.services.citizens import agreed_to_notice, give_consent
from bot.texts import t
from handlers.citizen import privacy
from handlers.citizen.links import follow, link_in
from handlers.telegram.accounts import known_of
from handlers.telegram.context import Context
from handlers.telegram.render import (
    event_of,
    is_command,
    reply_target,
    retire_buttons,
    send_prompt,
    send_text,
    show_next,
)


def _answer(update: Update) -> ConsentAnswer | None:
    event = event_of(update)
    if isinstance(event, Choice) and event.ref == CONSENT_REF:
        return next((a for a in ConsentAnswer if a.value == event.key), None)
    if isinstance(event, Text) and not event.text.startswith("/"):
        return read_consent(event.text)
    return None


async def require_consent(update: Update, context: Context) -> None:
    """Runs before every other handler; stops the update unless the person has agreed.

    Officers work under their duties rather than consent; /id stores nothing, so anyone may
    ask it (an officer-to-be needs it before an admin can add them). Someone who agreed to an
    earlier version of the notice is shown the new one first. A link /start was opened with
    waits for the answer and is followed once they agree.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop
    if is_command(update, "id"):
        return
    services = context.services
    sender = known_of(update, context)
    if sender is None:
        raise ApplicationHandlerStop
    who, known = sender
    if known.officer is not None:
        return
    person = known.person
    if agreed_to_notice(person):
        return
    # What is stored can always be seen and erased, even by someone who declined a new notice.
    if person is not None and privacy.about_own_data(update, context):
        return
    message = reply_target(update)
    links = context.bot_data.links
    answer = _answer(update)
    # An agreement pressed is answered with what comes next (_agreed), at once.
    if update.callback_query is not None and (answer is not ConsentAnswer.AGREE or not message):
        await update.callback_query.answer()
    if message is None:
        raise ApplicationHandlerStop
    if answer is ConsentAnswer.AGREE:
        await give_consent(
            services.db, services.clock, who.channel, who.external_id, user.full_name
        )
        await _agreed(update, context, message, new=person is None)
        return
    if answer is ConsentAnswer.DECLINE:
        links.take(user.id)
        await retire_buttons(update)
        again = person is not None and person.has_consented
        await send_text(message, t("start.declined_again" if again else "start.declined"))
    elif is_command(update, "start") or (person is not None and person.has_consented):
        _remember(update, links, user.id)
        # A record is not an agreement: an officer's, kept after they retire, never had one.
        agreed_before = person is not None and person.has_consented
        changed = t("start.notice_changed") if agreed_before else None
        await send_prompt(message, consent_prompt(services.config), notice=changed)
    else:
        await send_prompt(message, reminder_prompt())
    raise ApplicationHandlerStop


async def _agreed(update: Update, context: Context, message: Message, *, new: bool) -> None:
    """Thank the person and follow the link they came by; the update stops here, but for the
    one that goes on to the intake conversation, which opens the form a new-case link asked
    for."""
    links = context.bot_data.links
    link = links.take(update.effective_user.id) if update.effective_user else None
    if link is None or (link.target is LinkTarget.NEW_CASE and not new):
        await show_next(update, message, menu_prompt(t("start.agreed")))
        raise ApplicationHandlerStop
    if update.callback_query is not None:
        await update.callback_query.answer()
        await retire_buttons(update)
    if link.target is LinkTarget.NEW_CASE:
        # Someone new has no conversation under way that could take this update instead.
        await send_text(message, t("start.agreed"))
        links.open_form(update.update_id)
        return
    await send_text(message, t("start.agreed"))
    await follow(update, context, message, link)
    raise ApplicationHandlerStop


def _remember(update: Update, links: WaitingLinks, person: int) -> None:
    """The link /start came by waits for the answer; a plain /start forgets an earlier one."""
    if not is_command(update, "start") or update.message is None:
        return
    link = link_in(update.message.text)
    if link is None:
        links.take(person)
    else:
        links.wait(person, link)
