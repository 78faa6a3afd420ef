"""What a citizen reads and picks when booking a reception session or cancelling a booking.

Reminders (nhắc lịch) and bookings (đăng ký gặp) are two different things a citizen can want;
every sentence here names one of them, never both with one word.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from bot.dialogs.schedule import when
from bot.domain.choices import Option, normalize
from bot.domain.reception import Booked, Session
from bot.messages import Prompt
from bot.texts import t

CHOOSE_REF = "rcbs"
TOPIC_REF = "rcbt"
PICK_REF = "rcbp"
CONFIRM_REF = "rcbc"

BOOK_REF = "rcpb"  # a session's "📝 Đăng ký gặp" button under /lich
UNBOOK_REF = "rcux"  # a booked session's "✖️ Hủy đăng ký" button under /lich


class Confirm(StrEnum):
    CANCEL_BOOKING = "drop"
    KEEP = "keep"


def short_day(session: Session) -> str:
    """ "03/12, 07:30": two sessions on one day need their hour to be told apart on a button."""
    return f"{session.day.strftime('%d/%m')}, {session.start.strftime('%H:%M')}"


def _option(session: Session) -> Option:
    return Option(session.key, t("reception.option", when=when(session), title=session.title))


def session_options(sessions: Sequence[Session]) -> tuple[Option, ...]:
    return tuple(_option(s) for s in sessions)


def choose_prompt(sessions: Sequence[Session]) -> Prompt:
    return Prompt(t("reception.choose"), CHOOSE_REF, options=session_options(sessions), cancel=True)


def topic_prompt(session: Session) -> Prompt:
    return Prompt(t("reception.ask_topic", when=when(session)), TOPIC_REF, back=True, cancel=True)


def booked_options(booked: Sequence[Booked]) -> tuple[Option, ...]:
    return session_options([b.session for b in booked])


def pick_prompt(booked: Sequence[Booked]) -> Prompt:
    return Prompt(t("reception.pick"), PICK_REF, options=booked_options(booked), cancel=True)


def confirm_options() -> tuple[Option, ...]:
    return (
        Option(
            Confirm.CANCEL_BOOKING.value,
            t("reception.drop"),
            tuple(t("reception.drop_aliases").split("|")),
        ),
        Option(
            Confirm.KEEP.value, t("reception.keep"), tuple(t("reception.keep_aliases").split("|"))
        ),
    )


def confirm_prompt(booked: Booked) -> Prompt:
    """One step, read back: which session, and the topic the citizen gave. No "✖️ Hủy" here:
    next to "Hủy đăng ký" it would read as the opposite of what it does."""
    session = booked.session
    text = t("reception.confirm", when=when(session), title=session.title, topic=booked.topic)
    return Prompt(text, CONFIRM_REF, options=confirm_options(), back=True)


def read_reminder_switch(text: str) -> bool | None:
    """Typed "bật nhắc lịch" / "tắt nhắc lịch" (with or without diacritics) works like the
    switch button: True to be reminded, False to stop, None for anything else."""
    said = normalize(text)
    if said in (normalize(w) for w in t("reception.on_words").split("|")):
        return True
    if said in (normalize(w) for w in t("reception.off_words").split("|")):
        return False
    return None
