"""Which database: `[storage] path` is a SQLite file, `[storage] url` or NGHE_DAN_DATABASE_URL a
PostgreSQL one; never both, never a password in the URL, never a password in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import DATABASE_URL_ENV, TOKEN_ENV, ConfigError, Problem, load_config
from bot.logs import REDACTED, SecretFilter
from bot.texts import t
from tests.support.config_files import ENV, problems, write

URL = "postgresql://nghe_dan@db.tinh.example:5432/nghe_dan"
PASSWORD = "mat-khau-bi-mat-42"
SQLITE = 'path = "data/nghe-dan.sqlite3"'
NO_PATH = (SQLITE, "")
WITH_URL = (SQLITE, f'url = "{URL}"')


def test_without_a_url_the_path_means_sqlite(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENV)
    assert config.storage.url is None
    assert config.storage.path == tmp_path / "data" / "nghe-dan.sqlite3"


def test_a_url_in_the_file_names_postgresql(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, WITH_URL), environ=ENV).storage.url == URL


def test_the_url_may_come_from_the_environment(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, NO_PATH), environ={**ENV, DATABASE_URL_ENV: URL})
    assert config.storage.url == URL


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    other = "postgresql://nghe_dan@10.0.0.5/xa_son_ninh"
    config = load_config(write(tmp_path, WITH_URL), environ={**ENV, DATABASE_URL_ENV: other})
    assert config.storage.url == other


@pytest.mark.parametrize(
    ("edit", "environ"),
    [
        ((SQLITE, f'{SQLITE}\nurl = "{URL}"'), ENV),
        ((SQLITE, SQLITE), {**ENV, DATABASE_URL_ENV: URL}),
    ],
    ids=["both-in-the-file", "path-in-the-file-url-in-the-environment"],
)
def test_a_path_and_a_url_together_are_refused(
    tmp_path: Path, edit: tuple[str, str], environ: dict[str, str]
) -> None:
    path = write(tmp_path, edit)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ=environ)
    assert caught.value.problems == [
        Problem("storage.url", t("config.storage_both", env=DATABASE_URL_ENV))
    ]


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://nghe_dan:{PASSWORD}@db.tinh.example:5432/nghe_dan",
        f"postgres://nghe_dan:{PASSWORD}@db.tinh.example/nghe_dan",
        f"postgresql://nghe_dan@db.tinh.example/nghe_dan?sslmode=require&password={PASSWORD}",
    ],
)
def test_a_password_in_the_url_is_refused_and_never_shown(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, (SQLITE, f'url = "{url}"'))
    assert problems(path) == [Problem("storage.url", t("config.storage_url_password"))]
    monkeypatch.setenv(TOKEN_ENV, ENV[TOKEN_ENV])
    assert main(["check-config", "--config", str(path)]) == 1
    out, err = capsys.readouterr()
    assert f"  - storage.url: {t('config.storage_url_password')}" in err
    assert PASSWORD not in out + err


@pytest.mark.parametrize("url", ["mysql://nghe_dan@db/nghe_dan", "data/nghe-dan.sqlite3"])
def test_a_url_that_is_not_postgresql_is_refused(tmp_path: Path, url: str) -> None:
    path = write(tmp_path, (SQLITE, f'url = "{url}"'))
    assert problems(path) == [Problem("storage.url", t("config.storage_url_bad"))]


def test_check_config_accepts_a_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, ENV[TOKEN_ENV])
    path = write(tmp_path, WITH_URL)
    assert main(["check-config", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert t("config.valid", path=path) in out
    assert "postgresql://" in out, "the summary names the database the bot would use"
    assert "nghe-dan.sqlite3" not in out


@pytest.mark.parametrize(
    "text",
    [
        f"connection to postgresql://nghe_dan:{PASSWORD}@db.tinh.example:5432/x failed",
        f"POSTGRES://nghe_dan:{PASSWORD}@db/x",
        f"postgresql://nghe_dan@db/x?sslmode=require&password={PASSWORD}&connect_timeout=5",
    ],
)
def test_the_log_filter_masks_a_password_in_a_database_url(text: str) -> None:
    record = logging.LogRecord("psycopg", logging.WARNING, __file__, 1, "%s", (text,), None)
    try:
        raise RuntimeError(text)
    except RuntimeError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    assert SecretFilter().filter(record)
    shown = logging.Formatter().format(record)
    assert PASSWORD not in shown
    assert shown.count(REDACTED) == 2
    assert "nghe_dan" in shown


def test_the_log_filter_leaves_a_url_without_password_alone() -> None:
    assert SecretFilter().redact(f"migrating {URL}") == f"migrating {URL}"
