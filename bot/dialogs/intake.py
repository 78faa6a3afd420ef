"""Writing a case, step by step: the question for each step and what each answer leads to.

Every step accepts a button, a number or a word, offers "Quay lại" and "Hủy", and answers a
wrong input by saying what is expected and asking again, never by dropping the draft.

Why one module of ~390 lines: every step of a case is answered here (`_answer` hands each step to
its `_on_<step>`), next to its question; split, a reader would follow one step across files.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Config, takes_denunciations
from bot.dialogs.media import MediaEvent, accepted_media, received_notice
from bot.dialogs.summary import kind_label, shorten, summary
from bot.domain.choices import Nav, Option, match_nav, match_option
from bot.domain.draft import (
    Draft,
    Photo,
    Step,
    clean_phone,
    clean_text,
    missing,
    next_step,
    previous_step,
)
from bot.domain.tickets import CASE_KINDS, Kind
from bot.messages import (
    Choice,
    ContactSent,
    DocumentSent,
    Event,
    LocationSent,
    PhotoSent,
    Prompt,
    Request,
    Text,
    Unsupported,
    VoiceSent,
)
from bot.texts import t

NAME_LIMITS = (2, 100)
ADDRESS_LIMITS = (5, 300)
PLACE_LIMITS = (3, 300)


class Outcome(StrEnum):
    CONTINUE = "continue"  # ask `draft.step` next
    SUBMIT = "submit"  # the citizen confirmed: file the case
    CANCELLED = "cancelled"  # the citizen gave up the draft
    LEFT = "left"  # "Quay lại" from the first step: back to the menu


@dataclass(frozen=True, slots=True)
class Turn:
    draft: Draft
    outcome: Outcome = Outcome.CONTINUE
    notice: str | None = None


REF_PREFIX = "in."


def ref(step: Step) -> str:
    """The reference a button of this step carries, so an old button is recognised as old."""
    return f"{REF_PREFIX}{step.value}"


def new_draft(
    *, phone_buttons: bool = True, publication: bool = False, content: str | None = None
) -> Draft:
    """`content`: words the citizen typed before choosing to file them as a case."""
    return Draft(
        draft_id=uuid.uuid4().hex,
        phone_buttons=phone_buttons,
        publication=publication,
        content=content,
    )


KEEP = Option("keep", t("intake.keep"), ("giu nguyen", "giu"))


TIP = Option("tip", t("intake.tip.label"), tuple(t("intake.tip.aliases").split("|")))


def _kind_options(config: Config) -> tuple[Option, ...]:
    """The kinds; without a key to seal a denouncer's identity, a tin báo is offered too."""
    kinds = tuple(
        Option(kind.value, kind_label(kind), tuple(t(f"kind.{kind.value}.aliases").split("|")))
        for kind in CASE_KINDS
    )
    return kinds if takes_denunciations(config) else (*kinds, TIP)


def _options(step: Step, draft: Draft, config: Config) -> tuple[Option, ...]:
    if step is Step.KIND:
        return _kind_options(config)
    if step is Step.CATEGORY:
        return tuple(Option(c.id, c.name) for c in config.categories)
    if step is Step.PHOTOS:
        done = Option("done", t("intake.photos.done"), ("xong", "da xong", "het"))
        none = Option("done", t("intake.photos.none"), ("bo qua", "khong", "khong co", "xong"))
        clear = Option("clear", t("intake.photos.clear"), ("xoa",))
        if draft.photos:
            return (done, clear)
        return (done,) if draft.media else (none,)
    if step is Step.LOCATION:
        skip = Option("skip", t("intake.location.skip"), ("bo qua", "khong"))
        # "Bỏ qua" stays 1 and the map 2 whatever else is offered: the question says so.
        has_place = draft.latitude is not None or draft.place is not None
        return (skip, *_from_phone(step, draft), *((KEEP,) if has_place else ()))
    if step is Step.PHONE:
        return (*_from_phone(step, draft), *((KEEP,) if draft.contact_phone else ()))
    if step is Step.CONTACT:
        return (
            Option("yes", t("intake.contact.yes"), ("co", "dong y")),
            Option("no", t("intake.contact.no"), ("khong", "bo qua")),
        )
    if step is Step.PUBLISH:
        # Not publishing comes first: the default, and what a "1" typed without reading means.
        return (
            Option("no", t("intake.publish.no"), ("khong", "khong dang", "khong dong y")),
            Option("yes", t("intake.publish.yes"), ("dong y", "co", "dang", "cong khai")),
        )
    if step is Step.CONFIRM:
        return (
            Option("send", t("intake.confirm.send"), ("gui", "dong y", "ok")),
            Option("edit", t("intake.confirm.edit"), ("sua",)),
        )
    if step is Step.EDIT:
        parts: tuple[str, ...] = ("kind", "category", "content", "photos", "location", "contact")
        parts += ("publish",) if draft.asks_publication else ()
        return tuple(Option(p, t(f"intake.edit.{p}")) for p in parts)
    return (KEEP,) if _current_value(step, draft) else ()


