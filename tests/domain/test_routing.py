"""Routing rules of issue #3: who gets a case, with every tie-break, from hand-built officers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.people import Officer, Role
from bot.domain.routing import (
    DEFAULT_KIND_ROLES,
    Candidate,
    Route,
    RoutingRules,
    holder,
    pick,
    route,
)
from bot.domain.tickets import Kind

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
RULES = RoutingRules(
    kind_roles=DEFAULT_KIND_ROLES,
    triage_department="van-phong",
    conduct_category="thai-do-can-bo",
    chairman_id=1,
)


def officer(
    person_id: int,
    department_id: str | None,
    *roles: Role,
    open_cases: int = 0,
    last: datetime | None = None,
) -> Candidate:
    return Candidate(
        person_id=person_id,
        department_id=department_id,
        roles=frozenset(roles or (Role.OFFICER,)),
        open_cases=open_cases,
        last_assigned_at=last,
    )


CHAIRMAN = officer(1, None, Role.LEADER, Role.ADMIN)
VICE = officer(2, None, Role.LEADER)
RECEPTION = officer(3, "van-phong", Role.OFFICER, Role.RECEPTION)
ECONOMY = officer(4, "kinh-te")
ECONOMY_2 = officer(5, "kinh-te")
SUPERVISOR = officer(6, None, Role.SUPERVISOR)
INSPECTOR = officer(7, None, Role.SUPERVISOR)
STAFF = (CHAIRMAN, VICE, RECEPTION, ECONOMY, ECONOMY_2, SUPERVISOR, INSPECTOR)


def feedback(
    department: str = "kinh-te",
    candidates: tuple[Candidate, ...] = STAFF,
    *,
    kind: Kind = Kind.FEEDBACK,
    category: str = "dat-dai",
    rules: RoutingRules = RULES,
    subject_id: int | None = None,
    exclude: frozenset[int] = frozenset(),
    department_only: bool = False,
) -> Route:
    return route(
        kind,
        department,
        category,
        rules,
        candidates,
        subject_id=subject_id,
        exclude=exclude,
        department_only=department_only,
    )


# --- (c) the category's department -------------------------------------------------------


def test_feedback_goes_to_an_officer_of_the_category_department() -> None:
    assert feedback() == Route("kinh-te", 4, frozenset(), "category")


def test_only_officers_of_that_department_count() -> None:
    """A leader or a reception officer sitting in the department is not its case handler."""
    staff = (
        officer(10, "kinh-te", Role.LEADER),
        officer(11, "kinh-te", Role.RECEPTION),
        officer(12, "van-hoa-xa-hoi"),
        officer(13, "kinh-te", Role.OFFICER, open_cases=9),
    )
    assert feedback(candidates=staff) == Route("kinh-te", 13, frozenset(), "category")


@pytest.mark.parametrize("kind", [Kind.FEEDBACK, Kind.PETITION])
def test_kinds_without_an_override_follow_the_category(kind: Kind) -> None:
    assert feedback(kind=kind).reason == "category"


# --- (b) the kind's own role -------------------------------------------------------------


def test_a_complaint_goes_to_reception_in_any_department() -> None:
    chosen = feedback(kind=Kind.COMPLAINT)
    assert chosen == Route("kinh-te", RECEPTION.person_id, frozenset(), "kind")


def test_a_denunciation_goes_to_a_leader_by_load() -> None:
    staff = (dataclasses.replace(CHAIRMAN, open_cases=2), VICE, RECEPTION, ECONOMY)
    chosen = feedback(kind=Kind.DENUNCIATION, candidates=staff)
    assert chosen == Route("kinh-te", VICE.person_id, frozenset(), "kind")


def test_the_kind_roles_come_from_the_rules() -> None:
    rules = dataclasses.replace(RULES, kind_roles={Kind.FEEDBACK: Role.RECEPTION})
    assert feedback(rules=rules).assignee_id == RECEPTION.person_id
    assert feedback(kind=Kind.COMPLAINT, rules=rules).reason == "category"


def test_a_kind_whose_role_nobody_has_falls_back_to_the_department() -> None:
    staff = (ECONOMY, RECEPTION)
    chosen = feedback(kind=Kind.DENUNCIATION, candidates=staff)
    assert chosen == Route("kinh-te", ECONOMY.person_id, frozenset(), "category")


# --- (d) triage ---------------------------------------------------------------------------


def test_a_department_without_officers_goes_to_triage() -> None:
    chosen = feedback("cong-an")
    assert chosen == Route("van-phong", RECEPTION.person_id, frozenset(), "triage")


def test_triage_takes_officers_and_reception_of_the_triage_department_only() -> None:
    staff = (
        officer(20, "van-phong", Role.LEADER),
        officer(21, "van-phong", Role.SUPERVISOR),
        officer(22, "kinh-te", Role.RECEPTION),
        officer(23, "van-phong", Role.RECEPTION, open_cases=3),
        officer(24, "van-phong", Role.OFFICER, open_cases=4),
    )
    assert feedback("cong-an", staff) == Route("van-phong", 23, frozenset(), "triage")
    busy = (*staff[:3], dataclasses.replace(staff[3], open_cases=5), staff[4])
    assert feedback("cong-an", busy).assignee_id == 24


def test_when_nobody_fits_the_case_waits_in_the_triage_queue() -> None:
    assert feedback("cong-an", (CHAIRMAN, SUPERVISOR)) == Route(
        "van-phong", None, frozenset(), "triage"
    )
    assert feedback(candidates=()) == Route("van-phong", None, frozenset(), "triage")


def test_the_triage_department_comes_from_the_rules() -> None:
    rules = dataclasses.replace(RULES, triage_department="hanh-chinh-cong")
    clerk = officer(30, "hanh-chinh-cong", Role.RECEPTION)
    assert feedback("cong-an", (RECEPTION, clerk), rules=rules) == Route(
        "hanh-chinh-cong", 30, frozenset(), "triage"
    )


# --- choosing within a pool ----------------------------------------------------------------


def test_fewest_open_cases_wins_over_waiting_longest() -> None:
    staff = (
        officer(40, "kinh-te", open_cases=3, last=None),
        officer(41, "kinh-te", open_cases=1, last=T0 + timedelta(days=5)),
        officer(42, "kinh-te", open_cases=2, last=T0),
    )
    assert feedback(candidates=staff).assignee_id == 41


def test_on_equal_load_the_one_assigned_longest_ago_wins() -> None:
    staff = (
        officer(50, "kinh-te", open_cases=1, last=T0 + timedelta(hours=2)),
        officer(51, "kinh-te", open_cases=1, last=T0),
        officer(52, "kinh-te", open_cases=1, last=T0 + timedelta(hours=1)),
    )
    assert feedback(candidates=staff).assignee_id == 51


def test_never_assigned_counts_as_longest_ago() -> None:
    staff = (
        officer(60, "kinh-te", open_cases=1, last=datetime(2000, 1, 1, tzinfo=UTC)),
        officer(61, "kinh-te", open_cases=1, last=None),
    )
    assert feedback(candidates=staff).assignee_id == 61


@pytest.mark.parametrize("last", [None, T0])
def test_a_full_tie_goes_to_the_lowest_person_id(last: datetime | None) -> None:
    staff = (
        officer(72, "kinh-te", last=last),
        officer(70, "kinh-te", last=last),
        officer(71, "kinh-te", last=last),
    )
    assert feedback(candidates=staff).assignee_id == 70
    assert feedback(candidates=tuple(reversed(staff))).assignee_id == 70


def test_pick_of_nobody_is_none() -> None:
    assert pick([]) is None


# --- exclude --------------------------------------------------------------------------------


def test_excluded_people_are_never_chosen() -> None:
    assert feedback(exclude=frozenset({ECONOMY.person_id})).assignee_id == ECONOMY_2.person_id
    everyone_there = frozenset({ECONOMY.person_id, ECONOMY_2.person_id})
    assert feedback(exclude=everyone_there) == Route(
        "van-phong", RECEPTION.person_id, frozenset(), "triage"
    )
    assert feedback(exclude=everyone_there | {RECEPTION.person_id}) == Route(
        "van-phong", None, frozenset(), "triage"
    )


def test_an_excluded_role_holder_lets_the_kind_fall_through() -> None:
    chosen = feedback(kind=Kind.COMPLAINT, exclude=frozenset({RECEPTION.person_id}))
    assert chosen == Route("kinh-te", ECONOMY.person_id, frozenset(), "category")


# --- department_only (a case sent to a chosen department) -----------------------------------


def test_a_case_sent_to_a_department_skips_the_kind_role() -> None:
    chosen = feedback(kind=Kind.COMPLAINT, department_only=True)
    assert chosen == Route("kinh-te", ECONOMY.person_id, frozenset(), "category")


def test_a_case_sent_to_an_empty_department_stays_in_its_queue_with_a_triage_officer() -> None:
    assert feedback("cong-an", department_only=True) == Route(
        "cong-an", RECEPTION.person_id, frozenset(), "triage"
    )
    assert feedback("cong-an", (CHAIRMAN,), department_only=True) == Route(
        "cong-an", None, frozenset(), "triage"
    )


# --- (a) conduct of an ordinary officer ------------------------------------------------------

LEADERS = frozenset({CHAIRMAN.person_id, VICE.person_id})


def test_the_conduct_category_goes_to_a_leader_and_every_leader_is_told() -> None:
    chosen = feedback("van-phong", category="thai-do-can-bo")
    assert chosen == Route(None, CHAIRMAN.person_id, LEADERS, "conduct")


def test_conduct_wins_over_the_kind_and_over_department_only() -> None:
    for kind in Kind:
        chosen = feedback("van-phong", kind=kind, category="thai-do-can-bo", department_only=True)
        assert (chosen.department_id, chosen.reason) == (None, "conduct")


def test_the_conduct_leader_is_chosen_by_load() -> None:
    staff = (dataclasses.replace(CHAIRMAN, open_cases=4), VICE, RECEPTION)
    assert feedback(candidates=staff, category="thai-do-can-bo").assignee_id == VICE.person_id


def test_a_named_subject_makes_any_case_a_conduct_case() -> None:
    chosen = feedback(kind=Kind.COMPLAINT, subject_id=ECONOMY.person_id)
    assert chosen == Route(None, CHAIRMAN.person_id, LEADERS, "conduct")


def test_never_to_the_subject_nor_to_the_subjects_department() -> None:
    head = officer(80, "kinh-te", Role.LEADER, Role.OFFICER)  # head of the subject's department
    staff = (head, dataclasses.replace(CHAIRMAN, open_cases=7), ECONOMY, ECONOMY_2)
    chosen = feedback(candidates=staff, subject_id=ECONOMY.person_id)
    assert chosen.assignee_id == CHAIRMAN.person_id
    assert chosen.department_id is None
    assert chosen.notify == {head.person_id, CHAIRMAN.person_id}


def test_a_conduct_case_without_a_leader_has_nobody() -> None:
    staff = (RECEPTION, ECONOMY, ECONOMY_2, SUPERVISOR)
    assert feedback(candidates=staff, category="thai-do-can-bo") == Route(
        None, None, frozenset(), "conduct"
    )
    only_head = (officer(80, "kinh-te", Role.LEADER), ECONOMY)
    assert feedback(candidates=only_head, subject_id=ECONOMY.person_id) == Route(
        None, None, frozenset({80}), "conduct"
    )


def test_the_leader_who_passed_it_keeps_it_when_no_other_leader_can_take_it() -> None:
    alone = (CHAIRMAN, RECEPTION, ECONOMY)
    passed = feedback(
        candidates=alone, subject_id=ECONOMY.person_id, exclude=frozenset({CHAIRMAN.person_id})
    )
    assert passed == Route(None, CHAIRMAN.person_id, frozenset({CHAIRMAN.person_id}), "conduct")
    about_vice = feedback(
        candidates=(CHAIRMAN, VICE, RECEPTION, SUPERVISOR),
        subject_id=VICE.person_id,
        exclude=frozenset({CHAIRMAN.person_id}),
    )
    assert about_vice == Route(
        None,
        CHAIRMAN.person_id,
        frozenset({SUPERVISOR.person_id, CHAIRMAN.person_id}),
        "leader-conduct",
    )


def test_an_excluded_leader_is_not_chosen_but_still_told() -> None:
    chosen = feedback(category="thai-do-can-bo", exclude=frozenset({CHAIRMAN.person_id}))
    assert chosen == Route(None, VICE.person_id, LEADERS, "conduct")


def test_without_a_conduct_category_that_category_is_ordinary() -> None:
    rules = dataclasses.replace(RULES, conduct_category=None)
    chosen = feedback("van-phong", category="thai-do-can-bo", rules=rules)
    assert chosen == Route("van-phong", RECEPTION.person_id, frozenset(), "category")


# --- (a) conduct of a leader -----------------------------------------------------------------

SUPERVISORS = frozenset({SUPERVISOR.person_id, INSPECTOR.person_id})


def test_a_leaders_conduct_goes_to_the_chairman_and_the_supervisors_are_told() -> None:
    staff = (dataclasses.replace(CHAIRMAN, open_cases=9), *STAFF[1:])
    chosen = feedback(candidates=staff, subject_id=VICE.person_id)
    assert chosen == Route(
        None, CHAIRMAN.person_id, SUPERVISORS | {CHAIRMAN.person_id}, "leader-conduct"
    )


def test_the_chairmans_own_conduct_goes_to_another_leader() -> None:
    third = officer(8, None, Role.LEADER, open_cases=1)
    chosen = feedback(candidates=(*STAFF, third), subject_id=CHAIRMAN.person_id)
    assert chosen == Route(None, VICE.person_id, SUPERVISORS, "leader-conduct")


def test_the_only_leaders_conduct_is_held_by_the_office_to_send_it_up() -> None:
    """No fellow leader may judge it: the Office's triage holds it (to forward it to the level
    above), in its queue, and the supervisors are told; the leader concerned never is."""
    alone = (CHAIRMAN, RECEPTION, ECONOMY, SUPERVISOR)
    assert feedback(candidates=alone, subject_id=CHAIRMAN.person_id) == Route(
        "van-phong", RECEPTION.person_id, frozenset({SUPERVISOR.person_id}), "leader-conduct"
    )
    vice_alone = feedback(candidates=(VICE, RECEPTION, SUPERVISOR), subject_id=VICE.person_id)
    assert (vice_alone.department_id, vice_alone.assignee_id) == ("van-phong", RECEPTION.person_id)


def test_the_office_holds_it_even_when_it_passed_it_if_nobody_else_can() -> None:
    alone = (CHAIRMAN, RECEPTION, SUPERVISOR)
    passed = feedback(
        candidates=alone, subject_id=CHAIRMAN.person_id, exclude=frozenset({RECEPTION.person_id})
    )
    assert (passed.department_id, passed.assignee_id) == ("van-phong", RECEPTION.person_id)
    other = officer(9, "van-phong", Role.OFFICER)
    passed = feedback(
        candidates=(*alone, other),
        subject_id=CHAIRMAN.person_id,
        exclude=frozenset({RECEPTION.person_id}),
    )
    assert passed.assignee_id == other.person_id


def test_without_a_chairman_a_leaders_conduct_goes_to_another_leader_by_load() -> None:
    rules = dataclasses.replace(RULES, chairman_id=None)
    third = officer(8, None, Role.LEADER)
    staff = (dataclasses.replace(CHAIRMAN, open_cases=2), VICE, third, SUPERVISOR)
    chosen = feedback(candidates=staff, rules=rules, subject_id=VICE.person_id)
    assert chosen == Route(
        None, third.person_id, frozenset({SUPERVISOR.person_id}), "leader-conduct"
    )


def test_an_excluded_or_absent_chairman_leaves_it_to_another_leader() -> None:
    third = officer(8, None, Role.LEADER)
    excluded = feedback(
        candidates=(*STAFF, third), subject_id=VICE.person_id, exclude=frozenset({1})
    )
    assert excluded.assignee_id == third.person_id
    assert excluded.notify == SUPERVISORS | {CHAIRMAN.person_id}
    absent = feedback(candidates=(VICE, third, SUPERVISOR), subject_id=VICE.person_id)
    assert absent.assignee_id == third.person_id


def test_the_chairman_named_as_subject_counts_as_a_leader_even_if_not_active() -> None:
    chosen = feedback(candidates=(VICE, RECEPTION, SUPERVISOR), subject_id=CHAIRMAN.person_id)
    assert chosen == Route(
        None, VICE.person_id, frozenset({SUPERVISOR.person_id}), "leader-conduct"
    )


def test_the_subject_is_never_told_nor_chosen() -> None:
    for subject in STAFF:
        for category in ("dat-dai", "thai-do-can-bo"):
            chosen = feedback(candidates=STAFF, category=category, subject_id=subject.person_id)
            assert chosen.assignee_id != subject.person_id
            assert subject.person_id not in chosen.notify


# --- the values themselves ---------------------------------------------------------------------


def test_default_rules_match_the_domain_table() -> None:
    rules = RoutingRules()
    assert dict(rules.kind_roles) == {
        Kind.COMPLAINT: Role.RECEPTION,
        Kind.DENUNCIATION: Role.LEADER,
    }
    assert (rules.triage_department, rules.conduct_category, rules.chairman_id) == (
        "van-phong",
        None,
        None,
    )


def test_values_are_frozen() -> None:
    chosen = feedback()
    with pytest.raises(dataclasses.FrozenInstanceError):
        chosen.assignee_id = 99  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ECONOMY.open_cases = 3  # type: ignore[misc]


def staff(department_id: str | None, *roles: Role) -> Officer:
    return Officer(7, "telegram", "7", "Cán bộ", "", department_id, frozenset(roles))


@pytest.mark.parametrize(
    ("queue", "assignee", "told"),
    [
        # A complaint stays in its category's queue while reception of the Office holds it.
        ("kinh-te", staff("van-phong", Role.OFFICER, Role.RECEPTION), "van-phong"),
        ("kinh-te", staff("kinh-te", Role.OFFICER), "kinh-te"),
        # A conduct case is in no queue; a leader without a department holds it.
        (None, staff(None, Role.LEADER), None),
        ("kinh-te", staff(None, Role.LEADER), None),
        # Nobody holds it yet: the queue it waits in, or the leaders for a conduct case.
        ("kinh-te", None, "kinh-te"),
        (None, None, None),
    ],
)
def test_the_citizen_is_told_who_really_holds_the_case(
    queue: str | None, assignee: Officer | None, told: str | None
) -> None:
    assert holder(queue, assignee) == told
