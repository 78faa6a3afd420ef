"""The [intake] limits of voice notes and documents: read from the example, each bound checked
with its path by check-config, and shown in its summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import summary
from bot.config import load_config
from bot.texts import t
from tests.support.config_files import ENV, problems, write

TYPES = 'document_types = ["application/pdf", "image/jpeg", "image/png"]'


def test_the_example_names_every_media_limit(tmp_path: Path) -> None:
    intake = load_config(write(tmp_path), environ=ENV).intake
    assert (intake.voice_max_seconds, intake.document_max_mb, intake.max_files) == (180, 10, 5)
    assert intake.document_types == ("application/pdf", "image/jpeg", "image/png")


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (("voice_max_seconds = 180", "voice_max_seconds = 5"), "intake.voice_max_seconds"),
        (("document_max_mb = 10", "document_max_mb = 50"), "intake.document_max_mb"),
        (("max_files = 5", "max_files = -1"), "intake.max_files"),
        ((TYPES, 'document_types = ["pdf"]'), "intake.document_types[0]"),
        ((TYPES, 'document_types = "application/pdf"'), "intake.document_types"),
    ],
)
def test_each_media_bound_is_checked_with_its_path(
    tmp_path: Path, edit: tuple[str, str], path: str
) -> None:
    assert [p.path for p in problems(write(tmp_path, edit))] == [path]


def test_check_config_shows_the_media_limits(tmp_path: Path) -> None:
    edit = ("voice_max_seconds = 180", "voice_max_seconds = 120")
    config = load_config(write(tmp_path, edit), environ=ENV)
    line = t(
        "config.summary.media",
        files=5,
        seconds=120,
        mb=10,
        types="application/pdf, image/jpeg, image/png",
    )
    assert line in summary(config)
