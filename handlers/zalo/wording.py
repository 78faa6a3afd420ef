"""Sentences that speak of Telegram's buttons, said the Zalo way.

A Zalo chat has no "📍 Gửi vị trí hiện tại" or "📱 Gửi số điện thoại của tôi" button, and a
Zalo citizen has no Telegram name. The catalog holds, under `zalo.instead.<key>`, what a Zalo
citizen reads instead of the sentence `<key>`; a message is reworded by finding each such
sentence, with its placeholders filled, and writing the Zalo one with the same values.
"""

from __future__ import annotations

import re
from functools import cache, partial

from bot.texts import catalog

_PREFIX = "zalo.instead."
_PLACEHOLDER = re.compile(r"\\\{(\w+)\\\}")


def _pattern(template: str) -> re.Pattern[str]:
    seen: set[str] = set()

    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in seen:
            return f"(?P={name})"
        seen.add(name)
        return f"(?P<{name}>.*?)"

    return re.compile(_PLACEHOLDER.sub(group, re.escape(template)), re.DOTALL)


@cache
def _swaps() -> tuple[tuple[re.Pattern[str], str], ...]:
    texts = catalog()
    return tuple(
        (_pattern(texts[key[len(_PREFIX) :]]), instead)
        for key, instead in texts.items()
        if key.startswith(_PREFIX)
    )


def reworded(text: str) -> str:
    for pattern, instead in _swaps():
        text = pattern.sub(partial(_filled, instead), text)
    return text


def _filled(instead: str, match: re.Match[str]) -> str:
    return instead.format(**match.groupdict())
