"""❓ Hỏi xã: the few steps of a citizen's question (write it, read it back, send it) and the
offer made when typed text matches nothing.

A question is light: no category, place, photos or contact details; what the citizen wrote is
read back once before it goes. Its state is plain JSON in the citizen's conversation data, so a
restart between two steps loses nothing; buttons carry only a short random reference of the
question being written, so a button of an earlier one is recognised as old.
"""

from __future__ import annotations

import secrets
import uuid
from enum import StrEnum

from bot.config import Config
from bot.dialogs.faq import found_text
from bot.domain.choices import Option
from bot.domain.draft import Draft, Step, clean_text
from bot.domain.faq import FaqEntry
from bot.domain.tickets import QUESTION_CATEGORY, Kind
from bot.messages import Prompt
from bot.texts import t

QUESTION_REF = "qa"  # qa.<ref>|send, |edit, |still, |enough, |cancel
OFFER_REF = "qo"  # qo.<ref>|ask, |case, |menu


class QuestionStep(StrEnum):
    WRITE = "write"
    FAQ = "faq"  # an approved answer shown first, the question not sent yet
    CONFIRM = "confirm"


class OfferChoice(StrEnum):
    ASK = "ask"
    CASE = "case"
    MENU = "menu"


SEND = Option("send", t("questions.send"), ("gui", "gui di", "dong y"))
EDIT = Option("edit", t("questions.edit"), ("sua", "viet lai"))
STILL = Option("still", t("questions.faq_still"), ("van gui", "gui cau hoi", "gui"))
ENOUGH = Option("enough", t("questions.faq_enough"), ("da ro", "cam on", "ro roi"))


def new_ref() -> str:
    """Short enough for a button's 64 bytes, random enough that an old button never fits."""
    return secrets.token_hex(4)


def new_question(text: str | None = None) -> dict[str, object]:
    """The stored state of a question being written; `draft` is the filing's idempotency key."""
    step = QuestionStep.WRITE if text is None else QuestionStep.CONFIRM
    return {"ref": new_ref(), "draft": uuid.uuid4().hex, "step": step.value, "text": text}


def write_prompt(ref: str, *, again: bool = False) -> Prompt:
    text = t("questions.write_again") if again else t("questions.ask")
    return Prompt(text=text, ref=f"{QUESTION_REF}.{ref}", cancel=True)


def confirm_prompt(ref: str, text: str) -> Prompt:
    return Prompt(
        text=t("questions.read_back", text=text),
        ref=f"{QUESTION_REF}.{ref}",
        options=(SEND, EDIT),
        cancel=True,
    )


def faq_prompt(ref: str, entry: FaqEntry) -> Prompt:
    return Prompt(
        text=found_text(entry), ref=f"{QUESTION_REF}.{ref}", options=(STILL, ENOUGH), cancel=True
    )


def checked(text: str, config: Config) -> tuple[str | None, str | None]:
    """The question as it will be stored, or the sentence saying why it cannot be."""
    question = clean_text(text)
    limits = config.intake
    if len(question) < limits.content_min:
        return None, t("questions.too_short", min=limits.content_min)
    if len(question) > limits.content_max:
        return None, t("questions.too_long", max=limits.content_max, length=len(question))
    return question, None


def question_draft(draft_id: str, text: str) -> Draft:
    """The question as the intake files every case: same code, receipt, routing and reminders."""
    return Draft(
        draft_id=draft_id,
        step=Step.CONFIRM,
        kind=Kind.QUESTION,
        category_id=QUESTION_CATEGORY,
        content=text,
        wants_contact=False,
    )


def offer_options() -> tuple[Option, ...]:
    return tuple(
        Option(
            c.value,
            t(f"questions.offer.{c.value}"),
            tuple(t(f"questions.offer.{c.value}_aliases").split("|")),
        )
        for c in OfferChoice
    )


def offer_prompt(ref: str, text: str) -> Prompt:
    """Free text that matched nothing: never a bare "not understood", but what it may become."""
    shown = text if len(text) <= 300 else text[:299].rstrip() + "…"
    return Prompt(
        text=t("questions.offer.text", text=shown),
        ref=f"{OFFER_REF}.{ref}",
        options=offer_options(),
    )
