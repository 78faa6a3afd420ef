"""How a reception session reads in a sentence: its day and hours, title and place."""

from __future__ import annotations

from bot.domain.reception import Session
from bot.texts import t


def when(session: Session) -> str:
    """ "Thứ Năm 03/12/2026, 07:30–11:00", as people say it."""
    weekday = t(f"reception.weekday.{session.day.isoweekday()}")
    start = session.start.strftime("%H:%M")
    end = session.end.strftime("%H:%M")
    return f"{weekday} {session.day.strftime('%d/%m/%Y')}, {start}–{end}"


def describe(session: Session) -> str:
    text = t("reception.line", when=when(session), title=session.title, place=session.place)
    if session.moved_from is not None:
        text += " " + t("reception.moved", day=session.moved_from.strftime("%d/%m/%Y"))
    return text
