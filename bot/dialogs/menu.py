"""The first screen: the privacy notice to agree to, then the main menu."""

from __future__ import annotations

from enum import StrEnum

from bot.config import Config
from bot.dialogs.base import Prompt
from bot.domain.choices import Option, match_option
from bot.domain.tickets import format_code
from bot.texts import t

CONSENT_REF = "consent"
MENU_REF = "menu"


class MenuItem(StrEnum):
    SEND = "send"
    LOOKUP = "lookup"
    SCHEDULE = "schedule"
    ANNOUNCEMENTS = "announcements"
    HELP = "help"


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
