"""The first screen: the privacy notice to agree to, then the main menu."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Config
from bot.domain.choices import Option, match_option
from bot.domain.tickets import format_code, parse_code
from bot.messages import Prompt
from bot.texts import t

CONSENT_REF = "consent"
MENU_REF = "menu"


class MenuItem(StrEnum):
    SEND = "send"
    LOOKUP = "lookup"
    SCHEDULE = "schedule"
    ANNOUNCEMENTS = "announcements"
    HELP = "help"
    GUIDE = "guide"
    QUESTION = "question"  # ❓ Hỏi xã (#22)


class ConsentAnswer(StrEnum):
    AGREE = "agree"
    DECLINE = "decline"


def _office(config: Config) -> str:
    contact = config.commune.office_contact
    return t("start.office", contact=contact) if contact else ""


def consent_options() -> tuple[Option, ...]:
    return (
        Option(ConsentAnswer.AGREE.value, t("start.agree"), ("dong y", "co", "ok", "yes")),
        Option(ConsentAnswer.DECLINE.value, t("start.decline"), ("khong dong y", "khong")),
    )


def consent_prompt(config: Config) -> Prompt:
    text = "\n\n".join(
        [
            t("start.greeting", commune=config.commune.name),
            t("start.privacy", office=_office(config)),
        ]
    )
    return Prompt(text=text, ref=CONSENT_REF, options=consent_options())


def reminder_prompt() -> Prompt:
    """The short form, for someone who wrote something else before agreeing."""
    return Prompt(text=t("start.need_consent"), ref=CONSENT_REF, options=consent_options())


def read_consent(text: str) -> ConsentAnswer | None:
    option = match_option(text, consent_options())
    return ConsentAnswer(option.key) if option else None


def menu_options() -> tuple[Option, ...]:
    return tuple(
        Option(
            item.value, t(f"menu.{item.value}"), tuple(t(f"menu.{item.value}_aliases").split("|"))
        )
        for item in MenuItem
    )


def menu_prompt(lead: str | None = None) -> Prompt:
    text = t("menu.prompt") if lead is None else f"{lead}\n\n{t('menu.prompt')}"
    return Prompt(text=text, ref=MENU_REF, options=menu_options())


def read_menu(text: str) -> MenuItem | None:
    option = match_option(text, menu_options())
    return MenuItem(option.key) if option else None


def help_text(config: Config, year: int) -> str:
    example = format_code(config.commune.code, year, 42)
    return t("help.text", example=example, office=_office(config))


class LinkTarget(StrEnum):
    """What a link the commune prints opens: t.me/<bot>?start=guidon, ?start=lich, or
    ?start=<case code>."""

    NEW_CASE = "guidon"
    SCHEDULE = "lich"
    CASE = "case"


@dataclass(frozen=True, slots=True)
class StartLink:
    target: LinkTarget
    code: str | None = None  # the case's, for LinkTarget.CASE


def read_start_link(payload: str) -> StartLink | None:
    """The link /start was opened with, or None for no payload or one this bot never prints."""
    word = payload.strip()
    if word.lower() in (LinkTarget.NEW_CASE, LinkTarget.SCHEDULE):
        return StartLink(LinkTarget(word.lower()))
    code = parse_code(word) if word else None
    return StartLink(LinkTarget.CASE, code) if code else None


class WaitingLinks:
    """Links opened before their person agreed to the privacy notice, followed once they do.

    Kept in memory only, since nothing about a person is stored before they agree; a restart
    in between forgets the link, and the citizen gets the menu instead. The oldest are dropped
    beyond `limit`, so strangers opening links cannot grow it without end.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._waiting: OrderedDict[int, StartLink] = OrderedDict()
        self._opening: OrderedDict[int, None] = OrderedDict()

    def wait(self, person: int, link: StartLink) -> None:
        self._waiting.pop(person, None)
        self._waiting[person] = link
        while len(self._waiting) > self._limit:
            self._waiting.popitem(last=False)

    def take(self, person: int) -> StartLink | None:
        return self._waiting.pop(person, None)

    def open_form(self, update_id: int) -> None:
        """The update agreeing to the notice goes on to open the form the link asked for."""
        self._opening[update_id] = None
        while len(self._opening) > self._limit:
            self._opening.popitem(last=False)

    def opens_form(self, update_id: int) -> bool:
        return update_id in self._opening
