"""A case's full record as an inspection reads it: every field, every event, every note in
full, everyone named; in Vietnamese for people, and as JSON for programs."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.dialogs.history import history_text
from bot.dialogs.media import card_lines
from bot.dialogs.notices import day, holder_label
from bot.dialogs.report_text import status_label
from bot.dialogs.summary import category_label, kind_label
from bot.domain.audit import CaseRecord
from bot.domain.tickets import PHOTO, Attachment, Ticket
from bot.texts import t

SEALED = "sealed"


def _moment(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%d/%m/%Y %H:%M") if value else t("summary.none")


def _officer(staff: dict[int, tuple[str, str]], person_id: int | None) -> str:
    if person_id is None or person_id not in staff:
        return t("audit.nobody")
    name, title = staff[person_id]
    return t("audit.officer", name=name, title=title) if title else name


def actor_names(record: CaseRecord, *, show_identity: bool) -> dict[int, str]:
    """Who did what: officers by name and title; the citizen by name only if it may be shown."""
    names = {person: _officer(record.staff, person) for person in record.staff}
    citizen = record.citizen
    if citizen is not None and record.ticket.sealed:
        names[citizen.id] = t("audit.denouncer")
    elif citizen is not None and show_identity:
        name = record.ticket.contact_name or citizen.display_name
        names[citizen.id] = t("audit.citizen", name=name)
    return names


def _sender(record: CaseRecord, show_identity: bool) -> list[str]:
    ticket = record.ticket
    if ticket.sealed:
        key = "card.identity_sealed" if show_identity else "card.identity_hidden"
        return [t("audit.sender", value=t(key))]
    if not show_identity:
        return [t("audit.sender", value=t("card.identity_hidden"))]
    parts = (ticket.contact_name, ticket.contact_phone, ticket.contact_address)
    given = ", ".join(p for p in parts if p) or t("summary.no_contact")
    lines = [t("audit.sender", value=given)]
    if record.citizen is not None:
        citizen = record.citizen
        lines.append(
            t(
                "audit.account",
                name=citizen.display_name,
                channel=citizen.channel,
                id=citizen.external_id,
            )
        )
    return lines


def _due(record: CaseRecord) -> str:
    ticket = record.ticket
    notes = []
    if ticket.complex:
        notes.append(t("audit.complex"))
    if ticket.extensions:
        notes.append(t("audit.extensions", count=ticket.extensions))
    extra = f" ({'; '.join(notes)})" if notes else ""
    return t("audit.due", value=day(ticket.due_on)) + extra


def _shown_attachments(ticket: Ticket) -> tuple[Attachment, ...]:
    """A denunciation's documents without their own names, which may name the denouncer."""
    if not ticket.sealed:
        return ticket.attachments
    hidden = t("audit.file_name_sealed")
    return tuple(replace(a, file_name=hidden) if a.file_name else a for a in ticket.attachments)


def audit_text(record: CaseRecord, config: Config, *, show_identity: bool) -> str:
    """The whole case, nothing shortened; the identity only where `show_identity` allows it."""
    ticket = record.ticket
    zone = config.commune.zone
    lines = [
        t("audit.title", code=ticket.code, commune=config.commune.name),
        t(
            "card.kind",
            kind=kind_label(ticket.kind),
            category=category_label(ticket.category_id, config),
        ),
        t(
            "card.status",
            status=status_label(ticket.status),
            department=holder_label(record.holder, config),
        ),
    ]
    if ticket.department_id is not None and ticket.department_id != record.holder:
        lines.append(t("audit.queue", value=holder_label(ticket.department_id, config)))
    lines.append(t("audit.assignee", value=_officer(record.staff, ticket.assignee_id)))
    if ticket.subject_id is not None:
        lines.append(t("audit.subject", value=_officer(record.staff, ticket.subject_id)))
    lines += _sender(record, show_identity)
    if ticket.place:
        lines.append(t("card.place", value=ticket.place))
    if ticket.latitude is not None and ticket.longitude is not None:
        lines.append(t("audit.location", latitude=ticket.latitude, longitude=ticket.longitude))
    photos = sum(1 for a in ticket.attachments if a.kind == PHOTO)
    if photos:
        lines.append(t("audit.photos", count=photos))
    lines += card_lines(_shown_attachments(ticket))
    lines += [
        t("audit.received", value=_moment(ticket.created_at, zone)),
        t("audit.accepted", value=_moment(ticket.accepted_at, zone)),
        _due(record),
        t("audit.closed", value=_moment(ticket.closed_at, zone)),
    ]
    if ticket.result:
        lines.append(t("audit.result", value=ticket.result))
    if ticket.rating:
        lines.append(t("audit.rating", value=t(f"audit.rated.{ticket.rating}")))
    lines += [
        t("audit.content", value=ticket.content),
        "",
        history_text(
            record.history, actor_names(record, show_identity=show_identity), zone, note_limit=None
        ),
    ]
    return "\n".join(lines)


def _iso(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value else None


def audit_json(record: CaseRecord, config: Config) -> dict[str, object]:
    """The same record for programs: raw values with their labels, local times in ISO 8601."""
    ticket = record.ticket
    zone = config.commune.zone
    names = actor_names(record, show_identity=True)
    citizen = record.citizen
    return {
        "code": ticket.code,
        "commune": config.commune.name,
        "kind": ticket.kind.value,
        "kind_label": kind_label(ticket.kind),
        "category": ticket.category_id,
        "category_label": category_label(ticket.category_id, config),
        "status": ticket.status.value,
        "status_label": status_label(ticket.status),
        "department": ticket.department_id,
        "department_label": config.department_name(ticket.department_id),
        "assignee": _officer(record.staff, ticket.assignee_id) if ticket.assignee_id else None,
        "subject": _officer(record.staff, ticket.subject_id) if ticket.subject_id else None,
        # A sealed identity is opened only by a leader, in the chat, with the view recorded.
        "contact": SEALED
        if ticket.sealed
        else {
            "name": ticket.contact_name,
            "phone": ticket.contact_phone,
            "address": ticket.contact_address,
        },
        "account": SEALED
        if ticket.sealed
        else (
            {
                "name": citizen.display_name,
                "channel": citizen.channel,
                "id": citizen.external_id,
            }
            if citizen
            else None
        ),
        "content": ticket.content,
        "place": ticket.place,
        "latitude": ticket.latitude,
        "longitude": ticket.longitude,
        "photos": len(ticket.attachments),
        "received_at": _iso(ticket.created_at, zone),
        "accepted_at": _iso(ticket.accepted_at, zone),
        "due_on": ticket.due_on.isoformat() if ticket.due_on else None,
        "complex": ticket.complex,
        "extensions": ticket.extensions,
        "closed_at": _iso(ticket.closed_at, zone),
        "result": ticket.result,
        "rating": ticket.rating,
        "history": [
            {
                "at": _iso(event.at, zone),
                "actor": names.get(event.actor_id or 0, t("history.citizen")),
                "action": event.action,
                "from_status": event.from_status.value if event.from_status else None,
                "to_status": event.to_status.value if event.to_status else None,
                "note": event.note,
            }
            for event in record.history
        ],
    }
