"""The [privacy] section: read from the example, each bound checked, shown by check-config."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import summary
from bot.config import load_config
from bot.texts import t
from tests.support.config_files import ENV, problems, write


def test_the_example_names_the_windows(tmp_path: Path) -> None:
    privacy = load_config(write(tmp_path), environ=ENV).privacy
    assert (privacy.erasure_days, privacy.retention_days) == (15, 1825)


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        # The law allows 15 days at most to complete a request.
        (("erasure_days = 15", "erasure_days = 16"), "privacy.erasure_days"),
        (("erasure_days = 15", "erasure_days = 0"), "privacy.erasure_days"),
        (("retention_days = 1825", "retention_days = 7"), "privacy.retention_days"),
        (("retention_days = 1825", 'retention_days = "mãi"'), "privacy.retention_days"),
    ],
)
def test_each_bound_is_checked_with_its_path(
    tmp_path: Path, edit: tuple[str, str], path: str
) -> None:
    assert [p.path for p in problems(write(tmp_path, edit))] == [path]


def test_check_config_shows_the_windows(tmp_path: Path) -> None:
    edit = ("retention_days = 1825", "retention_days = 3650")
    config = load_config(write(tmp_path, edit), environ=ENV)
    assert t("config.summary.privacy", erasure=15, retention=3650) in summary(config)
