"""The message catalog: every sentence a person reads, in Vietnamese, in one file.

Keeping the words out of the code lets a commune officer review and adjust the tone without
reading Python, and lets a test check that every key the code uses exists.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat |= _flatten(value, f"{name}.")
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog() -> dict[str, str]:
    text = resources.files("bot.texts").joinpath("vi.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def t(key: str, **values: object) -> str:
    """The sentence for `key`, with `{name}` placeholders filled; a missing key is a bug."""
    return catalog()[key].format(**values)
