"""Buttons as numbered lines, and a typed answer as the button it picks.

Zalo has no buttons. The keyboard a handler attaches to a message is written under the text as
"1. …", "2. …" with one short hint, and remembered for the chat; a typed "2", "so 2" or the
option's words (without diacritics too) is then taken as pressing that button. A button that
asks the phone for its location or number is left out: on Zalo the citizen types them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.domain.chats import Keyboard, ShownOptions
from bot.domain.choices import Option, match_nav, match_option, normalize
from bot.texts import t

# Buttons already carry their number ("1. Môi trường"); it is written once, in order.
_NUMBERED = re.compile(r"^\d{1,2}\.\s+")
_LEADING_SIGNS = re.compile(r"^\W+")  # "↩️ " before "Quay lại"


def _label(text: str) -> str:
    return _NUMBERED.sub("", text.strip())


def options_of(markup: Any) -> tuple[Keyboard, tuple[tuple[str, str], ...]] | None:
    """The choices of a Bot API reply_markup, in order; None when it has none to show."""
    if not isinstance(markup, dict):
        return None
    if isinstance(markup.get("inline_keyboard"), list):
        found = [
            (_label(str(button.get("text", ""))), str(button["callback_data"]))
            for row in markup["inline_keyboard"]
            if isinstance(row, list)
            for button in row
            if isinstance(button, dict) and isinstance(button.get("callback_data"), str)
        ]
        return (Keyboard.INLINE, tuple(found)) if found else None
    if isinstance(markup.get("keyboard"), list):
        typed = [
            (_label(str(button.get("text", ""))), str(button.get("text", "")))
            for row in markup["keyboard"]
            if isinstance(row, list)
            for button in row
            if isinstance(button, dict)
            and not button.get("request_location")
            and not button.get("request_contact")
        ]
        return (Keyboard.REPLY, tuple(typed)) if typed else None
    return None


def removes_keyboard(markup: Any) -> bool:
    return isinstance(markup, dict) and bool(markup.get("remove_keyboard"))


def only_navigation(options: tuple[tuple[str, str], ...]) -> bool:
    """Whether the choices are only "↩️ Quay lại" / "✖️ Hủy": a step that waits for words."""
    return all(match_nav(label) is not None for label, _ in options)


def navigation_hint(labels: Sequence[str]) -> str:
    """The words to type for "↩️ Quay lại" / "✖️ Hủy", without their emoji."""
    words = " hoặc ".join(f"“{_LEADING_SIGNS.sub('', label).lower()}”" for label in labels)
    return t("zalo.nav_hint", words=words)


def numbered(options: tuple[tuple[str, str], ...]) -> str:
    """The lines shown under the text: every choice with its number, then the hint.

    At a step that waits for words (a name, an address, the content) the only choices are
    "↩️ Quay lại" and "✖️ Hủy": they are not numbered there, so a "2" meant as an answer
    (a house number, a short reply) never throws the draft away; their words still work."""
    if only_navigation(options):
        return navigation_hint([label for label, _ in options])
    lines = [f"{n}. {label}" for n, (label, _) in enumerate(options, start=1)]
    return "\n".join([*lines, t("zalo.hint")])


def picked(text: str, shown: ShownOptions | None) -> str | None:
    """The data of the option a typed answer picks, or None (a command is never a pick)."""
    if shown is None or text.lstrip().startswith("/"):
        return None
    options = tuple(Option(str(n), label) for n, (label, _) in enumerate(shown.options))
    if match_nav(text) is not None or only_navigation(shown.options):
        # Whole words only: "hủy" presses "✖️ Hủy" where one is shown, never the
        # "Hủy đăng ký" it is part of, and unnumbered choices take no number; anything
        # else is left for the step to read as typed.
        said = normalize(text)
        option = next((o for o in options if said in o.words()), None)
    else:
        option = match_option(text, options)
    return shown.options[int(option.key)][1] if option else None
