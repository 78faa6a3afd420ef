"""Finding what a citizen asks about in the commune's guide: procedures now, answered questions
(FAQ) later, in one index.

Citizens type on small phones, often without diacritics, with typos, in any word order and
wrapped in polite filler ("cho tôi hỏi làm giấy khai sinh cần giấy tờ gì"). The filler is
dropped, and what is left is compared with every title and alias by rapidfuzz's token-set
ratio, which ignores word order and tolerates typos; the few phrases that pass are then ranked
by how much of them the query says (token-sort ratio), so "kết hôn" finds "đăng ký kết hôn"
before "xác nhận chưa kết hôn". Pure: the index is built once from the entries, and a
look-up reads it only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.domain.choices import normalize

# Below this score (0-100) an entry is not what was asked about.
CUTOFF = 78.0
# How much the whole phrase counts, against the query's words found in it, in the ranking.
_WHOLE = 0.4
# Entries within this many points of the best are as likely as it: the citizen chooses.
CLOSE = 6.0
# The longest list a citizen is asked to choose from.
SHORTLIST = 5
# Fewer letters than this, once the filler is gone, say too little to search on.
_SHORTEST = 3

# Words that ask rather than name: "làm giấy khai sinh cần giấy tờ gì" names only "khai sinh".
# Longest phrases first, so "giay to gi" goes before "giay" would.
_FILLER = tuple(
    sorted(
        (
            "cho toi hoi",
            "cho hoi",
            "xin hoi",
            "toi muon",
            "em muon",
            "muon",
            "can nhung giay to gi",
            "can giay to gi",
            "giay to gi",
            "can nhung gi",
            "can gi",
            "nhung gi",
            "giay to",
            "ho so",
            "thu tuc",
            "the nao",
            "nhu the nao",
            "lam sao",
            "o dau",
            "bao nhieu tien",
            "bao lau",
            "mat bao lau",
            "huong dan",
            "muon lam",
            "lam",
            "can",
            "cho",
            "xin",
            "giay",
            "gi",
            "nop",
            "di",
            "phai",
            "mang",
            "theo",
            "de",
            "a",
            "ah",
            "oi",
            "voi",
            "duoc",
            "khong",
            "ko",
            "k",
            "toi",
            "em",
            "chau",
            "be",
            "minh",
            "nha",
            "nhe",
            "vay",
            "ra",
            "la",
            "cua",
            "va",
            "ve",
            "viec",
            "dang ki",
            "dk",
        ),
        key=lambda phrase: -len(phrase),
    )
)
_FILLER_PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _FILLER) + r")\b")
# A phone or ID number typed into a search is no statistic: it is not kept.
_LONG_NUMBER = re.compile(r"\d{5,}")
# "ký" and "kí", "lý" and "lí" are both correct spellings: one of each pair is compared.
_FINAL_Y = re.compile(r"\b([bcdghklmnpqrstvx]+)y\b")


class EntryKind(StrEnum):
    PROCEDURE = "procedure"
    FAQ = "faq"


@dataclass(frozen=True, slots=True)
class GuideEntry:
    """One thing a citizen can be guided to: its kind and id say where its full text is."""

    kind: EntryKind
    id: str
    title: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Found:
    """The search's answer: one entry (a clear winner), several close ones (the citizen picks),
    or none; `query` is what was searched for, the filler gone."""

    query: str
    entries: tuple[GuideEntry, ...]

    @property
    def winner(self) -> GuideEntry | None:
        return self.entries[0] if len(self.entries) == 1 else None


@dataclass(frozen=True, slots=True)
class Lookup:
    """One search, as statistics: when, on which channel, the normalised words (cut to
    `longest`), and what it found; never who searched."""

    at: datetime
    channel: str
    query: str
    kind: EntryKind | None
    entry_id: str | None

    @classmethod
    def of(cls, found: Found, at: datetime, channel: str, longest: int) -> Lookup:
        """A list to choose from counts for its first entry, the one best matched."""
        first = found.entries[0] if found.entries else None
        return cls(
            at=at,
            channel=channel,
            query=_LONG_NUMBER.sub("#", found.query)[:longest],
            kind=first.kind if first else None,
            entry_id=first.id if first else None,
        )


@dataclass(frozen=True, slots=True)
class FoundCount:
    kind: EntryKind
    entry_id: str
    count: int


@dataclass(frozen=True, slots=True)
class MissedQuery:
    query: str
    count: int


@dataclass(frozen=True, slots=True)
class GuideFigures:
    """A report's look-ups: how often each entry was found, and the searches that found
    nothing, most frequent first (what the commune's catalog lacks)."""

    searches: int = 0
    found: tuple[FoundCount, ...] = ()
    missed: tuple[MissedQuery, ...] = ()


def key_words(text: str) -> str:
    """What a typed phrase names: lower case, no diacritics, no filler, single spaces."""
    bare = _FINAL_Y.sub(r"\1i", normalize(text))
    return " ".join(_FILLER_PATTERN.sub(" ", bare).split())


class GuideIndex:
    """Every title and alias, normalised once; a look-up compares the query with all of them."""

    def __init__(self, entries: tuple[GuideEntry, ...]) -> None:
        self._entries = entries
        self._phrases: list[str] = []
        self._owners: list[int] = []
        for place, entry in enumerate(entries):
            for phrase in {key_words(p) for p in (entry.title, *entry.aliases)} - {""}:
                self._phrases.append(phrase)
                self._owners.append(place)

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, kind: EntryKind, entry_id: str) -> GuideEntry | None:
        return next((e for e in self._entries if e.kind is kind and e.id == entry_id), None)

    def search(self, text: str) -> Found:
        query = key_words(text)
        if len(query.replace(" ", "")) < _SHORTEST:
            return Found(query, ())
        scored = process.extract(
            query,
            self._phrases,
            scorer=fuzz.token_set_ratio,
            processor=None,
            score_cutoff=CUTOFF,
            limit=None,
        )
        best: dict[int, float] = {}
        for phrase, score, place in scored:
            whole = fuzz.token_sort_ratio(query, phrase, processor=None)
            ranked_score = (1 - _WHOLE) * score + _WHOLE * whole
            owner = self._owners[place]
            best[owner] = max(ranked_score, best.get(owner, 0.0))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        if not ranked:
            return Found(query, ())
        top = ranked[0][1]
        close = [self._entries[owner] for owner, score in ranked if score >= top - CLOSE]
        return Found(query, tuple(close[:SHORTLIST]))
