"""What the commune tells officers and citizens as a case moves.

Officers get the case card first and the buttons for what they may do next; citizens get plain
words with the case code. A denouncer's identity appears only in notices built for a leader.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from bot.config import Config
from bot.dialogs.media import caption, card_lines, files_word
from bot.dialogs.report_text import status_label
from bot.dialogs.summary import category_label, kind_label, shorten
from bot.domain.choices import Option
from bot.domain.routing import sent_up
from bot.domain.tickets import DOCUMENT, PHOTO, VOICE, Attachment, Ticket
from bot.domain.workflow import Action, applies_to, next_status
from bot.messages import AttachmentRef, Delivery, Notice, Prompt, parse_number
from bot.sealing import Identity
from bot.texts import t

CASE_REF = "case"
REPLY_REF = "reply"
RATE_REF = "rate"
ADD_REF = "add"
# Officer actions offered as buttons, in the order they are shown.
CARD_ACTIONS = (
    Action.ANSWER,
    Action.ACCEPT,
    Action.ASK,
    Action.RESOLVE,
    Action.REASSIGN,
    Action.REFUSE,
    Action.COMPLEX,
    Action.EXTEND,
)


def holder_label(department_id: str | None, config: Config) -> str:
    """Who holds a case, as a citizen reads it: a department, or the commune's leaders."""
    return config.department_name(department_id) if department_id else t("citizen.leaders")


def case_ref(prefix: str, ticket: Ticket) -> str:
    """A button's reference to a case: its number only; authority is checked on each press."""
    return f"{prefix}.{ticket.id}"


def parse_case_ref(ref: str, prefix: str) -> int | None:
    head, _, number = ref.partition(".")
    return parse_number(number) if head == prefix else None


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else t("summary.none")


def possible_actions(ticket: Ticket) -> tuple[Action, ...]:
    """The card's buttons: only what the case's status allows now."""
    possible = []
    for action in CARD_ACTIONS:
        if not applies_to(action, ticket.kind):
            continue
        try:
            next_status(ticket.status, action, accepted=ticket.accepted)
        except ValueError:
            continue
        possible.append(action)
    return tuple(possible)


IDENTITY_KEY = "identity"
SHOW_PHOTOS_KEY = "photos"
HIDE_PHOTOS_KEY = "nophotos"


def _sender(ticket: Ticket, show_identity: bool) -> str:
    if ticket.sealed and show_identity:
        return t("card.identity_sealed")
    if not show_identity or ticket.sealed:
        return t("card.identity_hidden")
    if not ticket.contact_name:
        return t("summary.no_contact")
    parts = (ticket.contact_name, ticket.contact_phone, ticket.contact_address)
    return ", ".join(p for p in parts if p)


def card_text(
    ticket: Ticket, config: Config, *, holder: str | None, show_identity: bool, title_key: str
) -> str:
    """`holder` is who the citizen is told holds the case (`assignment.holder_of`), so the
    card and the citizen's receipt tell one story."""
    lines = [
        t(title_key, code=ticket.code),
        t(
            "card.kind",
            kind=kind_label(ticket.kind),
            category=category_label(ticket.category_id, config),
        ),
        t(
            "card.status",
            status=status_label(ticket.status),
            department=holder_label(holder, config),
        ),
        t("card.due", due=day(ticket.due_on)),
        t("card.sender", value=_sender(ticket, show_identity)),
    ]
    if sent_up(ticket.subject_id, ticket.department_id):
        lines.append(t("card.sent_up"))
    if ticket.place:
        lines.append(t("card.place", value=ticket.place))
    content = ticket.content or t("summary.media.voice_content")
    lines.append(t("card.content", value=shorten(content, 2500)))
    if ticket.attachments and ticket.sealed and not show_identity:
        # A sealed case's files are the leaders' only (bot.domain.file_access): their number.
        lines.append(t("card.files_sealed", count=len(ticket.attachments)))
        return "\n".join(lines)
    photos = sum(1 for a in ticket.attachments if a.kind == PHOTO)
    if photos:
        lines.append(t("card.photos", count=photos))
    lines += card_lines(ticket.attachments)
    return "\n".join(lines)


def action_options(ticket: Ticket, *, show_identity: bool = False) -> tuple[Option, ...]:
    """The card's buttons; a leader's card of a sealed case also opens the identity."""
    options = tuple(Option(a.value, t(f"card.action.{a.value}")) for a in possible_actions(ticket))
    if ticket.sealed and show_identity:
        options += (Option(IDENTITY_KEY, t("card.action.identity")),)
    return options


def card_options(ticket: Ticket, *, show_identity: bool) -> tuple[Option, ...]:
    """The card's buttons, and on a published case with photos the one that lets them out on
    the public page, or takes them back: asked of the officer who has the photos in front of
    them, never of the citizen's consent alone (a face, a house number)."""
    options = action_options(ticket, show_identity=show_identity)
    if not ticket.public or not any(a.kind == PHOTO for a in ticket.attachments):
        return options
    key = HIDE_PHOTOS_KEY if ticket.photos_public else SHOW_PHOTOS_KEY
    return (*options, Option(key, t(f"card.action.{key}")))


