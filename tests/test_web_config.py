"""[web]: off by default; the clients of the Open311 API with their keys from the environment
only, never from the file."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_config
from bot.dialogs.config_summary import summary
from bot.texts import t
from tests.support.config_files import ENV, EXAMPLE, problems, write

WEB_ON = ("[web]\n", "[web]\nenabled = true\n")
CLIENT = '\n[[web.clients]]\nname = "trung-tam-ioc"\nkey_env = "NGHE_DAN_KEY_IOC"\n'


def with_client(tmp_path: Path, client: str = CLIENT, on: bool = True) -> Path:
    text = EXAMPLE.replace('base_url = ""\n', 'base_url = ""\n' + client, 1)
    return write(tmp_path, *([WEB_ON] if on else []), text=text)


def test_off_by_default() -> None:
    web = load_config(Path(__file__).parent.parent / "config.example.toml", environ=ENV).web
    assert (web.enabled, web.clients) == (False, [])


def test_a_clients_key_comes_from_its_variable(tmp_path: Path) -> None:
    web = load_config(with_client(tmp_path), environ=ENV | {"NGHE_DAN_KEY_IOC": " k-123 "}).web
    [client] = web.clients
    assert client.name == "trung-tam-ioc"
    assert client.key is not None
    assert client.key.get_secret_value() == "k-123"
    assert "k-123" not in repr(web)


def test_a_missing_key_is_a_mistake_only_when_the_page_is_on(tmp_path: Path) -> None:
    [problem] = problems(with_client(tmp_path))
    assert problem.path == "web.clients[0].key_env"
    assert "NGHE_DAN_KEY_IOC" in str(problem)
    web = load_config(with_client(tmp_path, on=False), environ=ENV).web
    assert web.clients[0].key is None


def test_a_key_written_in_the_file_is_refused(tmp_path: Path) -> None:
    client = CLIENT + 'key = "k-123"\n'
    found = problems(with_client(tmp_path, client))
    assert "web.clients[0].key" in [p.path for p in found]


def test_two_clients_of_one_name_are_refused(tmp_path: Path) -> None:
    found = problems(with_client(tmp_path, CLIENT + CLIENT))
    assert [p.path for p in found] == ["web"]


def test_check_config_says_where_the_page_answers_and_who_may_post(tmp_path: Path) -> None:
    off = load_config(write(tmp_path), environ=ENV)
    assert t("config.summary.web_off") in summary(off)
    on = load_config(with_client(tmp_path), environ=ENV | {"NGHE_DAN_KEY_IOC": "k-123"})
    shown = summary(on)
    assert "Trang công khai và Open311: bật, ở 127.0.0.1:8080" in shown
    assert "trung-tam-ioc" in shown
    assert "k-123" not in shown
