"""Where the kept files go: `[storage] files`, by default a `files` folder beside the SQLite
file (with PostgreSQL too), a relative folder taken from the config file's folder; or an
S3-compatible object store (`[storage] files_url`) whose keys come from the environment only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import S3_KEY_ENVS, ConfigError, Problem, load_config
from bot.dialogs.config_summary import summary
from bot.texts import t
from tests.support.config_files import ENV, problems, write

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


S3 = (FILES, 'files_url = "s3://kho-xa/xa-dong/tep"\nfiles_endpoint = "http://127.0.0.1:9000"')
KEYS = {"NGHE_DAN_S3_ACCESS_KEY_ID": "AKIA-xa", "NGHE_DAN_S3_SECRET_ACCESS_KEY": "bi-mat"}


def test_an_object_store_is_named_by_an_s3_url_with_its_keys_from_the_environment(
    tmp_path: Path,
) -> None:
    config = load_config(write(tmp_path, S3), environ={**ENV, **KEYS})
    storage = config.storage
    assert (storage.files_bucket, storage.files_prefix) == ("kho-xa", "xa-dong/tep")
    assert storage.files_endpoint == "http://127.0.0.1:9000"
    assert storage.files_access_key_id is not None
    assert storage.files_secret_access_key is not None
    assert storage.files_secret_access_key.get_secret_value() == "bi-mat"
    shown = summary(config)
    assert "s3://kho-xa/xa-dong/tep" in shown
    assert "bi-mat" not in shown
    assert "AKIA-xa" not in shown


def test_without_keys_in_the_environment_boto3_looks_for_them_itself(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, S3), environ=ENV)
    assert config.storage.files_access_key_id is None
    assert t("config.summary.files_s3_keys_default") in summary(config)


def test_a_folder_and_an_object_store_together_are_refused(tmp_path: Path) -> None:
    both = (FILES, 'files = "kho-tep"\nfiles_url = "s3://kho-xa"')
    assert problems(write(tmp_path, both)) == [Problem("storage.files_url", t("config.files_both"))]


def test_keys_written_in_the_file_are_refused(tmp_path: Path) -> None:
    in_file = (FILES, 'files_url = "s3://kho-xa"\nfiles_secret_access_key = "bi-mat"')
    assert problems(write(tmp_path, in_file)) == [
        Problem("storage.files_url", t("config.files_keys_in_file", **S3_KEY_ENVS))
    ]


def test_half_a_pair_of_keys_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, S3), environ={**ENV, "NGHE_DAN_S3_ACCESS_KEY_ID": "AKIA-xa"})
    assert caught.value.problems == [
        Problem("storage.files_url", t("config.files_keys_half", **S3_KEY_ENVS))
    ]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('files_url = "https://kho-xa/tep"', "config.files_url_bad"),
        ('files_url = "s3://Kho_Xa/tep"', "config.files_url_bad"),
        ('files_url = "s3://kho-xa"\nfiles_endpoint = "ftp://kho"', "config.files_endpoint_bad"),
        ('files_endpoint = "http://127.0.0.1:9000"', "config.files_endpoint_alone"),
    ],
)
def test_a_wrong_object_store_setting_is_named(tmp_path: Path, setting: str, message: str) -> None:
    [problem] = problems(write(tmp_path, (FILES, setting)))
    assert t(message) in problem.message
