"""[zalo]: off by default; on, it needs its token (from the file or NGHE_DAN_ZALO_TOKEN), and in
webhook mode an address and an 8-256 character secret; check-config says how Zalo is reached
and never prints the token or the secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import TOKEN_ENV, ZALO_SECRET_ENV, ZALO_TOKEN_ENV, load_config
from bot.texts import t
from tests.conftest import TOKEN
from tests.support.config_files import ENV, problems, write

ZALO_TOKEN = "2841234567890:zalo-bot-token-of-the-commune"
URL = "https://bot.sonninh.gov.vn/zalo"
SECRET = "Son_Ninh-zalo-2026"
ON = ("enabled = false", "enabled = true")
WEBHOOK = ('# mode = "webhook"', 'mode = "webhook"')
WITH_URL = ('# webhook_url = "https://bot.xa.gov.vn/zalo"', f'webhook_url = "{URL}"')
WITH_TOKEN = ('# token = "1234567890:token-do-zalo-cap"', f'token = "{ZALO_TOKEN}"')


def with_secret(secret: str) -> tuple[str, str]:
    return ('# secret_token = "mot-chuoi-ngau-nhien-khac-cho-zalo"', f'secret_token = "{secret}"')


def test_zalo_is_off_by_default_and_needs_nothing(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENV)
    assert not config.zalo.enabled
    assert config.zalo.base_url == "https://bot-api.zaloplatforms.com"
    assert config.zalo.mode == "polling"


def test_on_it_needs_its_token_which_the_environment_may_give(tmp_path: Path) -> None:
    found = problems(write(tmp_path, ON))
    assert [(p.path, p.message) for p in found] == [
        ("zalo.token", t("config.zalo_missing_token", env=ZALO_TOKEN_ENV))
    ]
    config = load_config(write(tmp_path, ON), environ={**ENV, ZALO_TOKEN_ENV: ZALO_TOKEN})
    assert config.zalo.token is not None
    assert config.zalo.token.get_secret_value() == ZALO_TOKEN
    written = load_config(write(tmp_path, ON, WITH_TOKEN), environ=ENV)
    assert written.zalo.token is not None


def test_webhook_needs_an_address_and_a_secret(tmp_path: Path) -> None:
    found = problems(write(tmp_path, ON, WITH_TOKEN, WEBHOOK))
    assert [(p.path, p.message) for p in found] == [
        ("zalo.webhook_url", t("config.zalo_webhook_needs_url")),
        ("zalo.secret_token", t("config.zalo_webhook_needs_secret", env=ZALO_SECRET_ENV)),
    ]
    path = write(tmp_path, ON, WITH_TOKEN, WEBHOOK, WITH_URL)
    zalo = load_config(path, environ={**ENV, ZALO_SECRET_ENV: SECRET}).zalo
    assert (zalo.mode, zalo.webhook_url, zalo.port) == ("webhook", URL, 8444)
    assert zalo.secret_token is not None
    assert zalo.secret_token.get_secret_value() == SECRET


@pytest.mark.parametrize(
    "secret", ["short", "có-dấu-dài-hơn", "with space in it", "x" * 257], ids=str
)
def test_a_secret_zalo_would_refuse_is_refused_and_not_printed(tmp_path: Path, secret: str) -> None:
    found = problems(write(tmp_path, ON, WITH_TOKEN, WEBHOOK, WITH_URL, with_secret(secret)))
    assert [(p.path, p.message) for p in found] == [
        ("zalo.secret_token", t("config.bad_zalo_secret"))
    ]
    assert secret not in str(found)


def test_the_two_webhooks_cannot_share_a_port(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ON,
        WITH_TOKEN,
        WEBHOOK,
        WITH_URL,
        with_secret(SECRET),
        ("port = 8444", "port = 8443"),
        ('mode = "polling"', 'mode = "webhook"'),
        ('webhook_url = ""', 'webhook_url = "https://bot.sonninh.gov.vn/telegram"'),
        ('# secret_token = "doi-thanh-chuoi-ngau-nhien-dai-cua-xa"', 'secret_token = "abc"'),
    )
    assert [p.path for p in problems(path)] == ["zalo.port"]


def test_check_config_says_how_zalo_is_reached_without_its_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(ZALO_TOKEN_ENV, ZALO_TOKEN)
    monkeypatch.setenv(ZALO_SECRET_ENV, SECRET)
    assert main(["check-config", "--config", str(write(tmp_path))]) == 0
    assert t("config.summary.zalo_off") in capsys.readouterr().out
    path = write(tmp_path, ON, WEBHOOK, WITH_URL)
    assert main(["check-config", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"Zalo gửi tới {URL}" in out
    assert ZALO_TOKEN not in out
    assert SECRET not in out