def officer_card(
    ticket: Ticket,
    config: Config,
    *,
    holder: str | None,
    show_identity: bool,
    title_key: str = "card.new",
) -> list[Notice]:
    """The case card, then its photos and map point as separate messages; the officer waits
    for each of them (Delivery)."""
    text = card_text(
        ticket, config, holder=holder, show_identity=show_identity, title_key=title_key
    )
    options = card_options(ticket, show_identity=show_identity)
    waited = Delivery.AT_LEAST_ONCE
    withheld = ticket.sealed and not show_identity
    notices = [Notice(text=text, ref=case_ref(CASE_REF, ticket), options=options, delivery=waited)]
    if not withheld:
        notices += attachment_notices(ticket, ticket.attachments)
    if ticket.latitude is not None and ticket.longitude is not None:
        notices.append(
            Notice(text="", latitude=ticket.latitude, longitude=ticket.longitude, delivery=waited)
        )
    return notices


def attachment_notices(
    ticket: Ticket, attachments: Sequence[Attachment], earlier: Sequence[Attachment] = ()
) -> list[Notice]:
    """Each file as a message of its own, photos first, then voice notes, then documents, each
    numbered within its kind as the card lists them, after the case's `earlier` files of that
    kind; the officer waits for each (Delivery). A file is named by its place in the case (the
    `earlier` ones, then these, as storage.tickets numbers them), so that the kept file goes out
    even where an erasure cut the channel's reference."""
    notices = []
    for kind in (PHOTO, VOICE, DOCUMENT):
        first = 1 + sum(1 for a in earlier if a.kind == kind)
        of_kind = [
            (position, a)
            for position, a in enumerate(attachments, start=len(earlier) + 1)
            if a.kind == kind
        ]
        for n, (position, attachment) in enumerate(of_kind, start=first):
            file = attachment.file_id or None
            notices.append(
                Notice(
                    text=caption(attachment, ticket.code, n),
                    photo=file if kind == PHOTO else None,
                    voice=file if kind == VOICE else None,
                    document=file if kind == DOCUMENT else None,
                    delivery=Delivery.AT_LEAST_ONCE,
                    attachment=AttachmentRef(ticket.id, position),
                )
            )
    return notices


def files_added_notices(
    ticket: Ticket, files: Sequence[Attachment], words: str | None
) -> list[Notice]:
    """A citizen's supplement of files, to the officer: a line with what came (and the words
    sent with it), then the files; `ticket` is the case as it was before them."""
    lead = officer_update(ticket, "officer.files.added", what=files_word(files))
    if words:
        lead = replace(lead, text=f"{lead.text}\n«{words}»")
    return [lead, *attachment_notices(ticket, files, ticket.attachments)]


def officer_update(ticket: Ticket, key: str, **values: object) -> Notice:
    """A short line for the officer, with what they may do next: a step of the case they wait
    for (a citizen's answer, a rating); a reminder made of it is `reminder_of` it."""
    return Notice(
        text=t(key, code=ticket.code, **values),
        ref=case_ref(CASE_REF, ticket),
        options=action_options(ticket),
        delivery=Delivery.AT_LEAST_ONCE,
    )


def answer_options() -> tuple[Option, ...]:
    """ "✍️ Trả lời" under an officer's question."""
    return (Option("answer", t("citizen.answer_button")),)


def rating_options() -> tuple[Option, ...]:
    """The rating's choices, in the order of the result notice's buttons (1 then 2)."""
    return (
        Option("satisfied", t("citizen.satisfied")),
        Option("unsatisfied", t("citizen.unsatisfied"), ("khong hai long",)),
    )


def rating_prompt(ticket: Ticket) -> Prompt:
    """The rating asked again where the citizen looks the case up, with the notice's buttons."""
    return Prompt(
        text=t("citizen.rate_ask", code=ticket.code),
        ref=case_ref(RATE_REF, ticket),
        options=rating_options(),
    )


def reminder_of(notice: Notice) -> Notice:
    """A reminder is sent at most once: the next one, or the morning digest, covers a lost one
    (Delivery)."""
    return replace(notice, delivery=Delivery.AT_MOST_ONCE)


def citizen_notice(ticket: Ticket, key: str, **values: object) -> Notice:
    """A step of the citizen's own case: they wait for every one (Delivery.AT_LEAST_ONCE)."""
    options: tuple[Option, ...] = ()
    ref = ""
    if key == "citizen.question":
        ref = case_ref(REPLY_REF, ticket)
        options = answer_options()
    elif key in ("citizen.resolved", "citizen.answered"):
        ref = case_ref(RATE_REF, ticket)
        options = rating_options()
    return Notice(
        text=t(key, code=ticket.code, **values),
        ref=ref,
        options=options,
        delivery=Delivery.AT_LEAST_ONCE,
    )


def identity_text(ticket: Ticket, identity: Identity) -> str:
    """What a leader reads on opening a sealed identity."""
    none = t("summary.none")
    return "\n".join(
        [
            t("identity.title", code=ticket.code),
            t("identity.name", value=identity.name or none),
            t("identity.phone", value=identity.phone or none),
            t("identity.address", value=identity.address or none),
            t("identity.account", channel=identity.channel, id=identity.external_id),
        ]
    )
