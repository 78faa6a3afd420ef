"""A case's history as officers read it: when, who, what, from which status to which."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot.dialogs.report_text import status_label
from bot.dialogs.summary import shorten
from bot.domain.tickets import TicketEvent
from bot.texts import catalog, t

# What the bot does by itself, with no one behind it: shown as done by "Hệ thống", not by the
# citizen, whom an event without an actor otherwise names.
SYSTEM_ACTIONS = frozenset({"file_kept"})
# What the server's operator does from the command line, as no one in the chat.
OPERATOR_ACTIONS = frozenset({"audit_exported"})


def _who(event: TicketEvent, names: Mapping[int, str]) -> str:
    if event.actor_id is None and event.action in SYSTEM_ACTIONS:
        return t("history.system")
    if event.actor_id is None and event.action in OPERATOR_ACTIONS:
        return t("history.operator")
    return names.get(event.actor_id or 0, t("history.citizen"))


def _action(action: str) -> str:
    key = f"history.action.{action}"
    return t(key) if key in catalog() else action


def history_text(
    events: list[TicketEvent],
    names: Mapping[int, str],
    zone: ZoneInfo,
    *,
    note_limit: int | None = 300,
) -> str:
    """Officers are named; anyone else (the citizen) is "người dân", never by name, unless
    `names` names them. Notes are shortened to `note_limit` (None: an audit, in full)."""
    return "\n".join([t("history.title"), *history_lines(events, names, zone, note_limit)])


def history_lines(
    events: list[TicketEvent], names: Mapping[int, str], zone: ZoneInfo, note_limit: int | None
) -> list[str]:
    lines = []
    for event in events:
        who = _who(event, names)
        change = ""
        if event.from_status and event.to_status and event.from_status != event.to_status:
            change = t(
                "history.change",
                before=status_label(event.from_status),
                after=status_label(event.to_status),
            )
        line = t(
            "history.line",
            at=event.at.astimezone(zone).strftime("%d/%m/%Y %H:%M"),
            who=who,
            action=_action(event.action),
            change=change,
        )
        if event.note:
            note = event.note if note_limit is None else shorten(event.note, note_limit)
            line += f"\n   «{note}»"
        lines.append(line)
    return lines
