"""The [limits] section: read from the example, each bound checked, shown by check-config."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import summary
from bot.config import load_config
from bot.texts import t
from tests.support.config_files import ENV, problems, write


def test_the_example_names_every_limit(tmp_path: Path) -> None:
    limits = load_config(write(tmp_path), environ=ENV).limits
    assert (limits.messages_per_minute, limits.cases_per_day) == (30, 5)
    assert (limits.note_max, limits.topic_max) == (2000, 300)


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (("messages_per_minute = 30", "messages_per_minute = 0"), "limits.messages_per_minute"),
        (("cases_per_day = 5", "cases_per_day = -1"), "limits.cases_per_day"),
        (("note_max = 2000", "note_max = 99999"), "limits.note_max"),
        (("topic_max = 300", 'topic_max = "dài"'), "limits.topic_max"),
    ],
)
def test_each_bound_is_checked_with_its_path(
    tmp_path: Path, edit: tuple[str, str], path: str
) -> None:
    assert [p.path for p in problems(write(tmp_path, edit))] == [path]


def test_check_config_shows_the_limits(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ("cases_per_day = 5", "cases_per_day = 3")), environ=ENV)
    line = t("config.summary.limits", messages=30, cases=3, photos=5, content=4000, note=2000)
    assert line in summary(config)
