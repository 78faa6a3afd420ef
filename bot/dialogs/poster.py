"""What the notice-board poster says: its sentences, its links and the coming reception sessions.

Kept apart from the drawing (bot/report_files/poster.py) so that the PDF and the PNG print the
same words and links, and so that a test can read what a poster must say without a renderer.
Nothing here reads the network or the database: a poster is made on the commune's own machine
from config.toml, with the bot possibly not running. Sessions added or cancelled by chat are
therefore not on it, and the schedule names the weeks it covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.config import Config, ReceptionConfig, reception_rules, work_calendar
from bot.dialogs.menu import LinkTarget
from bot.dialogs.schedule import describe
from bot.domain.reception import Rule, sessions_between
from bot.texts import t

WEEKS = 4
# Beyond this many dated sessions the large type no longer fits on one A4 page.
MAX_SESSIONS = 8


class NoUsernameError(ValueError):
    """A Telegram link needs the bot's username, which only config.toml can give offline."""


def start_link(username: str, target: LinkTarget) -> str:
    """The link that opens the bot straight at `target`, as handlers/citizen/links.py reads it."""
    return f"https://t.me/{username}?start={target.value}"


@dataclass(frozen=True, slots=True)
class Code:
    """One QR code with the words printed around it."""

    label: str
    scan: str
    link: str


@dataclass(frozen=True, slots=True)
class Poster:
    commune: str
    title: str
    lead: str
    codes: tuple[Code, ...]
    how: str
    steps: tuple[str, ...]
    schedule_title: str
    schedule: tuple[str, ...]
    contact: str


def _every_workday(entry: ReceptionConfig) -> str:
    return t(
        "poster.workdays",
        start=entry.start.strftime("%H:%M"),
        end=entry.end.strftime("%H:%M"),
        title=entry.title,
        place=entry.place,
    )


def _schedule(config: Config, today: date) -> tuple[str, tuple[str, ...]]:
    """The dated sessions of the coming weeks, as /lich words them, then one line per session
    held every working day (twenty dated lines of those would crowd out everything else)."""
    last = today + timedelta(weeks=WEEKS) - timedelta(days=1)
    dated = [rule for rule in reception_rules(config) if rule.rule is not Rule.WORKDAYS]
    sessions = sessions_between(dated, today, last, work_calendar(config))[:MAX_SESSIONS]
    daily = [entry for entry in config.reception if entry.rule is Rule.WORKDAYS]
    lines = (*(describe(s) for s in sessions), *(_every_workday(e) for e in daily))
    day = "%d/%m/%Y"
    return t("poster.schedule", first=today.strftime(day), last=last.strftime(day)), lines


def _codes(config: Config) -> tuple[Code, ...]:
    username = config.telegram.username
    if username is None:
        raise NoUsernameError
    telegram = Code(
        t("poster.telegram"), t("poster.telegram_scan"), start_link(username, LinkTarget.NEW_CASE)
    )
    link = config.zalo.link
    if not config.zalo.enabled or link is None:
        return (telegram,)
    return (telegram, Code(t("poster.zalo"), t("poster.zalo_scan"), link))


def zalo_without_link(config: Config) -> bool:
    """Zalo is on but the poster can carry no code for it; the command says so."""
    return config.zalo.enabled and config.zalo.link is None


def poster(config: Config, today: date) -> Poster:
    """The poster for `config` as of `today`; NoUsernameError without `[telegram] username`."""
    contact = config.commune.office_contact
    schedule_title, schedule = _schedule(config, today)
    return Poster(
        commune=config.commune.name,
        title=t("poster.title"),
        lead=t("poster.lead"),
        codes=_codes(config),
        how=t("poster.how"),
        steps=(t("poster.step_1"), t("poster.step_2"), t("poster.step_3")),
        schedule_title=schedule_title if schedule else "",
        schedule=schedule,
        contact=t("poster.contact", contact=contact) if contact else "",
    )
