"""How a draft or a filed case reads to the citizen: the same words before and after sending."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.domain.attachments import Tally, tally
from bot.domain.draft import Draft
from bot.domain.publication import is_public
from bot.domain.tickets import PHOTO, QUESTION_CATEGORY, Kind, Status, Ticket
from bot.texts import t


def kind_label(kind: Kind) -> str:
    return t(f"kind.{kind.value}.label")


def status_label(status: Status) -> str:
    return t(f"status.{status.value}")


def category_label(category_id: str, config: Config) -> str:
    if category_id == QUESTION_CATEGORY:
        return t("category.none")
    category = config.category(category_id)
    return category.name if category else t("category.unknown")


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def local_date(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y")


def _place(latitude: float | None, place: str | None) -> str:
    if latitude is not None:
        return t("summary.place_map")
    return place or t("summary.none")


def _identity(name: str | None, phone: str | None, address: str | None) -> str:
    if not name:
        return t("summary.no_contact")
    return ", ".join(part for part in (name, phone, address) if part)


def _own_identity(ticket: Ticket) -> str:
    """A denouncer's details are sealed, and stay so even in their own view of the case."""
    if ticket.sealed:
        return t("summary.sealed_contact")
    return _identity(ticket.contact_name, ticket.contact_phone, ticket.contact_address)


def media_lines(counted: Tally) -> list[str]:
    """The lines for voice notes and documents ("🎤 1 tin nhắn thoại (45 giây)"); photos have
    their own line, always shown."""
    lines = []
    if counted.voices:
        lines.append(t("summary.media.voices", count=counted.voices, seconds=counted.seconds))
    if counted.documents:
        lines.append(t("summary.media.documents", count=counted.documents))
    return lines


def _content(content: str | None, voices: int) -> str:
    """Content left unwritten beside a voice note is in the voice note."""
    return content or (t("summary.media.voice_content") if voices else "")


def summary(draft: Draft, config: Config) -> str:
    """The read-back before sending: exactly what the commune will receive."""
    none = t("summary.none")
    counted = tally(
        [(PHOTO, None)] * len(draft.photos) + [(m.kind, m.duration) for m in draft.media]
    )
    lines = [
        t("summary.title"),
        t("summary.kind", value=kind_label(draft.kind) if draft.kind else none),
        t(
            "summary.category",
            value=category_label(draft.category_id, config) if draft.category_id else none,
        ),
        t("summary.content", value=_content(draft.content, counted.voices)),
        t("summary.photos", count=counted.photos),
        *media_lines(counted),
        t("summary.place", value=_place(draft.latitude, draft.place)),
        t(
            "summary.sender",
            value=_identity(draft.contact_name, draft.contact_phone, draft.contact_address),
        ),
    ]
    if draft.asks_publication:
        lines.append(t("summary.publish.yes" if draft.publish else "summary.publish.no"))
    if draft.kind and draft.kind.needs_identity:
        lines.append("\n" + t(f"intake.law.{draft.kind.value}"))
    lines.append("\n" + t("summary.confirm_hint"))
    return "\n".join(lines)


def case_line(ticket: Ticket, zone: ZoneInfo) -> str:
    """One line of a citizen's case list."""
    return t(
        "lookup.line",
        code=ticket.code,
        kind=kind_label(ticket.kind),
        status=status_label(ticket.status),
        date=local_date(ticket.created_at, zone),
    )


def case_detail(ticket: Ticket, config: Config) -> str:
    """One case as its citizen sees it, with the commune's answer once there is one."""
    counted = tally((a.kind, a.duration) for a in ticket.attachments)
    lines = [
        t("lookup.detail.title", code=ticket.code),
        t("summary.kind", value=kind_label(ticket.kind)),
        t("summary.category", value=category_label(ticket.category_id, config)),
        t("lookup.detail.date", date=local_date(ticket.created_at, config.commune.zone)),
        t("lookup.detail.status", status=status_label(ticket.status)),
        t("summary.content", value=shorten(_content(ticket.content, counted.voices), 1500)),
        t("summary.photos", count=counted.photos),
        *media_lines(counted),
        t("summary.place", value=_place(ticket.latitude, ticket.place)),
        t("summary.sender", value=_own_identity(ticket)),
    ]
    if is_public(ticket, config.routing.conduct_category):
        lines.append(t("lookup.public.shown"))
    if ticket.result:
        lines.append(t("citizen.result", value=ticket.result))
    return "\n".join(lines)
