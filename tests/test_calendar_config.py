"""The [calendar] and [deadlines] sections: parsed, checked, and turned into the domain objects."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import (
    DeadlinesConfig,
    DeadlineUnits,
    Problem,
    deadline_rules,
    load_config,
    work_calendar,
)
from bot.domain.deadlines import PERIOD_NAMES, DeadlineRules, Period, Unit, due_for_resolution
from bot.domain.tickets import Kind
from bot.texts import t
from tests.support.config_files import ENV, EXAMPLE, problems, write


def test_the_example_gives_the_legal_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENV)
    assert config.calendar.extra_days_off == []
    assert config.calendar.extra_working_days == []
    assert deadline_rules(config) == DeadlineRules()
    cal = work_calendar(config)
    assert cal.extra_days_off == frozenset()
    assert not cal.is_working_day(date(2026, 2, 17))


def test_both_sections_are_optional(tmp_path: Path) -> None:
    text = EXAMPLE
    start = text.index("# Lịch làm việc (tùy chọn)")
    end = text.index("# Các phòng ban của UBND xã")
    path = tmp_path / "config.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    config = load_config(path, environ=ENV)
    assert deadline_rules(config) == DeadlineRules()
    assert work_calendar(config).extra_working_days == frozenset()


def test_extra_days_from_toml_dates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ("extra_days_off = []", "extra_days_off = [2027-02-03, 2027-02-11]"),
        ("extra_working_days = []", "extra_working_days = [2027-02-20]"),
    )
    cal = work_calendar(load_config(path, environ=ENV))
    assert not cal.is_working_day(date(2027, 2, 3))
    assert not cal.is_working_day(date(2027, 2, 11))
    assert cal.is_working_day(date(2027, 2, 20))


def test_a_day_both_off_and_worked_is_a_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ("extra_days_off = []", "extra_days_off = [2027-02-27]"),
        ("extra_working_days = []", "extra_working_days = [2027-02-20, 2027-02-27]"),
    )
    assert problems(path) == [
        Problem("calendar.extra_working_days[1]", t("config.working_and_off", value="27/02/2027"))
    ]


def test_a_weekday_as_extra_working_day_is_a_problem(tmp_path: Path) -> None:
    # Wednesday 3/2/2027 is a working day already: probably a typo for a weekend date.
    path = write(tmp_path, ("extra_working_days = []", "extra_working_days = [2027-02-03]"))
    assert problems(path) == [
        Problem(
            "calendar.extra_working_days[0]",
            t("config.working_not_weekend", value="03/02/2027"),
        )
    ]


def test_a_date_that_is_not_a_date(tmp_path: Path) -> None:
    path = write(tmp_path, ("extra_days_off = []", 'extra_days_off = ["mùng 3 Tết"]'))
    assert [p.path for p in problems(path)] == ["calendar.extra_days_off[0]"]


def test_remote_area_and_changed_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ("remote_area = false", "remote_area = true"),
        ("feedback_resolve = 10", "feedback_resolve = 7"),
        ("denunciation_max_extensions = 2", "denunciation_max_extensions = 1"),
    )
    config = load_config(path, environ=ENV)
    rules = deadline_rules(config)
    assert rules.remote_area
    assert rules.feedback_resolve == Period(7, Unit.WORKING)
    assert rules.denunciation_max_extensions == 1
    cal = work_calendar(config)
    assert due_for_resolution(Kind.COMPLAINT, date(2026, 3, 2), rules, cal) == date(2026, 4, 16)


def test_a_unit_can_be_changed(tmp_path: Path) -> None:
    path = write(tmp_path, ('complaint_accept = "calendar"', 'complaint_accept = "working"'))
    rules = deadline_rules(load_config(path, environ=ENV))
    assert rules.complaint_accept == Period(10, Unit.WORKING)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("complaint_resolve = 30", "complaint_resolve = 0", "deadlines.complaint_resolve"),
        ("complaint_resolve = 30", "complaint_resolve = 366", "deadlines.complaint_resolve"),
        (
            "denunciation_max_extensions = 2",
            "denunciation_max_extensions = 3",
            "deadlines.denunciation_max_extensions",
        ),
        (
            'denunciation_resolve = "calendar"',
            'denunciation_resolve = "weekly"',
            "deadlines.units.denunciation_resolve",
        ),
        ("remote_area = false", "remote_areas = false", "deadlines.remote_areas"),
    ],
)
def test_bad_deadlines_are_reported_by_path(tmp_path: Path, old: str, new: str, where: str) -> None:
    assert [p.path for p in problems(write(tmp_path, (old, new)))] == [where]


def test_field_errors_and_cross_checks_come_together(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ("extra_working_days = []", "extra_working_days = [2027-02-03]"),
        ("petition_resolve = 10", "petition_resolve = 0"),
    )
    # A bad [deadlines] does not hide the [calendar] problem: both come in one run.
    assert [p.path for p in problems(path)] == [
        "deadlines.petition_resolve",
        "calendar.extra_working_days[0]",
    ]


def test_a_public_holiday_on_a_weekday_can_be_worked(tmp_path: Path) -> None:
    # 24/11/2026 (Ngày Văn hóa Việt Nam) is a holiday in the package; a commune that stays open
    # that day lists it as an extra working day.
    path = write(tmp_path, ("extra_working_days = []", "extra_working_days = [2026-11-24]"))
    config = load_config(path, environ=ENV)
    assert work_calendar(config).is_working_day(date(2026, 11, 24))


def test_config_and_rules_name_the_same_periods() -> None:
    counts = set(DeadlinesConfig.model_fields) - {
        "denunciation_max_extensions",
        "remote_area",
        "units",
    }
    assert counts == set(PERIOD_NAMES)
    assert set(DeadlineUnits.model_fields) == set(PERIOD_NAMES)
