"""[telegram] username and [zalo] link, which posters print: optional, checked as Telegram and a
phone would read them, so a typo is caught by check-config and not on a printed sheet."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from bot.texts import t
from tests.support.config_files import ENV, problems, write

ZALO_LINK = '# link = "https://zalo.me/dia-chi-bot-cua-xa"'


def username(value: str) -> tuple[str, str]:
    return ('username = ""', f'username = "{value}"')


@pytest.mark.parametrize(
    ("written", "read"),
    [("SonNinhBot", "SonNinhBot"), ("@son_ninh_bot", "son_ninh_bot"), ("  ", None)],
)
def test_a_username_is_read_without_its_at(tmp_path: Path, written: str, read: str | None) -> None:
    config = load_config(write(tmp_path, username(written)), environ=ENV)
    assert config.telegram.username == read


def test_the_example_has_none(tmp_path: Path) -> None:
    assert load_config(write(tmp_path), environ=ENV).telegram.username is None


@pytest.mark.parametrize(
    "value", ["SonNinh", "Bot", "Sơn Ninh Bot", "1SonNinhBot", "x" * 30 + "bot", "t.me/SonNinhBot"]
)
def test_a_username_telegram_would_refuse_is_refused(tmp_path: Path, value: str) -> None:
    found = problems(write(tmp_path, username(value)))
    assert [(p.path, p.message) for p in found] == [
        ("telegram.username", t("poster.bad_username", value=value))
    ]


def test_a_zalo_link_is_an_https_address(tmp_path: Path) -> None:
    link = "https://zalo.me/2841234567890"
    config = load_config(write(tmp_path, (ZALO_LINK, f'link = " {link} "')), environ=ENV)
    assert config.zalo.link == link
    assert load_config(write(tmp_path), environ=ENV).zalo.link is None


@pytest.mark.parametrize(
    "value",
    ["http://zalo.me/1", "zalo.me/2841234567890", "https://zalo.me/a b", "https://" + "x" * 200],
)
def test_a_zalo_link_a_phone_could_not_open_is_refused(tmp_path: Path, value: str) -> None:
    found = problems(write(tmp_path, (ZALO_LINK, f'link = "{value}"')))
    assert [(p.path, p.message) for p in found] == [
        ("zalo.link", t("poster.bad_zalo_link", value=value))
    ]
