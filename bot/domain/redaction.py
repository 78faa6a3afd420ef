"""Taking personal data out of what citizens wrote, before people outside casework read it.

Citizens type their phone number, e-mail or ID card number into the content of a case, and
often their own name and address as well. Supervisors read that content; they must not read
those. Masking errs on the side of hiding: a long number that might be a phone is hidden even
if it was something else.

A name or an address is hidden as the whole phrase the citizen gave, never word by word: a
Vietnamese given name is an ordinary syllable too (Khiếu in "khiếu nại", Hoa in "hoa màu"), and
so are the words of place names (Nam, Sơn, Đông), so hiding a lone word garbles the sentence and
tells the reader the name it hid. The phrase is found however it was typed: in any case, with
its tone marks on either vowel, decomposed, or without diacritics.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

# An e-mail address, however it is spelled.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits, possibly grouped by spaces, dots or dashes, possibly with a leading +.
_NUMBER = re.compile(r"\+?\d(?:[ .\-]?\d)*")
# Money is written 1.500.000: groups of three after a first group not starting with 0.
_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
# A word, its letters possibly followed by combining marks (text typed decomposed).
_WORD = re.compile(r"[\w\u0300-\u036f]+")
# What may stand between the words of a name or an address typed into a text.
_GAP = re.compile(r"[\s,.;:\-\u2013]+")
# Phones have 10 or 11 digits, old ID cards 9, citizen ID cards 12.
LONGEST_SHOWN = 8


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


@lru_cache(maxsize=65_536)
def _letters(word: str) -> tuple[str, str]:
    """A word as its bare letters and its marks, the marks in no particular order: the same
    syllable with its tone on either vowel (Xoá, Xóa) gives the same pair, and đ is d marked.

    Kept for the words met last: Vietnamese is written in a few thousand syllables, and the
    public list masks every case it shows (a page of 1,000 cases spent most of its time
    here; make bench, publication)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    marks = sorted(ch for ch in decomposed if unicodedata.combining(ch)) + ["đ"] * bare.count("đ")
    return bare.replace("đ", "d"), "".join(sorted(marks))


def _same(typed: tuple[str, str], given: tuple[str, str]) -> bool:
    """The same word, or the same letters where either side was written without diacritics."""
    return typed[0] == given[0] and (typed[1] == given[1] or not typed[1] or not given[1])


def _phrase(value: str) -> list[tuple[str, str]] | None:
    """The words to look for, or None where the value is a single ordinary word, which cannot
    be told from the same word used in a sentence. A single word with digits (a phone number,
    a house number) is the value itself and is looked for."""
    words = _WORD.findall(value)
    if len(value.strip()) < 3 or not words:
        return None
    if len(words) == 1 and words[0].isalpha():
        return None
    return [_letters(word) for word in words]


def _spans(text: str, phrases: Sequence[list[tuple[str, str]]]) -> list[tuple[int, int]]:
    """Where each phrase occurs as whole words, the words apart only by spaces or punctuation."""
    if not phrases:
        return []
    words = list(_WORD.finditer(text))
    letters = [_letters(w.group()) for w in words]
    # A phrase can only start where its first word's bare letters are: look only there.
    starts: dict[str, list[int]] = {}
    for at, (bare, _) in enumerate(letters):
        starts.setdefault(bare, []).append(at)
    found = []
    for phrase in phrases:
        for start in starts.get(phrase[0][0], ()):
            end = start + len(phrase) - 1
            if end >= len(words):
                break
            if all(_same(letters[start + i], given) for i, given in enumerate(phrase)) and all(
                _GAP.fullmatch(text, words[i].end(), words[i + 1].start())
                for i in range(start, end)
            ):
                found.append((words[start].start(), words[end].end()))
    return found


def _hide(text: str, spans: list[tuple[int, int]], mask: str) -> str:
    """Overlapping or touching spans are hidden as one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + mask + text[end:]
    return text


def mask_personal(text: str, known: Iterable[str | None] = (), *, mask: str) -> str:
    """`text` with e-mails, phone and ID numbers, and the `known` personal values (the
    citizen's own name, phone and address as they gave them) replaced by `mask`."""
    phrases = [p for p in (_phrase(v) for v in known if v) if p is not None]
    masked = _hide(text, _spans(text, phrases), mask)
    masked = _EMAIL.sub(mask, masked)

    def number(match: re.Match[str]) -> str:
        found = match.group(0)
        if _digits(found) <= LONGEST_SHOWN or _AMOUNT.fullmatch(found):
            return found
        return mask

    return _NUMBER.sub(number, masked)
