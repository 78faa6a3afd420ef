"""A case being written: its fields, the steps of writing it and the rules for each answer.

The order of steps depends on what has been answered (a complaint always asks for identity, an
edit returns to the summary), so the order is computed here rather than wired into a handler.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.domain.publication import may_ask
from bot.domain.tickets import VOICE, Kind


class Step(StrEnum):
    KIND = "kind"
    CATEGORY = "category"
    CONTENT = "content"
    PHOTOS = "photos"
    LOCATION = "location"
    CONTACT = "contact"  # whether to leave contact details at all
    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"
    PUBLISH = "publish"  # whether everyone may read it, personal data hidden
    CONFIRM = "confirm"
    EDIT = "edit"  # which part to change


ORDER = (
    Step.KIND,
    Step.CATEGORY,
    Step.CONTENT,
    Step.PHOTOS,
    Step.LOCATION,
    Step.CONTACT,
    Step.NAME,
    Step.PHONE,
    Step.ADDRESS,
    Step.PUBLISH,
    Step.CONFIRM,
)
IDENTITY_STEPS = (Step.NAME, Step.PHONE, Step.ADDRESS)
# Steps whose answer the phone itself can send (its location, its number) from a keyboard of
# its own, shown only to a citizen who asks for it.
PHONE_STEPS = (Step.LOCATION, Step.PHONE)


class Photo(BaseModel):
    model_config = ConfigDict(frozen=True)
    file_id: str
    file_unique_id: str


class Media(BaseModel):
    """A voice note or a document attached to a draft, with what the channel said of it on
    arrival (the card and the read-back need it before any download)."""

    model_config = ConfigDict(frozen=True)
    kind: Literal["voice", "document"]
    file_id: str
    file_unique_id: str
    duration: int | None = None
    size: int | None = None
    media_type: str | None = None
    file_name: str | None = None


class Draft(BaseModel):
    """Kept as plain JSON in the conversation store, so it survives restarts."""

    draft_id: str
    step: Step = Step.KIND
    kind: Kind | None = None
    category_id: str | None = None
    content: str | None = None
    photos: list[Photo] = []
    # Voice notes and documents; drafts kept before they were taken load with none.
    media: list[Media] = []
    latitude: float | None = None
    longitude: float | None = None
    place: str | None = None
    wants_contact: bool | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_address: str | None = None
    editing: bool = False
    # A tin báo: a denunciation without a name, filed as a phản ánh that the commune checks
    # itself (Luật Tố cáo Art 25); it never asks who the citizen is.
    tip: bool = False
    # The chat can ask the phone for its location or number (Telegram; Zalo cannot): those
    # steps then offer it as a choice.
    phone_buttons: bool = True
    # The citizen chose that choice: the step is asked with the phone's keyboard, which only
    # a message can take away again once the step is left.
    keyboard: bool = False
    # The commune publishes cases ([web] enabled): a case that may be published asks whether
    # it may; without a public page the question would mean nothing and is not asked.
    publication: bool = False
    # The category chosen is the commune's conduct category: never published.
    conduct: bool = False
    publish: bool | None = None

    @property
    def has_voice(self) -> bool:
        """A voice note stands for the written content: the officer listens."""
        return any(m.kind == VOICE for m in self.media)

    @property
    def asks_identity(self) -> bool:
        return bool(self.kind and self.kind.needs_identity) or bool(self.wants_contact)

    @property
    def asks_publication(self) -> bool:
        return self.publication and may_ask(self.kind, tip=self.tip, conduct=self.conduct)

    @property
    def published(self) -> bool:
        """What filing it now would store: consent given, and still a case that may have it."""
        return bool(self.publish) and self.asks_publication


def applies(step: Step, draft: Draft) -> bool:
    """Whether a step is asked for this draft at all."""
    needs_identity = bool(draft.kind and draft.kind.needs_identity)
    if step is Step.CONTACT:
        return not needs_identity and not draft.tip
    if step in IDENTITY_STEPS:
        return draft.asks_identity
    if step is Step.PUBLISH:
        return draft.asks_publication
    return step is not Step.EDIT


def missing(draft: Draft) -> Step | None:
    """The first step whose answer a complete draft still lacks."""
    required: list[tuple[Step, object]] = [
        (Step.KIND, draft.kind),
        (Step.CATEGORY, draft.category_id),
        (Step.CONTENT, "" if draft.has_voice else draft.content),
    ]
    if draft.asks_identity:
        required += [
            (Step.NAME, draft.contact_name),
            (Step.PHONE, draft.contact_phone),
            (Step.ADDRESS, draft.contact_address),
        ]
    elif draft.wants_contact is None and not draft.tip:
        required.append((Step.CONTACT, None))
    if draft.asks_publication:
        required.append((Step.PUBLISH, draft.publish))
    return next((step for step, value in required if value is None), None)


def next_step(draft: Draft, step: Step) -> Step:
    """Where to go once `step` is answered; an edit goes back to the summary when it can.

    Contact details are one chain: editing them walks name, phone and address in turn.
    """
    in_identity_chain = step in (Step.CONTACT, Step.NAME, Step.PHONE) and draft.asks_identity
    if draft.editing and not in_identity_chain:
        return missing(draft) or Step.CONFIRM
    later = ORDER[ORDER.index(step) + 1 :]
    return next(s for s in later if applies(s, draft))


def previous_step(draft: Draft, step: Step) -> Step | None:
    """Where "Quay lại" leads; None means out of the flow, back to the menu."""
    if step is Step.EDIT:
        return Step.CONFIRM
    if draft.editing:
        return Step.EDIT
    if step not in ORDER:
        return None
    earlier = ORDER[: ORDER.index(step)]
    return next((s for s in reversed(earlier) if applies(s, draft)), None)


def clean_text(text: str) -> str:
    """Text as it will be stored: normalised Unicode, no control characters, tidy spaces.

    People paste from other apps; zero-width and control characters would make a case unreadable
    in a report and are never meant.
    """
    composed = unicodedata.normalize("NFC", text)
    kept = "".join(ch for ch in composed if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    lines = [" ".join(line.split()) for line in kept.replace("\t", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Mobile numbers have 9 digits after the leading 0; landlines (since 2017) have 10, starting
# with the area code's 2.
_PHONE = re.compile(r"^(?:\+?84|0)(\d{9}|2\d{9})$")


def clean_phone(text: str) -> str | None:
    """A Vietnamese mobile (0xxxxxxxxx) or landline (02xxxxxxxxx) number, or None."""
    digits = re.sub(r"[\s.\-()]", "", text)
    match = _PHONE.match(digits)
    return f"0{match.group(1)}" if match else None
