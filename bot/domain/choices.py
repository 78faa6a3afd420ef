"""Choices a person can make by button, by number or by word.

Elderly citizens often type without diacritics and Zalo has no inline buttons, so every choice
must be understood from text as well: "2", "moi truong" and "Môi trường" all pick the same option.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Nav(StrEnum):
    """Ways out of any step, offered on every step of a flow."""

    BACK = "back"
    CANCEL = "cancel"


_NAV_WORDS = {
    Nav.BACK: ("quay lai", "tro lai", "lui", "back"),
    # Not "dung": without diacritics "dừng" (stop) cannot be told from "đúng" (yes, right).
    Nav.CANCEL: ("huy", "huy bo", "thoi", "cancel", "huy don"),
}
_NUMBER = re.compile(r"^(?:so|chon|muc)?\s*(\d{1,2})$")
# A reply-keyboard button sends its label, number included: "1. Bỏ qua".
_NUMBERED_LABEL = re.compile(r"^\s*(\d{1,2})\.\s+(\S.*)$", re.DOTALL)


def normalize(text: str) -> str:
    """Lower case, no diacritics, no emoji or punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    label: str
    aliases: tuple[str, ...] = ()

    def words(self) -> tuple[str, ...]:
        return (normalize(self.label), *(normalize(a) for a in self.aliases))


def match_nav(text: str) -> Nav | None:
    said = normalize(text)
    for nav, words in _NAV_WORDS.items():
        if said in words:
            return nav
    return None


def match_option(text: str, options: tuple[Option, ...]) -> Option | None:
    """The option a typed answer means, or None when it is unclear.

    A number picks by position, and so does a pressed reply button's "number. label" when
    both agree; otherwise an exact word wins, then the single option whose words contain what
    was typed. An answer that fits two options picks neither.
    """
    said = normalize(text)
    if not said:
        return None
    labelled = _NUMBERED_LABEL.match(text)
    if labelled:
        index, rest = int(labelled.group(1)), normalize(labelled.group(2))
        if 1 <= index <= len(options) and rest in options[index - 1].words():
            return options[index - 1]
    number = _NUMBER.match(said)
    if number:
        index = int(number.group(1))
        return options[index - 1] if 1 <= index <= len(options) else None
    exact = [o for o in options if said in o.words()]
    if len(exact) == 1:
        return exact[0]
    if len(said) < 3:
        return None
    padded = f" {said} "
    partial = [o for o in options if any(padded in f" {w} " for w in o.words())]
    return partial[0] if len(partial) == 1 else None