FROM_PHONE = {
    Step.LOCATION: Option("map", t("intake.location.map"), ("ban do", "gui vi tri", "vi tri")),
    Step.PHONE: Option("share", t("request.contact"), ("gui so", "so cua toi")),
}


def _from_phone(step: Step, draft: Draft) -> tuple[Option, ...]:
    """The choice of sending this step's answer from the phone itself, where the chat can and
    the phone's keyboard is not showing already."""
    return (FROM_PHONE[step],) if draft.phone_buttons and not draft.keyboard else ()


def _current_value(step: Step, draft: Draft) -> str | None:
    """What a free-text step already holds, so going back or editing can keep it."""
    if step is Step.LOCATION and draft.latitude is not None:
        return t("summary.place_map")
    return {
        Step.CONTENT: draft.content,
        Step.LOCATION: draft.place,
        Step.NAME: draft.contact_name,
        Step.PHONE: draft.contact_phone,
        Step.ADDRESS: draft.contact_address,
    }.get(step)


_REQUESTS = {Step.LOCATION: Request.LOCATION, Step.PHONE: Request.CONTACT}


def prompt(draft: Draft, config: Config) -> Prompt:
    step = draft.step
    request = _REQUESTS.get(step) if draft.keyboard else None
    if request is not None:
        text = t(f"intake.keyboard.{step.value}")
    elif step is Step.CONFIRM:
        text = summary(draft, config)
    elif step is Step.PHOTOS:
        text = t("intake.ask.photos", max=config.intake.max_photos, count=len(draft.photos))
    elif step is Step.CONTENT:
        text = t("intake.ask.content", kind=kind_label(draft.kind) if draft.kind else "")
    elif step is Step.NAME and draft.kind and draft.kind.needs_identity:
        text = f"{t(f'intake.law.{draft.kind.value}')}\n\n{t('intake.ask.name')}"
    else:
        text = t(f"intake.ask.{step.value}")
    current = _current_value(step, draft)
    if current:
        text += "\n\n" + t("intake.current", value=shorten(current, 300))
    return Prompt(
        text=text,
        ref=ref(step),
        options=_options(step, draft, config),
        back=True,
        cancel=True,
        request=request,
    )


def answer(draft: Draft, event: Event, config: Config) -> Turn:
    """Apply one answer to the draft; the draft itself is never modified in place."""
    turn = _answer(draft, event, config)
    if turn.draft.keyboard and turn.draft.step is not draft.step:
        turn = dataclasses.replace(turn, draft=turn.draft.model_copy(update={"keyboard": False}))
    return _said_on_leaving(draft, turn)


def _said_on_leaving(draft: Draft, turn: Turn) -> Turn:
    """Leaving a step asked with the phone's keyboard, say what was recorded.

    Only a message can take that keyboard away; it tells the citizen what the commune will
    receive, never a bare "noted". Without the keyboard, the next question follows at once.
    """
    moved_on = turn.draft.step is not draft.step
    if not draft.keyboard or not moved_on or turn.outcome is not Outcome.CONTINUE:
        return turn
    if turn.notice is not None:
        return turn
    return dataclasses.replace(turn, notice=_recorded(draft.step, turn.draft))


def _recorded(step: Step, draft: Draft) -> str:
    if step is Step.PHONE:
        return t("intake.phone.received", phone=draft.contact_phone)
    if draft.latitude is not None:
        return t("intake.location.received")
    if draft.place is not None:
        return t("intake.location.place", place=shorten(draft.place, 300))
    return t("intake.location.skipped")


def _answer(draft: Draft, event: Event, config: Config) -> Turn:
    step = draft.step
    if isinstance(event, Choice) and event.ref != ref(step):
        return Turn(draft, notice=t("intake.stale_button"))
    said = event.key if isinstance(event, Choice) else None
    if isinstance(event, Text):
        nav = match_nav(event.text)
        said = nav.value if nav else None
    if said == Nav.CANCEL:
        return Turn(draft, Outcome.CANCELLED)
    if said == Nav.BACK and draft.keyboard:
        # Back from the phone's keyboard is the same step asked as before it was chosen.
        return Turn(draft.model_copy(update={"keyboard": False}), notice=t("intake.went_back"))
    if said == Nav.BACK:
        back = previous_step(draft, step)
        if back is None:
            return Turn(draft, Outcome.LEFT)
        editing = draft.editing and back is not Step.CONFIRM
        return Turn(draft.model_copy(update={"step": back, "editing": editing}))
    if isinstance(event, Unsupported):
        return Turn(draft, notice=t(f"unsupported.{event.what}"))
    options = _options(step, draft, config)
    option: Option | None = None
    if isinstance(event, Choice):
        option = next((o for o in options if o.key == event.key), None)
        if option is None:
            return Turn(draft, notice=t("intake.stale_button"))
    elif isinstance(event, Text) and options:
        option = match_option(event.text, options)
    if option is not None and option.key == KEEP.key:
        return _advance(draft, {})
    if isinstance(event, VoiceSent | DocumentSent) and step not in (Step.CONTENT, Step.PHOTOS):
        return _attached_later(draft, event, config)
    return _STEPS[step](draft, event, option, config)


