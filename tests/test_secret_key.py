"""The sealing key: where it may come from, how it is checked, and that logs never show it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import SECRET_KEY_ENV, TOKEN_ENV, ConfigError, Problem, load_config, sealer
from bot.logs import REDACTED, SecretFilter
from bot.sealing import Identity, Sealer, SealError, generate_key
from bot.texts import t
from tests.conftest import SECRET_KEY, TOKEN
from tests.support.config_files import write


def test_a_sealed_identity_opens_only_with_its_key() -> None:
    identity = Identity("telegram", "8101", 3, "Đinh Thị Kín", "0961234567", "Xóm Trại")
    seal = Sealer(SECRET_KEY)
    token = seal.seal_identity(identity)
    assert "Kín" not in token
    assert seal.open_identity(token) == identity
    with pytest.raises(SealError):
        Sealer(generate_key()).open_identity(token)
    assert seal.person_tag(3) == Sealer(SECRET_KEY).person_tag(3) != seal.person_tag(4)
    assert seal.person_tag(3) != Sealer(generate_key()).person_tag(3)


def test_the_key_comes_from_the_environment(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ={TOKEN_ENV: TOKEN, SECRET_KEY_ENV: SECRET_KEY})
    assert sealer(config) is not None
    assert SECRET_KEY not in repr(config)
    assert sealer(load_config(write(tmp_path), environ={TOKEN_ENV: TOKEN})) is None


def test_the_key_comes_from_a_key_file_beside_the_config(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text(SECRET_KEY + "\n", encoding="ascii")
    path = write(tmp_path, ('# key_file = "secret.key"', 'key_file = "secret.key"'))
    config = load_config(path, environ={TOKEN_ENV: TOKEN})
    assert config.privacy.key is not None
    assert config.privacy.key.get_secret_value() == SECRET_KEY


def refused(path: Path, environ: dict[str, str]) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={TOKEN_ENV: TOKEN, **environ})
    return caught.value.problems


def test_a_bad_or_misplaced_key_is_refused(tmp_path: Path) -> None:
    missing = write(tmp_path, ('# key_file = "secret.key"', 'key_file = "nowhere.key"'))
    assert [p.path for p in refused(missing, {})] == ["privacy.key_file"]
    in_file = write(tmp_path, ('# key_file = "secret.key"', f'key = "{SECRET_KEY}"'))
    found = refused(in_file, {})
    assert [p.path for p in found] == ["privacy.key"]
    assert found[0].message == t("config.key_in_file")
    [bad] = refused(write(tmp_path), {SECRET_KEY_ENV: "not-a-key"})
    assert bad.path == SECRET_KEY_ENV
    assert bad.message == t("config.key_invalid")
    assert "not-a-key" not in str(bad)


def test_the_log_filter_takes_secrets_out_of_messages_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets = SecretFilter()
    secrets.add(SECRET_KEY)
    record = logging.LogRecord(
        "httpx", logging.WARNING, __file__, 1, "POST %s/bot%s/getMe", ("http://x", TOKEN), None
    )
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; key {SECRET_KEY}")
    except RuntimeError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    assert secrets.filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    assert SECRET_KEY not in text
    assert text.count(REDACTED) == 3
