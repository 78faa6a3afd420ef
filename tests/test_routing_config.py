"""The [routing] section of config.toml: defaults, references checked by field path, and rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Problem, load_config, routing_rules
from bot.domain.people import Role
from bot.domain.routing import RoutingRules
from bot.domain.tickets import Kind
from bot.texts import t
from tests.support.config_files import ENV as ENVIRON
from tests.support.config_files import EXAMPLE, problems, write


def test_the_example_names_the_conduct_category_and_the_chairman(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENVIRON)
    routing = config.routing
    assert (routing.complaint, routing.denunciation) == (Role.RECEPTION, Role.LEADER)
    assert routing.triage_department == "van-phong"
    assert routing.conduct_category == "thai-do-can-bo"
    category = config.category("thai-do-can-bo")
    assert category is not None
    assert (category.name, category.department) == ("Thái độ, tác phong cán bộ", "van-phong")
    assert routing.chairman == 100000001


def test_without_a_routing_section_the_defaults_apply(tmp_path: Path) -> None:
    text = EXAMPLE[: EXAMPLE.index("[routing]")]
    config = load_config(write(tmp_path, text=text), environ=ENVIRON)
    assert config.routing.model_dump() == {
        "complaint": Role.RECEPTION,
        "denunciation": Role.LEADER,
        "triage_department": "van-phong",
        "conduct_category": "",
        "chairman": 0,
    }
    assert routing_rules(config, {100000001: 1}) == RoutingRules(
        kind_roles={Kind.COMPLAINT: Role.RECEPTION, Kind.DENUNCIATION: Role.LEADER},
        triage_department="van-phong",
        conduct_category=None,
        chairman_id=None,
    )


def test_routing_rules_name_the_chairman_by_person_id(tmp_path: Path) -> None:
    path = write(tmp_path, ('complaint = "reception"', 'complaint = "leader"'))
    config = load_config(path, environ=ENVIRON)
    rules = routing_rules(config, {100000001: 7, 100000002: 8})
    assert rules == RoutingRules(
        kind_roles={Kind.COMPLAINT: Role.LEADER, Kind.DENUNCIATION: Role.LEADER},
        triage_department="van-phong",
        conduct_category="thai-do-can-bo",
        chairman_id=7,
    )
    # A chairman not yet in the database is unknown to routing, not an error.
    assert routing_rules(config, {}).chairman_id is None


def test_an_unknown_triage_department_is_reported_at_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, ('triage_department = "van-phong"', 'triage_department = "mot-cua"'))
    assert problems(path) == [
        Problem("routing.triage_department", t("config.unknown_department", value="mot-cua"))
    ]


def test_an_unknown_conduct_category_is_reported_at_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, ('conduct_category = "thai-do-can-bo"', 'conduct_category = "thai-do"'))
    assert problems(path) == [
        Problem("routing.conduct_category", t("config.unknown_category", value="thai-do"))
    ]


def test_an_empty_conduct_category_means_none(tmp_path: Path) -> None:
    path = write(tmp_path, ('conduct_category = "thai-do-can-bo"', 'conduct_category = ""'))
    config = load_config(path, environ=ENVIRON)
    assert routing_rules(config, {}).conduct_category is None


def test_a_badly_written_conduct_category_is_a_format_problem(tmp_path: Path) -> None:
    path = write(tmp_path, ('conduct_category = "thai-do-can-bo"', 'conduct_category = "Thái độ"'))
    assert problems(path) == [Problem("routing.conduct_category", t("config.bad_format"))]


def test_a_chairman_who_is_not_an_officer_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, ("chairman = 100000001", "chairman = 199999999"))
    assert problems(path) == [
        Problem("routing.chairman", t("config.chairman_not_officer", value=199999999))
    ]


def test_a_chairman_who_is_not_a_leader_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, ("chairman = 100000001", "chairman = 100000002"))
    [problem] = problems(path)
    assert problem == Problem("routing.chairman", t("config.chairman_not_leader", value=100000002))
    assert "leader" in problem.message


def test_no_chairman_is_allowed(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ("chairman = 100000001", "chairman = 0")), environ=ENVIRON)
    assert routing_rules(config, {100000001: 1}).chairman_id is None


def test_a_negative_chairman_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, ("chairman = 100000001", "chairman = -5"))
    assert [p.path for p in problems(path)] == ["routing.chairman"]


@pytest.mark.parametrize("role", ["supervisor", "admin", "chairman"])
def test_a_kind_can_only_go_to_a_casework_role(tmp_path: Path, role: str) -> None:
    path = write(tmp_path, ('complaint = "reception"', f'complaint = "{role}"'))
    assert problems(path) == [
        Problem(
            "routing.complaint",
            t("config.bad_routing_role", value=role, roles="reception, leader, officer"),
        )
    ]


def test_an_unknown_routing_key_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, ('denunciation = "leader"', 'denunciation = "leader"\nmediation = "x"'))
    assert problems(path) == [Problem("routing.mediation", t("config.unknown_field"))]


def test_every_routing_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ('triage_department = "van-phong"', 'triage_department = "mot-cua"'),
        ('conduct_category = "thai-do-can-bo"', 'conduct_category = "thai-do"'),
        ("chairman = 100000001", "chairman = 100000004"),
    )
    assert [p.path for p in problems(path)] == [
        "routing.triage_department",
        "routing.conduct_category",
        "routing.chairman",
    ]


def test_messages_are_in_vietnamese() -> None:
    assert "không có lĩnh vực nào" in t("config.unknown_category", value="x")
    assert "không có cán bộ nào" in t("config.chairman_not_officer", value=1)
    assert "lãnh đạo" in t("config.chairman_not_leader", value=1)
    assert "vai trò" in t("config.bad_routing_role", value="x", roles="y")
