"""The settings file: read as meant, or every problem named by its field in one go."""

from __future__ import annotations

import logging
import socket
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import SECRET_KEY_ENV, TOKEN_ENV, Config, ConfigError, Problem, load_config
from bot.texts import t
from tests.conftest import ROOT, SECRET_KEY, TOKEN

EXAMPLE = (ROOT / "config.example.toml").read_text(encoding="utf-8")
PARSED = tomllib.loads(EXAMPLE)
ENV = {TOKEN_ENV: TOKEN}


def index_of(section: str, **match: object) -> int:
    """The position of an entry of the example file, so tests do not hard-code it."""
    return next(
        i
        for i, entry in enumerate(PARSED[section])
        if all(entry.get(k) == v for k, v in match.items())
    )


def edited(*replacements: tuple[str, str]) -> str:
    text = EXAMPLE
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, environ: dict[str, str] | None = None) -> list[Problem]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ=ENV if environ is None else environ)
    assert str(caught.value) == "\n".join(str(p) for p in caught.value.problems)
    return caught.value.problems


def paths_of(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    return [p.path for p in problems_of(path, environ)]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`main` sets up logging; leave the loggers as other tests expect them."""
    names = ("", "httpx", "httpcore")
    levels = {name: logging.getLogger(name).level for name in names}
    handlers = list(logging.getLogger().handlers)
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was touched")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# A good file


def test_example_config_loads(config_path: Path) -> None:
    config = load_config(config_path, environ=ENV)
    assert isinstance(config, Config)
    assert config.commune.name == "UBND xã Sơn Ninh"
    assert config.commune.code == "SN"
    assert str(config.commune.zone) == "Asia/Ho_Chi_Minh"
    assert config.telegram.token is not None
    assert config.telegram.token.get_secret_value() == TOKEN
    assert TOKEN not in repr(config)
    assert config.telegram.base_url == "https://api.telegram.org"
    assert [d.id for d in config.departments] == [d["id"] for d in PARSED["departments"]]
    assert [c.id for c in config.categories] == [c["id"] for c in PARSED["categories"]]
    assert len(config.officers) == len(PARSED["officers"])
    assert config.intake.max_photos == 5
    assert config.routing.chairman == 100000001


def test_relative_storage_path_is_taken_from_the_config_folder(
    config_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(config_path, environ=ENV)
    assert config.storage.path == config_path.parent / "data" / "nghe-dan.sqlite3"
    assert config.storage.path.is_absolute()


def test_absolute_storage_path_is_kept(tmp_path: Path) -> None:
    absolute = tmp_path / "db" / "cases.sqlite3"
    path = write(
        tmp_path, edited(('path = "data/nghe-dan.sqlite3"', f'path = "{absolute.as_posix()}"'))
    )
    assert load_config(path, environ=ENV).storage.path == absolute


def test_token_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, edited(('token = ""', f'token = "{TOKEN}"')))
    config = load_config(path, environ={})
    assert config.telegram.token is not None
    assert config.telegram.token.get_secret_value() == TOKEN


def test_token_in_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    other = "987654321:BBHotherTOKENabcdefghijklmnopq"
    path = write(tmp_path, edited(('token = ""', f'token = "{other}"')))
    config = load_config(path, environ=ENV)
    assert config.telegram.token is not None
    assert config.telegram.token.get_secret_value() == TOKEN


def test_token_from_the_environment_without_a_telegram_section(tmp_path: Path) -> None:
    start = EXAMPLE.index("[telegram]")
    end = EXAMPLE.index("[storage]")
    path = write(tmp_path, EXAMPLE[:start] + EXAMPLE[end:])
    config = load_config(path, environ=ENV)
    assert config.telegram.token is not None
    assert config.telegram.base_url == "https://api.telegram.org"


def test_token_is_not_needed_when_not_asked_for(config_path: Path) -> None:
    config = load_config(config_path, environ={}, need_token=False)
    assert config.telegram.token is None


def test_base_url_loses_its_trailing_slash(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(('base_url = "https://api.telegram.org"', 'base_url = "http://127.0.0.1:8081/"')),
    )
    assert load_config(path, environ=ENV).telegram.base_url == "http://127.0.0.1:8081"


# Problems, each with its field path


def test_unknown_department_in_a_category(tmp_path: Path) -> None:
    path = write(tmp_path, edited(('department = "cong-an"', 'department = "cong-an-xa"')))
    index = index_of("categories", department="cong-an")
    [problem] = problems_of(path)
    assert problem.path == f"categories[{index}].department"
    assert problem.message == t("config.unknown_department", value="cong-an-xa")
    assert str(problem) == f"categories[{index}].department: {problem.message}"


def test_duplicate_department_ids(tmp_path: Path) -> None:
    path = write(tmp_path, edited(('id = "hanh-chinh-cong"', 'id = "van-phong"')))
    index = index_of("departments", id="hanh-chinh-cong")
    problems = problems_of(path)
    duplicates = [p for p in problems if p.path.startswith("departments[")]
    assert [p.path for p in duplicates] == ["departments[0].id", f"departments[{index}].id"]
    assert {p.message for p in duplicates} == {t("config.duplicate", value="van-phong")}
    # The category that pointed at the renamed department is reported too, in the same go.
    category = index_of("categories", department="hanh-chinh-cong")
    assert f"categories[{category}].department" in [p.path for p in problems]


def test_duplicate_category_ids(tmp_path: Path) -> None:
    path = write(tmp_path, edited(('id = "khac"', 'id = "moi-truong"')))
    first = index_of("categories", id="moi-truong")
    second = index_of("categories", id="khac")
    problems = problems_of(path)
    assert [p.path for p in problems] == [f"categories[{first}].id", f"categories[{second}].id"]
    assert problems[0].message == t("config.duplicate", value="moi-truong")


def test_duplicate_officer_telegram_id(tmp_path: Path) -> None:
    path = write(tmp_path, edited(("telegram_id = 100000004", "telegram_id = 100000003")))
    first = index_of("officers", telegram_id=100000003)
    second = index_of("officers", telegram_id=100000004)
    problems = problems_of(path)
    assert [p.path for p in problems] == [
        f"officers[{first}].telegram_id",
        f"officers[{second}].telegram_id",
    ]
    assert problems[0].message == t("config.duplicate", value=100000003)


def test_bad_timezone(tmp_path: Path) -> None:
    path = write(
        tmp_path, edited(('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi_City"'))
    )
    [problem] = problems_of(path)
    assert problem.path == "commune.timezone"
    assert problem.message == t("config.bad_timezone", value="Asia/Hanoi_City")


@pytest.mark.parametrize(
    ("old", "new", "where", "key", "values"),
    [
        ("cases_per_day = 5", "cases_per_day = 500", "limits.cases_per_day", "too_big", 100),
        ("cases_per_day = 5", "cases_per_day = 0", "limits.cases_per_day", "too_small", 1),
        (
            "cases_per_day = 5",
            'cases_per_day = "năm"',
            "limits.cases_per_day",
            "not_whole_number",
            None,
        ),
        (
            "cases_per_day = 5",
            "cases_per_day = 2.5",
            "limits.cases_per_day",
            "not_whole_number",
            None,
        ),
        ('name = "UBND xã Sơn Ninh"', "name = 5", "commune.name", "not_text", None),
        ("weekday = 4", "weekday = 8", "reception[0].weekday", "too_big", 7),
    ],
)
def test_a_bad_value_is_told_in_both_languages_never_in_pydantic_words(
    tmp_path: Path, old: str, new: str, where: str, key: str, values: int | None
) -> None:
    [problem] = problems_of(write(tmp_path, edited((old, new))))
    assert problem.path == where
    assert problem.message == t(f"config.{key}", limit=values)
    assert "Input should" not in problem.message


def test_unknown_role(tmp_path: Path) -> None:
    path = write(tmp_path, edited(('roles = ["officer"]', 'roles = ["officer", "chief"]')))
    index = index_of("officers", roles=["officer"])
    [problem] = problems_of(path)
    assert problem.path == f"officers[{index}].roles[1]"
    # The message names the roles that do exist.
    assert problem.message.startswith(t("config.not_one_of", expected="").split(":")[0])
    assert all(role in problem.message for role in ("officer", "reception", "leader"))
    assert " or " not in problem.message.split(" / ")[0]


def test_misspelt_field(tmp_path: Path) -> None:
    path = write(tmp_path, edited(("short_name =", "shortname =")))
    problems = {p.path: p.message for p in problems_of(path)}
    assert problems == {
        "commune.short_name": t("config.missing"),
        "commune.shortname": t("config.unknown_field"),
    }


def test_misspelt_field_in_a_list(tmp_path: Path) -> None:
    path = write(tmp_path, edited(('department = "cong-an"', 'deparment = "cong-an"')))
    index = index_of("categories", department="cong-an")
    assert set(paths_of(path)) == {
        f"categories[{index}].department",
        f"categories[{index}].deparment",
    }


def test_misspelt_section(tmp_path: Path) -> None:
    path = write(tmp_path, edited(("[intake]", "[intke]")))
    problems = problems_of(path)
    assert [(p.path, p.message) for p in problems] == [("intke", t("config.unknown_field"))]


def test_missing_commune(tmp_path: Path) -> None:
    start = EXAMPLE.index("[commune]")
    end = EXAMPLE.index("[telegram]")
    path = write(tmp_path, EXAMPLE[:start] + EXAMPLE[end:])
    problems = problems_of(path)
    assert [(p.path, p.message) for p in problems] == [("commune", t("config.missing"))]


def test_several_problems_in_one_section_come_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(
            ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Mars/Olympus"'),
            ('code = "SN"', 'code = "sn"'),
            ('roles = ["officer"]', 'roles = ["chief"]'),
            ("max_photos = 5", "max_photos = 50"),
        ),
    )
    index = index_of("officers", roles=["officer"])
    assert sorted(paths_of(path)) == sorted(
        [
            "commune.code",
            "commune.timezone",
            "intake.max_photos",
            f"officers[{index}].roles[0]",
        ]
    )


def test_several_cross_section_problems_come_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(
            ('department = "cong-an"', 'department = "cong-an-xa"'),
            ('id = "khac"', 'id = "moi-truong"'),
            ("telegram_id = 100000004", "telegram_id = 100000003"),
        ),
    )
    paths = paths_of(path, environ={})
    assert f"categories[{index_of('categories', department='cong-an')}].department" in paths
    assert f"categories[{index_of('categories', id='khac')}].id" in paths
    assert f"officers[{index_of('officers', telegram_id=100000004)}].telegram_id" in paths
    assert "telegram.token" in paths


def test_field_and_cross_section_problems_come_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(
            ('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Asia/Hanoi_City"'),
            ('department = "cong-an"', 'department = "cong-an-xa"'),
        ),
    )
    paths = paths_of(path, environ={})
    index = index_of("categories", department="cong-an")
    assert set(paths) == {"commune.timezone", f"categories[{index}].department", "telegram.token"}


def test_a_broken_entry_hides_no_duplicate_nor_unknown_department(tmp_path: Path) -> None:
    """A typo in one officer or category used to hide the cross checks of its whole list until
    it was fixed; the IT officer then met the rest one run later."""
    path = write(
        tmp_path,
        edited(
            ('roles = ["supervisor"]', 'roles = ["supervisr"]'),
            ("telegram_id = 100000003", "telegram_id = 100000002"),
            ('department = "kinh-te"\nroles', 'department = "kinh-te-xa"\nroles'),
            ('name = "Môi trường"', 'name = ""'),
            ('department = "cong-an"', 'department = "cong-an-xa"'),
        ),
    )
    supervisor = index_of("officers", roles=["supervisor"])
    office = index_of("officers", telegram_id=100000002)
    economy = index_of("officers", telegram_id=100000003)
    police = index_of("categories", department="cong-an")
    assert set(paths_of(path)) == {
        f"officers[{supervisor}].roles[0]",
        f"officers[{office}].telegram_id",
        f"officers[{economy}].telegram_id",
        f"officers[{economy}].department",
        f"categories[{index_of('categories', id='moi-truong')}].name",
        f"categories[{police}].department",
    }


def test_a_broken_entry_is_still_known_to_the_entries_that_name_it(tmp_path: Path) -> None:
    """A department with a bad name still has its id: its categories are not reported as
    pointing nowhere, and a duplicate of its id is still caught."""
    path = write(
        tmp_path,
        edited(
            ('name = "Công an xã"', 'name = ""'),
            ('id = "hanh-chinh-cong"', 'id = "cong-an"'),
        ),
    )
    police = index_of("departments", id="cong-an")
    service = index_of("departments", id="hanh-chinh-cong")
    service_category = index_of("categories", department="hanh-chinh-cong")
    assert sorted(paths_of(path)) == sorted(
        [
            f"departments[{police}].name",
            f"departments[{police}].id",
            f"departments[{service}].id",
            f"categories[{service_category}].department",
        ]
    )


@pytest.mark.parametrize(
    "environ", [{}, {TOKEN_ENV: ""}, {"OTHER": TOKEN}], ids=["absent", "empty", "other"]
)
@pytest.mark.parametrize("in_file", ['token = ""', 'token = "   "'], ids=["empty", "spaces"])
def test_missing_token(tmp_path: Path, environ: dict[str, str], in_file: str) -> None:
    path = write(tmp_path, edited(('token = ""', in_file)))
    problems = problems_of(path, environ)
    assert [(p.path, p.message) for p in problems] == [
        ("telegram.token", t("config.missing_token", env=TOKEN_ENV))
    ]


@pytest.mark.parametrize(
    "token", ["abc", "12345", "12:AAHshort", "123456789:has spaces in the token value", "x:" * 20]
)
def test_malformed_token(tmp_path: Path, token: str) -> None:
    problems = problems_of(write(tmp_path, EXAMPLE), {TOKEN_ENV: token})
    assert [(p.path, p.message) for p in problems] == [("telegram.token", t("config.bad_token"))]


def test_a_malformed_token_is_never_printed(tmp_path: Path) -> None:
    secret = "123456789:short-secret"
    path = write(tmp_path, edited(('token = ""', f'token = "{secret}"')))
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert secret not in str(caught.value)


@pytest.mark.parametrize(
    "text",
    ["[commune\nname = 'x'", "name = ", "[commune]\nname = 'a'\nname = 'b'\n", 'a = "\n'],
)
def test_not_toml(tmp_path: Path, text: str) -> None:
    [problem] = problems_of(write(tmp_path, text))
    assert problem.path == ""
    assert problem.message.startswith(t("config.not_toml", detail=""))
    assert str(problem) == problem.message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(EXAMPLE.encode("utf-16"))
    [problem] = problems_of(path)
    assert problem.message.startswith(t("config.not_toml", detail=""))


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "config.toml"
    [problem] = problems_of(path)
    assert problem.path == ""
    assert problem.message == t("config.no_file", path=path)


def test_empty_file(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, ""))
    assert sorted(p.path for p in problems) == ["categories", "commune", "departments"]
    assert {p.message for p in problems} == {t("config.missing")}


# The command line


def test_check_config_reports_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    path = write(
        tmp_path,
        edited(
            ('department = "cong-an"', 'department = "cong-an-xa"'),
            ("telegram_id = 100000004", "telegram_id = 100000003"),
        ),
    )
    code = main(["check-config", "--config", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    problems = problems_of(path)
    assert len(problems) == 3
    assert t("config.invalid", path=path, count=3) in err
    for problem in problems:
        assert f"  - {problem}" in err
    assert t("config.valid", path=path) not in out


def test_check_config_reports_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    assert main(["check-config", "--config", str(path)]) == 1
    _, err = capsys.readouterr()
    assert t("config.no_file", path=path) in err


def test_check_config_reports_a_missing_token(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert main(["check-config", "--config", str(config_path)]) == 1
    _, err = capsys.readouterr()
    assert t("config.missing_token", env=TOKEN_ENV) in err


def test_check_config_summarises_a_good_file(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(SECRET_KEY_ENV, SECRET_KEY)
    code = main(["check-config", "--config", str(config_path)])
    out, err = capsys.readouterr()
    assert code == 0
    assert t("config.no_key_warning") not in err
    assert t("config.valid", path=config_path) in out
    assert t("config.summary.commune", name="UBND xã Sơn Ninh", code="SN") in out
    assert t("config.summary.token", value=t("config.summary.token_set")) in out
    assert t("config.summary.departments", count=len(PARSED["departments"])) in out
    assert t("config.summary.categories", count=len(PARSED["categories"])) in out
    assert t("config.summary.officers", count=len(PARSED["officers"])) in out
    assert str(config_path.parent / "data" / "nghe-dan.sqlite3") in out
    assert "    an-ninh: An ninh, trật tự → cong-an" in out
    assert TOKEN not in out
    assert TOKEN.split(":")[1] not in out


def test_check_config_shows_each_officer_and_the_reception_schedule(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert main(["check-config", "--config", str(config_path)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    economy = next(line for line in lines if "Lê Văn Cường" in line)
    assert "100000003" in economy
    assert "Phòng Kinh tế" in economy
    chairman = next(line for line in lines if "Nguyễn Văn An" in line)
    assert "leader, admin" in chairman
    assert t("config.summary.no_department") in chairman
    assert t("config.summary.reception", count=2) in out
    weekly = next(line for line in lines if "chu-tich:" in line)
    assert t("config.summary.weekly", weekday=t("reception.weekday.4")) in weekly
    assert "07:30–11:00" in weekly
    assert "Nguyễn Văn An" in weekly
    daily = next(line for line in lines if "thuong-xuyen:" in line)
    assert t("config.summary.workdays") in daily


def test_check_config_warns_of_departments_whose_cases_nobody_takes(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example names officers for two of its five departments: the other three own
    categories whose cases would all land at the Office."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    assert main(["check-config", "--config", str(config_path)]) == 0
    err = capsys.readouterr().err
    office = "Văn phòng HĐND và UBND"
    for name in ("Phòng Văn hóa – Xã hội", "Trung tâm Phục vụ hành chính công", "Công an xã"):
        assert t("config.warning.unstaffed", department=name, triage=office) in err
    assert "Phòng Kinh tế" not in err


@pytest.mark.usefixtures("no_network")
def test_run_with_a_bad_file_stops_before_the_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    path = write(tmp_path, edited(('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Nowhere"')))
    assert main(["run", "--config", str(path)]) == 1
    _, err = capsys.readouterr()
    assert "commune.timezone" in err


@pytest.mark.usefixtures("no_network")
def test_run_without_a_token_stops_before_the_network(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert main(["run", "--config", str(config_path)]) == 1
    _, err = capsys.readouterr()
    assert "telegram.token" in err


def test_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    capsys.readouterr()


def test_check_config_warns_when_nobody_works_in_the_triage_department(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    moved = (
        'department = "van-phong"\nroles = ["officer", "reception"]',
        'department = "kinh-te"\nroles = ["officer", "reception"]',
    )
    assert main(["check-config", "--config", str(write(tmp_path, edited(moved)))]) == 0
    err = capsys.readouterr().err
    assert t("config.warning.triage_unstaffed", triage="Văn phòng HĐND và UBND") in err


@pytest.mark.usefixtures("no_network")
def test_make_run_with_a_bad_file_lists_its_problems_and_runs_no_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    path = write(tmp_path, edited(('timezone = "Asia/Ho_Chi_Minh"', 'timezone = "Nowhere"')))
    assert main(["run", "--demo-without-token", "--config", str(path), "--port", "0"]) == 1
    out, err = capsys.readouterr()
    assert "commune.timezone" in err
    assert out == ""
