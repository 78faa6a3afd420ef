"""What a citizen reads about their own data (/dulieu) and before asking to erase it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.dialogs.schedule import when
from bot.dialogs.summary import category_label, kind_label, status_label
from bot.domain.choices import Option
from bot.domain.privacy import PersonalData
from bot.domain.reception import planned_day
from bot.domain.tickets import Ticket
from bot.messages import Prompt
from bot.texts import t

CONFIRM_REF = "erasec"


class Confirm(StrEnum):
    ERASE = "erase"
    KEEP = "keep"


def _when(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return t("privacy.none")
    return moment.astimezone(zone).strftime("%H:%M %d/%m/%Y")


def _case(ticket: Ticket, config: Config) -> list[str]:
    zone = config.commune.zone
    lines = [
        t(
            "privacy.case",
            code=ticket.code,
            kind=kind_label(ticket.kind),
            category=category_label(ticket.category_id, config),
            status=status_label(ticket.status),
            created=_when(ticket.created_at, zone),
        ),
        t("privacy.content", content=ticket.content),
        t("privacy.photos", count=len(ticket.attachments)),
    ]
    if ticket.place or ticket.latitude is not None:
        lines.append(t("privacy.place", place=ticket.place or t("privacy.map_point")))
    for key, value in (
        ("privacy.contact_name", ticket.contact_name),
        ("privacy.contact_phone", ticket.contact_phone),
        ("privacy.contact_address", ticket.contact_address),
    ):
        if value:
            lines.append(t(key, value=value))
    return lines


def _consent(data: PersonalData, zone: ZoneInfo) -> str:
    """The day of the consent, and which notice it was to in words: the notice's version is a
    label for the system, not a date a citizen should read."""
    at = data.person.consent_at
    if at is None:
        return t("privacy.consent_none")
    key = "privacy.notice_current" if data.notice_current else "privacy.notice_earlier"
    return t("privacy.consent", day=at.astimezone(zone).strftime("%d/%m/%Y"), notice=t(key))


def _session(key: str, data: PersonalData) -> str:
    """The session as the schedule stands; a session since cancelled by its planned day."""
    session = data.sessions.get(key)
    if session is not None:
        return when(session)
    planned = planned_day(key)
    return planned.strftime("%d/%m/%Y") if planned else t("privacy.none")


def personal_data_text(data: PersonalData, config: Config) -> str:
    """Everything stored about the person, each part on its own lines; the channel splits a
    long text into several messages."""
    zone = config.commune.zone
    person = data.person
    lines = [
        t("privacy.title"),
        t("privacy.identity", name=person.display_name or t("privacy.none"), id=person.external_id),
        _consent(data, zone),
        t("privacy.cases", count=len(data.cases)),
    ]
    for ticket in data.cases:
        lines += _case(ticket, config)
    lines.append(t("privacy.bookings", count=len(data.bookings)))
    lines += [
        t(
            "privacy.booking",
            session=_session(b.session_key, data),
            topic=b.topic,
            state=t("privacy.cancelled") if b.cancelled else "",
        )
        for b in data.bookings
    ]
    for key, since in (
        ("privacy.reception", data.reception_since),
        ("privacy.announcements", data.announcements_since),
    ):
        state = t("privacy.on", since=_when(since, zone)) if since else t("privacy.off")
        lines.append(t(key, state=state))
    if data.erasure is not None:
        lines.append(
            t("privacy.pending", due=data.erasure.due_at.astimezone(zone).strftime("%d/%m/%Y"))
        )
    lines.append(t("privacy.rights"))
    return "\n".join(lines)


def confirm_options() -> tuple[Option, ...]:
    return (
        Option(
            Confirm.ERASE.value,
            t("privacy.confirm_erase"),
            tuple(t("privacy.erase_aliases").split("|")),
        ),
        Option(
            Confirm.KEEP.value,
            t("privacy.confirm_keep"),
            tuple(t("privacy.keep_aliases").split("|")),
        ),
    )


def confirm_prompt(data: PersonalData, config: Config) -> Prompt:
    """Read back what will go and what stays before anything is filed."""
    text = t(
        "privacy.confirm",
        cases=len(data.cases),
        bookings=len(data.bookings),
        days=config.privacy.erasure_days,
    )
    return Prompt(text=text, ref=CONFIRM_REF, options=confirm_options(), cancel=True)
