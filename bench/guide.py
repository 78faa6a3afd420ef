"""Procedure guidance (issue #22): a look-up over a catalog of 2,000 procedures.

The catalog is generated from the starter catalog's procedures, each copied with its names and
aliases varied (a place, a case, a numbered variant), so phrases share most words as real
provincial lists do. The index is built once, as at start-up; then citizens' phrasings (the
starter's aliases without diacritics, with a typo, with filler, or matters that are no
procedure) are looked up one at a time, timed around `GuideIndex.search` alone: the database
write that records the look-up is the same insert every other use case makes.
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench.stats import latency, millis
from bot.config.procedures import STARTER_CATALOG, read_catalog
from bot.domain.choices import normalize
from bot.domain.guide import EntryKind, GuideEntry, GuideIndex

PROCEDURES = 2_000
_PLACES = ("cho trẻ em", "cho người cao tuổi", "có yếu tố nước ngoài", "lại", "lưu động", "quá hạn")
_NO_PROCEDURE = ("duong bi ngap nuoc", "den duong hong", "hang xom lan chiem dat", "xin chao")


def catalog_entries(count: int, chooser: random.Random) -> tuple[GuideEntry, ...]:
    starter, problems = read_catalog(STARTER_CATALOG, str)
    if starter is None:
        raise RuntimeError(f"the starter catalog does not load: {problems}")
    entries = []
    for n in range(count):
        base = starter.procedures[n % len(starter.procedures)]
        place = chooser.choice(_PLACES)
        title = f"{base.name} {place} loại {n}"
        aliases = tuple(f"{alias} {place} {n}" for alias in base.aliases)
        entries.append(GuideEntry(EntryKind.PROCEDURE, f"p{n}", title, aliases))
    return tuple(entries)


def _typo(text: str, chooser: random.Random) -> str:
    place = chooser.randrange(len(text) - 1)
    return text[:place] + text[place + 1] + text[place] + text[place + 2 :]


def phrasings(samples: int, chooser: random.Random) -> list[str]:
    starter, _ = read_catalog(STARTER_CATALOG, str)
    assert starter is not None
    aliases = [normalize(a) for p in starter.procedures for a in (p.name, *p.aliases)]
    said = []
    for _ in range(samples):
        kind = chooser.random()
        alias = chooser.choice(aliases)
        if kind < 0.3:
            said.append(f"lam {alias} can giay to gi")
        elif kind < 0.6:
            said.append(_typo(alias, chooser))
        elif kind < 0.85:
            said.append(" ".join(reversed(alias.split())))
        else:
            said.append(chooser.choice(_NO_PROCEDURE))
    return said


def run_guide(samples: int, procedures: int = PROCEDURES) -> dict[str, Any]:
    chooser = random.Random(22)
    entries = catalog_entries(procedures, chooser)
    started = time.perf_counter()
    index = GuideIndex(entries)
    built = time.perf_counter() - started
    timings, found = [], 0
    for text in phrasings(samples, chooser):
        start = time.perf_counter()
        result = index.search(text)
        timings.append(time.perf_counter() - start)
        found += bool(result.entries)
    return {
        "procedures": procedures,
        "phrases": sum(1 + len(e.aliases) for e in entries),
        "index_built_ms": millis(built),
        "lookup": latency(timings),
        "found": found,
        "invariants": {"something_found": found > 0},
    }
