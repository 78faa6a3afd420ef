"""Links a commune prints or shows as a QR code: t.me/<bot>?start=guidon opens a new case,
?start=lich the reception schedule, ?start=<case code> that case (for its owner only).

Telegram sends such a link as "/start <payload>". Someone new first reads the privacy notice;
the link waits (`WaitingLinks`) and is followed once they agree. Zalo has no such links.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import BaseHandler, filters

from bot.dialogs.menu import LinkTarget, StartLink, WaitingLinks, read_start_link
from handlers.citizen import schedule
from handlers.citizen.lookup import show_case
from handlers.telegram.accounts import citizen_of
from handlers.telegram.context import Context


def link_in(text: str | None) -> StartLink | None:
    """The link a "/start <payload>" message was sent by; None for anything else."""
    command, _, payload = (text or "").partition(" ")
    if command.split("@")[0].lower() != "/start":
        return None
    return read_start_link(payload)


class OpensLink(filters.MessageFilter):
    """A /start sent by a link to `target`."""

    def __init__(self, target: LinkTarget) -> None:
        super().__init__(name=f"OpensLink({target.value})")
        self.target = target

    def filter(self, message: Message) -> bool:
        link = link_in(message.text)
        return link is not None and link.target is self.target


class AgreedToOpenForm(BaseHandler[Update, Context, object]):
    """The update by which someone agreed to the privacy notice after a new-case link: the
    consent gate lets it on (and only it), so the intake conversation opens the form."""

    def __init__(self, links: WaitingLinks, callback: Any) -> None:
        super().__init__(callback)
        self._links = links

    def check_update(self, update: object) -> bool:
        return isinstance(update, Update) and self._links.opens_form(update.update_id)


async def follow(update: Update, context: Context, message: Message, link: StartLink) -> None:
    """Show what a schedule or case link asks for (a new case is the intake conversation's)."""
    if link.target is LinkTarget.SCHEDULE:
        await schedule.show_schedule(update, context)
        return
    citizen = await citizen_of(update, context)
    if link.target is LinkTarget.CASE and link.code is not None and citizen is not None:
        await show_case(message, citizen, context, link.code)
