"""What publication says: the leader's steps to write an announcement, the citizen's list and
switch, and the author's progress message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.dialogs.summary import shorten
from bot.domain.choices import Option, normalize
from bot.messages import Prompt
from bot.texts import t

LIST_REF = "ann"  # the citizen's list: pages, items, the switch
WRITE_REF = "ann.w"
CONFIRM_REF = "ann.c"
LINE_LIMIT = 90  # characters of an announcement shown in the list


class Confirm(StrEnum):
    SEND = "send"
    EDIT = "edit"
    CANCEL = "cancel"


def number(value: int) -> str:
    """2000 as Vietnamese write it: 2.000."""
    return f"{value:,}".replace(",", ".")


def write_prompt(notice: str | None = None) -> Prompt:
    text = t("announce.ask") if notice is None else f"{notice}\n\n{t('announce.ask')}"
    return Prompt(text=text, ref=WRITE_REF, cancel=True)


def file_prompt(kind: str) -> Prompt:
    """A photo or document came without a caption: its text is asked for next."""
    return Prompt(text=t(f"announce.got_{kind}"), ref=WRITE_REF, cancel=True)


def content_problem(text: str, config: Config) -> str | None:
    """Why this text cannot be published as it is, or None."""
    length = len(text.strip())
    if length < config.intake.content_min:
        return t("announce.too_short", min=config.intake.content_min)
    if length > config.intake.content_max:
        return t("announce.too_long", length=length, max=config.intake.content_max)
    return None


def confirm_options() -> tuple[Option, ...]:
    return (
        Option(Confirm.SEND.value, t("announce.send"), ("gui", "gui di", "gui ngay", "dang")),
        Option(Confirm.EDIT.value, t("announce.edit"), ("sua", "viet lai")),
        Option(Confirm.CANCEL.value, t("announce.cancel"), ("huy", "thoi", "huy bo")),
    )


def confirm_prompt(recipients: int, held_until: str | None, lead: str | None = None) -> Prompt:
    """The read-back question: who will receive it, and Gửi / Sửa / Hủy."""
    if recipients:
        parts = [t("announce.confirm", count=number(recipients))]
    else:
        parts = [t("announce.confirm_nobody")]
    if held_until is not None:
        parts.append(t("announce.held", at=held_until))
    parts.append(t("announce.confirm_question"))
    if lead is not None:
        parts.insert(0, lead)
    return Prompt(text="\n".join(parts), ref=CONFIRM_REF, options=confirm_options())


def read_confirm(option: Option | None) -> Confirm | None:
    return Confirm(option.key) if option is not None else None


def read_switch(text: str) -> bool | None:
    """Typed "bật thông báo" / "tắt thông báo" (with or without diacritics) works like the
    switch button: True to receive announcements, False to stop, None for anything else."""
    said = normalize(text)
    if said in (normalize(w) for w in t("announce.on_words").split("|")):
        return True
    if said in (normalize(w) for w in t("announce.off_words").split("|")):
        return False
    return None


def switch_label(subscribed: bool) -> str:
    return t("announce.switch_off") if subscribed else t("announce.switch_on")


def switched(on: bool, changed: bool) -> str:
    if on:
        return t("announce.switched_on") if changed else t("announce.already_on")
    return t("announce.switched_off") if changed else t("announce.already_off")


def header(commune: str, published_at: datetime, zone: ZoneInfo) -> str:
    return t("announce.header", commune=commune, date=day(published_at, zone))


def day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m/%Y")


def list_line(position: int, published_at: datetime, text: str, zone: ZoneInfo) -> str:
    flat = " ".join(text.split())
    return t(
        "announce.line",
        n=position,
        date=day(published_at, zone),
        text=shorten(flat, LINE_LIMIT),
    )


def list_title(page: int, pages: int, subscribed: bool) -> str:
    state = t("announce.state_on") if subscribed else t("announce.state_off")
    return f"{t('announce.title', page=page, pages=pages)}\n{state}"


def empty_list(subscribed: bool) -> str:
    state = t("announce.state_on") if subscribed else t("announce.state_off")
    return f"{t('announce.empty')}\n{state}"


def progress_text(announcement_id: int, total: int, sent: int, failed: int) -> str:
    remaining = total - sent - failed
    if total == 0:
        return t("announce.done_nobody", id=announcement_id)
    if remaining <= 0:
        return t("announce.done", id=announcement_id, sent=number(sent), failed=number(failed))
    return t(
        "announce.progress",
        id=announcement_id,
        total=number(total),
        sent=number(sent),
        failed=number(failed),
        remaining=number(remaining),
    )


def starting_text(recipients: int) -> str:
    if recipients == 0:
        return t("announce.starting_nobody")
    return t("announce.starting", total=number(recipients))
