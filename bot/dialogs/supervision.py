"""What supervisors read of a case, and the recommendation they send the leaders.

Supervisors see how cases are handled, never who is behind them: no citizen's name, phone,
address or account; the content of ordinary cases with personal data masked; of a
denunciation or a case about an officer's conduct (`Watched.restricted`) only the code and the
dates, since the kind, category, content, department or people handling it could point to the
denouncer or to the person accused. In a history, notes are left out (they are written by the
citizen or about them), except the supervisors' own recommendations.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.dialogs.history import history_lines
from bot.dialogs.notices import CASE_REF, case_ref, day
from bot.dialogs.report_text import status_label
from bot.dialogs.summary import category_label, kind_label, local_date, shorten
from bot.domain.choices import Option
from bot.domain.people import Officer
from bot.domain.redaction import mask_personal
from bot.domain.supervision import Watched, WatchedCase, Watchlist
from bot.domain.tickets import Ticket, TicketEvent
from bot.domain.workflow import Action
from bot.messages import Delivery, Notice
from bot.texts import t

WATCH_REF = "watch"
LISTED = 10  # cases listed per section; the rest are counted
CONTENT_IN_LIST = 200
CONTENT_IN_CASE = 1500


def masked_content(watched: Watched, limit: int) -> str:
    ticket = watched.ticket
    known = (*watched.personal, ticket.contact_phone, ticket.contact_address)
    return shorten(mask_personal(ticket.content, known, mask=t("supervision.masked")), limit)


def _line(watched: Watched, config: Config) -> str:
    ticket = watched.ticket
    received = local_date(ticket.created_at, config.commune.zone)
    if watched.restricted:
        return t(
            "supervision.restricted_line",
            code=ticket.code,
            received=received,
            due=day(ticket.due_on),
        )
    line = t(
        "supervision.line",
        code=ticket.code,
        kind=kind_label(ticket.kind),
        category=category_label(ticket.category_id, config),
        department=config.department_name(ticket.department_id),
        received=received,
        due=day(ticket.due_on),
        status=status_label(ticket.status),
    )
    if watched.reopened:
        line += "\n" + t("supervision.list_reopened", count=watched.reopened)
    return (
        line + "\n" + t("supervision.list_content", value=masked_content(watched, CONTENT_IN_LIST))
    )


def listed(watchlist: Watchlist) -> list[Ticket]:
    """The cases the list shows (and offers to open), in its order."""
    return [w.ticket for w in (*watchlist.overdue[:LISTED], *watchlist.reopened[:LISTED])]


def _section(title: str, cases: list[Watched], config: Config) -> list[str]:
    lines = ["", t(title, count=len(cases))]
    if not cases:
        return [*lines, t("supervision.none")]
    lines += [_line(w, config) for w in cases[:LISTED]]
    if len(cases) > LISTED:
        lines.append(t("supervision.more", count=len(cases) - LISTED))
    return lines


def watchlist_text(watchlist: Watchlist, config: Config) -> str:
    """The overdue and reopened cases; a block of figures may be put before it."""
    lines = [
        t("supervision.title", today=watchlist.today.strftime("%d/%m/%Y")),
        *_section("supervision.overdue_title", watchlist.overdue, config),
        *_section("supervision.reopened_title", watchlist.reopened, config),
    ]
    if listed(watchlist):
        lines += ["", t("supervision.open_hint")]
    return "\n".join(lines)


def _supervisors_history(events: list[TicketEvent]) -> list[TicketEvent]:
    return [e if e.action == Action.RECOMMEND.value else replace(e, note=None) for e in events]


def _dates(ticket: Ticket, zone: ZoneInfo) -> list[str]:
    lines = [
        t("supervision.received", value=local_date(ticket.created_at, zone)),
        t("supervision.due", value=day(ticket.due_on)),
    ]
    if ticket.closed_at is not None:
        lines.append(t("supervision.closed", value=local_date(ticket.closed_at, zone)))
    return lines


def watch_notice(ticket: Ticket, config: Config) -> Notice:
    """Supervisors are told of a case about a leader, which the committee cannot judge alone;
    like every restricted case, it reaches them as its code and dates."""
    return Notice(
        t(
            "supervision.told",
            code=ticket.code,
            received=local_date(ticket.created_at, config.commune.zone),
            due=day(ticket.due_on),
        ),
        delivery=Delivery.AT_LEAST_ONCE,  # their card of the case
    )


def watched_case_text(watched: WatchedCase, config: Config) -> str:
    """One case as supervisors may read it, with its history."""
    ticket = watched.case.ticket
    zone = config.commune.zone
    lines = [t("supervision.case_title", code=ticket.code)]
    if watched.case.restricted:
        recommendations = [e for e in watched.history if e.action == Action.RECOMMEND.value]
        lines += [t("supervision.restricted"), *_dates(ticket, zone)]
        if recommendations:
            lines += ["", t("supervision.recommendations")]
            lines += history_lines(recommendations, watched.names, zone, None)
        return "\n".join(lines)
    lines += [
        t(
            "card.kind",
            kind=kind_label(ticket.kind),
            category=category_label(ticket.category_id, config),
        ),
        t("supervision.department", value=config.department_name(ticket.department_id)),
        *_dates(ticket, zone),
        t("supervision.status", value=status_label(ticket.status)),
    ]
    if watched.case.reopened:
        lines.append(t("supervision.reopened", count=watched.case.reopened))
    lines += [
        t("card.content", value=masked_content(watched.case, CONTENT_IN_CASE)),
        t("supervision.privacy"),
        "",
        t("history.title"),
        *history_lines(_supervisors_history(watched.history), watched.names, zone, None),
    ]
    return "\n".join(lines)


def open_button(ticket: Ticket) -> tuple[str, str]:
    """(label, reference) of the button that opens a listed case."""
    return t("supervision.open_button", code=ticket.code), case_ref(WATCH_REF, ticket)


RECOMMEND_KEY = "recommend"
OPEN_KEY = "open"
PREVIEW_REF = "watch.confirm"
WRITE_REF = "watch.write"
PREVIEW_OPTIONS = (
    Option("send", t("supervision.send"), ("gui", "dong y")),
    Option("edit", t("supervision.edit"), ("sua",)),
)


def preview_text(code: str, text: str) -> str:
    return t("supervision.preview", code=code, text=text)


def recommendation_notice(ticket: Ticket, supervisor: Officer, text: str) -> Notice:
    """What every leader receives; the button opens the case card for them."""
    return Notice(
        text=t(
            "supervision.to_leaders",
            code=ticket.code,
            name=supervisor.name,
            title=supervisor.title or t("supervision.supervisor"),
            text=text,
        ),
        ref=case_ref(CASE_REF, ticket),
        options=(Option(OPEN_KEY, t("supervision.open_case")),),
        delivery=Delivery.AT_LEAST_ONCE,  # a step of the case, like the officer's updates
    )
