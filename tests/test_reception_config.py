"""The [[reception]] entries: parsed, checked field by field, and turned into schedule rules."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest

from bot.config import Problem, load_config, reception_rules
from bot.domain.reception import Rule, SessionRule
from bot.texts import t
from tests.support.config_files import ENV, EXAMPLE, problems, write

PLACE = "Phòng tiếp công dân, UBND xã"


def needs(rule: str, field: str) -> str:
    hint = t(f"config.reception_field.{field}")
    return t("config.reception_needs", rule=rule, field=field, hint=hint)


def not_for(rule: str, field: str) -> str:
    return t("config.reception_not_for_rule", rule=rule, field=field)


def test_the_example_gives_the_chairman_and_the_office(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENV)
    assert reception_rules(config) == [
        SessionRule(
            id="chu-tich",
            title="Chủ tịch UBND xã tiếp công dân định kỳ",
            place=PLACE,
            rule=Rule.WEEKLY,
            start=time(7, 30),
            end=time(11, 0),
            host=100000001,
            weekday=4,
            remind_before=(timedelta(days=1), timedelta(hours=2)),
        ),
        SessionRule(
            id="thuong-xuyen",
            title="Tiếp công dân thường xuyên",
            place=PLACE,
            rule=Rule.WORKDAYS,
            start=time(14, 0),
            end=time(16, 30),
            host=100000002,
            remind_before=(),
        ),
    ]


def test_without_reception_entries_there_is_no_schedule(tmp_path: Path) -> None:
    text = EXAMPLE
    start = text.index("# Lịch tiếp công dân (tùy chọn")
    end = text.index("# Phân công hồ sơ ngoài bảng lĩnh vực")
    config = load_config(write(tmp_path, text=text[:start] + text[end:]), environ=ENV)
    assert config.reception == []
    assert reception_rules(config) == []


def test_monthly_and_once_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ('rule = "weekly"', 'rule = "monthly"'),
        ("weekday = 4", "day = 31"),
        ('rule = "workdays"', 'rule = "once"\ndate = 2026-05-05'),
    )
    rules = reception_rules(load_config(path, environ=ENV))
    assert [(r.rule, r.weekday, r.day, r.on) for r in rules] == [
        (Rule.MONTHLY, None, 31, None),
        (Rule.ONCE, None, None, date(2026, 5, 5)),
    ]


def test_reminder_leads_are_read_once_each_earliest_first(tmp_path: Path) -> None:
    path = write(
        tmp_path, ('remind_before = ["1d", "2h"]', 'remind_before = ["2h", "1d12h", " 30m", "2h"]')
    )
    config = load_config(path, environ=ENV)
    assert config.reception[0].remind_before == ["2h", "1d12h", "30m", "2h"]
    assert reception_rules(config)[0].remind_before == (
        timedelta(days=1, hours=12),
        timedelta(hours=2),
        timedelta(minutes=30),
    )


def test_leaving_out_remind_before_gives_a_day_and_two_hours(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ("remind_before = []", "")), environ=ENV)
    assert reception_rules(config)[1].remind_before == (timedelta(days=1), timedelta(hours=2))


# --- problems found by the checks across fields -------------------------------------------------


def test_duplicate_ids(tmp_path: Path) -> None:
    path = write(tmp_path, ('id = "thuong-xuyen"', 'id = "chu-tich"'))
    message = t("config.duplicate", value="chu-tich")
    assert problems(path) == [
        Problem("reception[0].id", message),
        Problem("reception[1].id", message),
    ]


def test_weekly_needs_a_weekday(tmp_path: Path) -> None:
    path = write(tmp_path, ("weekday = 4", ""))
    assert problems(path) == [Problem("reception[0].weekday", needs("weekly", "weekday"))]


def test_monthly_needs_a_day_and_no_weekday(tmp_path: Path) -> None:
    path = write(tmp_path, ('rule = "weekly"', 'rule = "monthly"'))
    assert problems(path) == [
        Problem("reception[0].weekday", not_for("monthly", "weekday")),
        Problem("reception[0].day", needs("monthly", "day")),
    ]


def test_once_needs_a_date(tmp_path: Path) -> None:
    path = write(tmp_path, ('rule = "workdays"', 'rule = "once"'))
    assert problems(path) == [Problem("reception[1].date", needs("once", "date"))]


@pytest.mark.parametrize(
    ("line", "field"),
    [("day = 15", "day"), ("date = 2026-05-05", "date"), ("weekday = 2", "weekday")],
)
def test_a_day_field_given_for_another_rule(tmp_path: Path, line: str, field: str) -> None:
    path = write(tmp_path, ('rule = "workdays"', f'rule = "workdays"\n{line}'))
    assert problems(path) == [Problem(f"reception[1].{field}", not_for("workdays", field))]


def test_a_date_on_a_weekly_session(tmp_path: Path) -> None:
    path = write(tmp_path, ("weekday = 4", "weekday = 4\ndate = 2026-05-07"))
    assert problems(path) == [Problem("reception[0].date", not_for("weekly", "date"))]


@pytest.mark.parametrize("end", ["14:00", "13:30"])
def test_start_must_come_before_end(tmp_path: Path, end: str) -> None:
    path = write(tmp_path, ('end = "16:30"', f'end = "{end}"'))
    message = t("config.start_not_before_end", start="14:00", end=end)
    assert problems(path) == [Problem("reception[1].start", message)]


def test_the_host_must_be_an_officer(tmp_path: Path) -> None:
    path = write(tmp_path, ("host = 100000002", "host = 199999999"))
    assert problems(path) == [
        Problem("reception[1].host", t("config.host_not_officer", value=199999999))
    ]


def test_a_host_is_optional(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ("host = 100000002", "")), environ=ENV)
    assert reception_rules(config)[1].host is None


def test_a_broken_officer_hides_no_host_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ('roles = ["supervisor"]', 'roles = ["chief"]'),
        ("host = 100000002", "host = 199999999"),
        ('end = "16:30"', 'end = "14:00"'),
    )
    # One officer cannot be read, but the others can: 199999999 is none of them, told at once.
    assert [p.path for p in problems(path)] == [
        "officers[3].roles[0]",
        "reception[1].start",
        "reception[1].host",
    ]


def test_a_broken_officer_is_still_a_known_host(tmp_path: Path) -> None:
    path = write(tmp_path, ('roles = ["officer", "reception"]', 'roles = ["officer", "chief"]'))
    assert [p.path for p in problems(path)] == ["officers[1].roles[1]"]


# --- problems found field by field --------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('rule = "weekly"', 'rule = "daily"', "reception[0].rule"),
        ("weekday = 4", "weekday = 0", "reception[0].weekday"),
        ("weekday = 4", "weekday = 8", "reception[0].weekday"),
        ('rule = "workdays"', 'rule = "workdays"\nday = 32', "reception[1].day"),
        ('rule = "workdays"', 'rule = "once"\ndate = "5/5/2026"', "reception[1].date"),
        ("host = 100000001", "host = 0", "reception[0].host"),
        ('id = "thuong-xuyen"', 'id = "Thường xuyên"', "reception[1].id"),
        ('title = "Tiếp công dân thường xuyên"', 'title = ""', "reception[1].title"),
        ('start = "07:30"', 'start = "7h30"', "reception[0].start"),
        ('start = "07:30"', 'start = "24:00"', "reception[0].start"),
        ('end = "16:30"', "end = 16.5", "reception[1].end"),
        ("weekday = 4", "weekday = 4\non = 2026-05-07", "reception[0].on"),
        ('remind_before = ["1d", "2h"]', 'remind_before = "1d"', "reception[0].remind_before"),
    ],
)
def test_bad_fields_are_reported_by_path(tmp_path: Path, old: str, new: str, where: str) -> None:
    assert [p.path for p in problems(write(tmp_path, (old, new)))] == [where]


def test_a_missing_field(tmp_path: Path) -> None:
    path = write(tmp_path, ('title = "Tiếp công dân thường xuyên"\n', ""))
    assert problems(path) == [Problem("reception[1].title", t("config.missing"))]


def test_a_time_that_is_not_a_time(tmp_path: Path) -> None:
    path = write(tmp_path, ('start = "07:30"', 'start = "7h30"'))
    assert problems(path) == [Problem("reception[0].start", t("config.bad_time", value="7h30"))]


@pytest.mark.parametrize("lead", ["1w", "2 giờ", "0h", "h", ""])
def test_a_lead_that_is_not_a_lead(tmp_path: Path, lead: str) -> None:
    path = write(tmp_path, ('remind_before = ["1d", "2h"]', f'remind_before = ["1d", "{lead}"]'))
    assert problems(path) == [
        Problem("reception[0].remind_before[1]", t("config.bad_lead", value=lead))
    ]


def test_a_lead_of_more_than_two_weeks(tmp_path: Path) -> None:
    path = write(tmp_path, ('remind_before = ["1d", "2h"]', 'remind_before = ["15d", "14d"]'))
    assert problems(path) == [
        Problem("reception[0].remind_before[0]", t("config.lead_too_long", value="15d"))
    ]


def test_field_problems_in_one_entry_do_not_hide_other_sections(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        ("weekday = 4", "weekday = 9"),
        ("extra_working_days = []", "extra_working_days = [2027-02-03]"),
    )
    # A bad [[reception]] skips the reception checks but not the [calendar] one.
    assert [p.path for p in problems(path)] == [
        "reception[0].weekday",
        "calendar.extra_working_days[0]",
    ]


def test_the_example_spells_out_the_weekday_numbers_as_the_code_counts_them(
    tmp_path: Path,
) -> None:
    """ "thứ 4" is Wednesday (3), not Thursday: the one comment by `weekday` says so in full."""
    lines = EXAMPLE.splitlines()
    comment = lines[lines.index("weekday = 4") - 2]
    for number in range(1, 8):
        name = t(f"reception.weekday.{number}").lower()
        assert f"{number} = {name}" in comment.lower()
    assert "thứ 4" in comment
    config = load_config(write(tmp_path), environ=ENV)
    chairman = next(rule for rule in reception_rules(config) if rule.id == "chu-tich")
    assert (chairman.weekday, comment.startswith("# Thứ Năm")) == (4, True)
