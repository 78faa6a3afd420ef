"""Config files for tests: the example with a few edits, and the problems it is refused with."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Problem, load_config
from tests.conftest import ENVIRON, ROOT

ENV = ENVIRON
EXAMPLE = (ROOT / "config.example.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, *edits: tuple[str, str], text: str | None = None) -> Path:
    """The example (or `text`) with each (old, new) edit made once; an edit must match once."""
    text = EXAMPLE if text is None else text
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ=ENV)
    return caught.value.problems
