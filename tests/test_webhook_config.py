"""[telegram] mode = "webhook": what it needs, the secret's form, the secret from the
environment, and check-config's summary that never prints the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import TOKEN_ENV, WEBHOOK_SECRET_ENV, load_config
from bot.texts import t
from tests.conftest import TOKEN
from tests.support.config_files import ENV, problems, write

URL = "https://bot.sonninh.gov.vn/telegram/nghe-dan"
SECRET = "Son_Ninh-2026-abcdef"
COMMENTED_SECRET = '# secret_token = "doi-thanh-chuoi-ngau-nhien-dai-cua-xa"'
WEBHOOK = ('mode = "polling"', 'mode = "webhook"')
WITH_URL = ('webhook_url = ""', f'webhook_url = "{URL}"')


def with_secret(secret: str) -> tuple[str, str]:
    return (COMMENTED_SECRET, f'secret_token = "{secret}"')


def test_polling_is_the_default_and_needs_nothing_more(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENV)
    assert config.telegram.mode == "polling"
    assert config.telegram.webhook_url is None
    assert config.telegram.secret_token is None


def test_webhook_mode_read_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, WEBHOOK, WITH_URL, with_secret(SECRET), ("port = 8443", "port = 8088"))
    telegram = load_config(path, environ=ENV).telegram
    assert (telegram.mode, telegram.webhook_url, telegram.listen, telegram.port) == (
        "webhook",
        URL,
        "127.0.0.1",
        8088,
    )
    assert telegram.secret_token is not None
    assert telegram.secret_token.get_secret_value() == SECRET


def test_webhook_needs_an_address_and_a_secret(tmp_path: Path) -> None:
    found = problems(write(tmp_path, WEBHOOK))
    assert [(p.path, p.message) for p in found] == [
        ("telegram.webhook_url", t("config.webhook_needs_url")),
        ("telegram.secret_token", t("config.webhook_needs_secret", env=WEBHOOK_SECRET_ENV)),
    ]


def test_the_secret_may_come_from_the_environment_and_wins(tmp_path: Path) -> None:
    path = write(tmp_path, WEBHOOK, WITH_URL, with_secret("in-the-file"))
    config = load_config(path, environ={**ENV, WEBHOOK_SECRET_ENV: SECRET})
    assert config.telegram.secret_token is not None
    assert config.telegram.secret_token.get_secret_value() == SECRET


def test_commands_without_the_bot_need_no_secret(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, WEBHOOK, WITH_URL), environ={}, need_token=False)
    assert config.telegram.secret_token is None


@pytest.mark.parametrize(
    "secret",
    ["có-dấu", "with space", "semi;colon", "slash/", "x" * 257],
    ids=["diacritics", "space", "semicolon", "slash", "too-long"],
)
def test_a_secret_telegram_would_refuse_is_refused_and_not_printed(
    tmp_path: Path, secret: str
) -> None:
    found = problems(write(tmp_path, WEBHOOK, WITH_URL, with_secret(secret)))
    assert [(p.path, p.message) for p in found] == [
        ("telegram.secret_token", t("config.bad_webhook_secret"))
    ]
    assert secret not in str(found)


@pytest.mark.parametrize("secret", ["a", "A-z_0-9", "x" * 256])
def test_secrets_telegram_accepts(tmp_path: Path, secret: str) -> None:
    path = write(tmp_path, WEBHOOK, WITH_URL, with_secret(secret))
    assert load_config(path, environ=ENV).telegram.mode == "webhook"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('mode = "polling"', 'mode = "push"', "telegram.mode"),
        ('webhook_url = ""', 'webhook_url = "bot.xa.vn"', "telegram.webhook_url"),
        ("port = 8443", "port = 70000", "telegram.port"),
    ],
)
def test_malformed_webhook_settings(tmp_path: Path, old: str, new: str, field: str) -> None:
    found = problems(write(tmp_path, (old, new)))
    assert [p.path for p in found] == [field]


def test_check_config_summarises_webhook_mode_without_the_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(WEBHOOK_SECRET_ENV, SECRET)
    path = write(tmp_path, WEBHOOK, WITH_URL)
    assert main(["check-config", "--config", str(path)]) == 0
    out, _ = capsys.readouterr()
    summary = t(
        "config.summary.webhook",
        url=URL,
        listen="127.0.0.1",
        port=8443,
        secret=t("config.summary.token_set"),
    )
    assert summary in out
    assert SECRET not in out


def test_check_config_says_polling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert main(["check-config", "--config", str(write(tmp_path))]) == 0
    assert t("config.summary.polling") in capsys.readouterr().out
