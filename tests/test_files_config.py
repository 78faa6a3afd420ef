"""Where the kept files go: `[storage] files`, by default a `files` folder beside the SQLite
file (with PostgreSQL too), a relative folder taken from the config file's folder."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_config
from tests.support.config_files import ENV, write

FILES = '# files = "data/files"'


def test_by_default_the_files_are_kept_beside_the_database(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENV)
    assert config.storage.files_folder == tmp_path / "data" / "files"


def test_a_relative_folder_is_taken_from_the_config_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, (FILES, 'files = "kho-tep"')), environ=ENV)
    assert config.storage.files_folder == tmp_path / "kho-tep"


def test_an_absolute_folder_is_kept_as_given(tmp_path: Path) -> None:
    shared = tmp_path / "nfs" / "nghe-dan"
    config = load_config(write(tmp_path, (FILES, f'files = "{shared}"')), environ=ENV)
    assert config.storage.files_folder == shared