def _attached_later(draft: Draft, event: MediaEvent, config: Config) -> Turn:
    """A voice note or document after the content: taken as an attachment, the question asked
    again; before the kind and category are chosen there is no case to attach it to yet."""
    if draft.step in (Step.KIND, Step.CATEGORY):
        return _stay(draft, "intake.media.too_early")
    return _with_media(draft, event, config)


def _with_media(draft: Draft, event: MediaEvent, config: Config) -> Turn:
    """The draft with the voice note or document added, or as it was with the reason it was
    refused: a refusal never loses what was entered."""
    media, refusal = accepted_media(draft.media, event, config)
    if refusal is not None:
        return Turn(draft, notice=refusal)
    return Turn(draft.model_copy(update={"media": media}), notice=received_notice(event))


def _advance(draft: Draft, changes: Mapping[str, object], notice: str | None = None) -> Turn:
    updated = draft.model_copy(update=dict(changes))
    return Turn(updated.model_copy(update={"step": next_step(updated, draft.step)}), notice=notice)


def _stay(draft: Draft, notice_key: str, **values: object) -> Turn:
    return Turn(draft, notice=t(notice_key, **values))


def _on_kind(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if option is None:
        return _stay(draft, "intake.not_understood")
    if option.key == TIP.key:
        return _advance(draft, _TIP_CHANGES, t("intake.tip.chosen"))
    kind = Kind(option.key)
    if kind is Kind.DENUNCIATION and not takes_denunciations(config):
        return _stay(draft, "intake.tip.no_key")
    return _advance(draft, {"kind": kind, "tip": False})


_TIP_CHANGES = {
    "kind": Kind.FEEDBACK,
    "tip": True,
    "wants_contact": False,
    "contact_name": None,
    "contact_phone": None,
    "contact_address": None,
}


def _on_category(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if option is None:
        return _stay(draft, "intake.not_understood")
    conduct = option.key == config.routing.conduct_category
    return _advance(draft, {"category_id": option.key, "conduct": conduct})


def _checked_content(text: str, config: Config) -> tuple[str | None, str | None]:
    content = clean_text(text)
    limits = config.intake
    if len(content) < limits.content_min:
        return None, t("intake.content.too_short", min=limits.content_min)
    if len(content) > limits.content_max:
        return None, t("intake.content.too_long", max=limits.content_max, length=len(content))
    return content, None


def _on_content(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if isinstance(event, VoiceSent | DocumentSent):
        return _media_as_content(draft, event, config)
    if isinstance(event, PhotoSent):
        photos = _with_photo(draft, event, config)
        if not event.caption:
            return Turn(
                draft.model_copy(update={"photos": photos}), notice=t("intake.content.photo_first")
            )
        content, problem = _checked_content(event.caption, config)
        if content is None:
            return Turn(draft.model_copy(update={"photos": photos}), notice=problem)
        return _advance(draft, {"content": content, "photos": photos})
    if not isinstance(event, Text):
        return _stay(draft, "intake.content.need_text")
    content, problem = _checked_content(event.text, config)
    if content is None:
        return Turn(draft, notice=problem)
    return _advance(draft, {"content": content})


def _media_as_content(draft: Draft, event: MediaEvent, config: Config) -> Turn:
    """A voice note is enough content (the officer listens); its caption, if any, is the
    written content. A document is an attachment that still needs words, written or spoken."""
    taken = _with_media(draft, event, config)
    if taken.draft is draft:
        return taken
    if event.caption:
        content, problem = _checked_content(event.caption, config)
        if content is None:
            return Turn(taken.draft, notice=problem)
        return _advance(taken.draft, {"content": content}, taken.notice)
    if isinstance(event, VoiceSent) or draft.content is not None:
        return _advance(taken.draft, {}, taken.notice)
    return Turn(taken.draft, notice=received_notice(event, first=True))


def _with_photo(draft: Draft, event: PhotoSent, config: Config) -> list[Photo]:
    known = {p.file_unique_id for p in draft.photos}
    if event.file_unique_id in known or len(draft.photos) >= config.intake.max_photos:
        return draft.photos
    return [*draft.photos, Photo(file_id=event.file_id, file_unique_id=event.file_unique_id)]


def _on_photos(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    limit = config.intake.max_photos
    if isinstance(event, VoiceSent | DocumentSent):
        return _with_media(draft, event, config)
    if isinstance(event, PhotoSent):
        if len(draft.photos) >= limit:
            return _stay(draft, "intake.photos.full", max=limit)
        photos = _with_photo(draft, event, config)
        notice = t("intake.photos.received", count=len(photos), max=limit)
        return Turn(draft.model_copy(update={"photos": photos}), notice=notice)
    if option is not None and option.key == "clear":
        return Turn(draft.model_copy(update={"photos": []}), notice=t("intake.photos.cleared"))
    if option is not None:
        return _advance(draft, {})
    return _stay(draft, "intake.photos.expected")


def _on_location(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if isinstance(event, LocationSent):
        changes = {"latitude": event.latitude, "longitude": event.longitude, "place": None}
        return _advance(draft, changes)
    if option is not None and option.key == FROM_PHONE[Step.LOCATION].key:
        return Turn(draft.model_copy(update={"keyboard": True}))
    if option is not None:
        return _advance(draft, {"latitude": None, "longitude": None, "place": None})
    if isinstance(event, Text):
        place = clean_text(event.text)
        if PLACE_LIMITS[0] <= len(place) <= PLACE_LIMITS[1]:
            return _advance(draft, {"latitude": None, "longitude": None, "place": place})
        if len(place) > PLACE_LIMITS[1]:
            return _stay(draft, "intake.location.too_long", length=len(place), max=PLACE_LIMITS[1])
    return _stay(draft, "intake.location.expected")


def _on_contact(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if option is None:
        return _stay(draft, "intake.not_understood")
    wants = option.key == "yes"
    changes: dict[str, object] = {"wants_contact": wants}
    if not wants:
        changes |= {"contact_name": None, "contact_phone": None, "contact_address": None}
    return _advance(draft, changes)


def _on_name(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    name = clean_text(event.text) if isinstance(event, Text) else ""
    if not NAME_LIMITS[0] <= len(name) <= NAME_LIMITS[1] or "\n" in name:
        return _stay(draft, "intake.name.invalid")
    return _advance(draft, {"contact_name": name})


def _on_phone(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if option is not None and option.key == FROM_PHONE[Step.PHONE].key:
        return Turn(draft.model_copy(update={"keyboard": True}))
    raw = event.phone if isinstance(event, ContactSent) else None
    raw = event.text if isinstance(event, Text) else raw
    phone = clean_phone(raw) if raw else None
    if phone is None:
        return _stay(draft, "intake.phone.invalid")
    return _advance(draft, {"contact_phone": phone})


def _on_address(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    address = clean_text(event.text) if isinstance(event, Text) else ""
    if not ADDRESS_LIMITS[0] <= len(address) <= ADDRESS_LIMITS[1]:
        return _stay(draft, "intake.address.invalid")
    return _advance(draft, {"contact_address": address})


def _on_publish(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if option is None:
        return _stay(draft, "intake.not_understood")
    return _advance(draft, {"publish": option.key == "yes"})


def _on_confirm(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if option is None:
        return _stay(draft, "intake.not_understood")
    if option.key == "edit":
        return Turn(draft.model_copy(update={"step": Step.EDIT}))
    lacking = missing(draft)
    if lacking is not None:
        # Backing out of an edit can leave a required answer empty: ask it, never file without.
        update = {"step": lacking, "editing": True}
        return Turn(draft.model_copy(update=update), notice=t("intake.incomplete"))
    return Turn(draft, Outcome.SUBMIT)


def _on_edit(draft: Draft, event: Event, option: Option | None, config: Config) -> Turn:
    if option is None:
        return _stay(draft, "intake.not_understood")
    target = Step(option.key)
    if target is Step.CONTACT and draft.kind and draft.kind.needs_identity:
        target = Step.NAME
    return Turn(draft.model_copy(update={"step": target, "editing": True}))


_STEPS = {
    Step.KIND: _on_kind,
    Step.CATEGORY: _on_category,
    Step.CONTENT: _on_content,
    Step.PHOTOS: _on_photos,
    Step.LOCATION: _on_location,
    Step.CONTACT: _on_contact,
    Step.NAME: _on_name,
    Step.PHONE: _on_phone,
    Step.ADDRESS: _on_address,
    Step.PUBLISH: _on_publish,
    Step.CONFIRM: _on_confirm,
    Step.EDIT: _on_edit,
}
