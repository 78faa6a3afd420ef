"""The case workflow, checked against tables written by hand from the rules, not from the code.

Rules (bot.domain.workflow and the casework issue): a case is new → accepted → in progress (which
includes waiting for the citizen's answer) → resolved or refused; besides, it can be reassigned
and reopened. Refusing (không thụ lý) is only for a case not yet accepted; resolving only for one
accepted; a rating only for a resolved case; reopening only for a closed one. Viewing never moves
a case.

Authority: the officer a conduct case is about may do nothing with it, even a leader; the citizen
actions (answer, add, rate) are the case's citizen's alone; leaders may do every officer action on
every case; only leaders reopen; accept, ask, resolve and refuse belong to the assignee; reception
may also pass a case on; viewing is for the assignee and for the department's officers, except
for restricted cases (denunciations and conduct cases), which stay out of the department queue.
Supervisors (the Fatherland Front, the People's Inspection Board) act on nothing: they only send
recommendations (kiến nghị giám sát), which change nothing in a case; nobody else sends those.
"""

from __future__ import annotations

import itertools

import pytest

from bot.domain.people import Role
from bot.domain.tickets import Kind, Status
from bot.domain.workflow import (
    Action,
    Actor,
    CaseAccess,
    IllegalTransitionError,
    may,
    next_status,
    sees_identity,
    watches,
)

# --------------------------------------------------------------------------------------------
# next_status: the whole transition table, by hand.
# --------------------------------------------------------------------------------------------

S = Status
A = Action
# A case that waits for someone to formally take it on (thụ lý).
WAITING_FOR_ACCEPTANCE = (S.NEW, S.REASSIGNED, S.REOPENED)
# A case being worked on; waiting for the citizen is part of it.
BEING_WORKED = (S.ACCEPTED, S.IN_PROGRESS, S.WAITING_CITIZEN)
STILL_OPEN = WAITING_FOR_ACCEPTANCE + BEING_WORKED
FINISHED = (S.RESOLVED, S.REFUSED)
# Statuses that themselves say the case was accepted, whatever the flag claims.
ACCEPTED_BY_STATUS = (S.ACCEPTED, S.IN_PROGRESS)


def _table() -> dict[tuple[Status, Action, bool], Status]:
    """Every legal (status, action, ever accepted) and where it leads; the rest is illegal."""
    legal: dict[tuple[Status, Action, bool], Status] = {}
    for accepted in (True, False):
        # Accepting: a new, passed-on or reopened case is taken on (again).
        for status in WAITING_FOR_ACCEPTANCE:
            legal[status, A.ACCEPT, accepted] = S.ACCEPTED
        # Asking the citizen: any open case, except one already waiting for an answer.
        for status in STILL_OPEN:
            if status is not S.WAITING_CITIZEN:
                legal[status, A.ASK, accepted] = S.WAITING_CITIZEN
        # The answer: back to work if the case was accepted, else back to awaiting acceptance.
        legal[S.WAITING_CITIZEN, A.CITIZEN_REPLY, accepted] = S.IN_PROGRESS if accepted else S.NEW
        # The citizen's data erased: no answer can come, the case goes on as if answered.
        legal[S.WAITING_CITIZEN, A.NO_ANSWER, accepted] = S.IN_PROGRESS if accepted else S.NEW
        # Unasked information changes nothing, but only while the case is open.
        for status in STILL_OPEN:
            legal[status, A.ADD_INFO, accepted] = status
        # Passing on: any open case.
        for status in STILL_OPEN:
            legal[status, A.REASSIGN, accepted] = S.REASSIGNED
        # Rating: only a resolved case, and it stays resolved.
        legal[S.RESOLVED, A.RATE, accepted] = S.RESOLVED
        # Answering a question: any open one, straight to resolved (no acceptance to wait for).
        for status in STILL_OPEN:
            legal[status, A.ANSWER, accepted] = S.RESOLVED
        # Reopening: only a closed case.
        for status in FINISHED:
            legal[status, A.REOPEN, accepted] = S.REOPENED
    # Resolving: only a case accepted and being worked on.
    for status in BEING_WORKED:
        legal[status, A.RESOLVE, True] = S.RESOLVED
        # A longer period (complex complaint, extended denunciation) changes only the due date.
        legal[status, A.COMPLEX, True] = status
        legal[status, A.EXTEND, True] = status
    # Refusing: only an open case never accepted, and not one whose status says it was.
    for status in STILL_OPEN:
        if status not in ACCEPTED_BY_STATUS:
            legal[status, A.REFUSE, False] = S.REFUSED
    return legal


LEGAL = _table()


def _transition_params() -> list[object]:
    params: list[object] = []
    for status, action, accepted in itertools.product(Status, Action, (True, False)):
        params.append(
            pytest.param(
                status,
                action,
                accepted,
                id=f"{status.value}-{action.value}-{'accepted' if accepted else 'not_accepted'}",
            )
        )
    return params


def test_the_table_has_what_the_rules_name() -> None:
    """A guard on the table itself, so a typo in it cannot make the big test vacuous."""
    assert len(list(itertools.product(Status, Action, (True, False)))) == 240
    assert LEGAL[S.NEW, A.ACCEPT, False] is S.ACCEPTED
    assert LEGAL[S.ACCEPTED, A.RESOLVE, True] is S.RESOLVED
    assert LEGAL[S.WAITING_CITIZEN, A.RESOLVE, True] is S.RESOLVED
    assert (S.WAITING_CITIZEN, A.RESOLVE, False) not in LEGAL
    assert LEGAL[S.NEW, A.REFUSE, False] is S.REFUSED
    assert (S.NEW, A.REFUSE, True) not in LEGAL
    assert not any(action in (A.VIEW, A.RECOMMEND) for _, action, _ in LEGAL)
    assert LEGAL[S.NEW, A.ANSWER, False] is S.RESOLVED
    assert len(LEGAL) == 75


@pytest.mark.parametrize(("status", "action", "accepted"), _transition_params())
def test_next_status_follows_the_table(status: Status, action: Action, accepted: bool) -> None:
    expected = LEGAL.get((status, action, accepted))
    if expected is None:
        with pytest.raises(IllegalTransitionError) as raised:
            next_status(status, action, accepted=accepted)
        assert raised.value.status is status
        assert raised.value.action is action
        assert status.value in str(raised.value)
        assert action.value in str(raised.value)
    else:
        assert next_status(status, action, accepted=accepted) is expected


def test_an_illegal_transition_is_a_value_error() -> None:
    """Callers that only catch ValueError (the card's buttons) still see it."""
    with pytest.raises(ValueError, match="cannot resolve a case that is new"):
        next_status(S.NEW, A.RESOLVE, accepted=False)


def test_the_usual_life_of_a_case() -> None:
    status = next_status(S.NEW, A.ASK, accepted=False)
    status = next_status(status, A.CITIZEN_REPLY, accepted=False)
    assert status is S.NEW, "answered before acceptance: awaiting acceptance again"
    status = next_status(status, A.ACCEPT, accepted=False)
    status = next_status(status, A.ASK, accepted=True)
    status = next_status(status, A.CITIZEN_REPLY, accepted=True)
    assert status is S.IN_PROGRESS
    status = next_status(status, A.RESOLVE, accepted=True)
    status = next_status(status, A.RATE, accepted=True)
    status = next_status(status, A.REOPEN, accepted=True)
    assert status is S.REOPENED


# --------------------------------------------------------------------------------------------
# may and sees_identity: every kind of person, by hand.
# --------------------------------------------------------------------------------------------

CITIZEN_ID = 1
OTHER_CITIZEN_ID = 2
ASSIGNEE_ID = 10
COLLEAGUE_ID = 11
OUTSIDER_ID = 12
RECEPTION_HERE_ID = 13
RECEPTION_OFFICE_ID = 14
LEADER_ID = 20
SECOND_LEADER_ID = 21
SUPERVISOR_ID = 22
ADMIN_ID = 23
SUBJECT_OFFICER_ID = 30
CASE_DEPARTMENT = "kinh-te"

ACTORS: dict[str, Actor] = {
    "assignee": Actor(ASSIGNEE_ID, frozenset({Role.OFFICER}), CASE_DEPARTMENT),
    "colleague": Actor(COLLEAGUE_ID, frozenset({Role.OFFICER}), CASE_DEPARTMENT),
    "other_department": Actor(OUTSIDER_ID, frozenset({Role.OFFICER}), "van-phong"),
    "reception_here": Actor(RECEPTION_HERE_ID, frozenset({Role.RECEPTION}), CASE_DEPARTMENT),
    "reception_office": Actor(
        RECEPTION_OFFICE_ID, frozenset({Role.OFFICER, Role.RECEPTION}), "van-phong"
    ),
    "leader": Actor(LEADER_ID, frozenset({Role.LEADER, Role.ADMIN})),
    "second_leader": Actor(SECOND_LEADER_ID, frozenset({Role.LEADER})),
    "supervisor": Actor(SUPERVISOR_ID, frozenset({Role.SUPERVISOR})),
    "admin_only": Actor(ADMIN_ID, frozenset({Role.ADMIN})),
    "citizen": Actor(CITIZEN_ID),
    "other_citizen": Actor(OTHER_CITIZEN_ID),
    "subject_officer": Actor(SUBJECT_OFFICER_ID, frozenset({Role.OFFICER}), CASE_DEPARTMENT),
}
# Who the case is about: nobody, an ordinary officer of the department, or a leader.
SUBJECTS: dict[str, int | None] = {
    "plain": None,
    "conduct_of_officer": SUBJECT_OFFICER_ID,
    "conduct_of_leader": SECOND_LEADER_ID,
}
LEADERS = {"leader", "second_leader"}
IN_DEPARTMENT_QUEUE = {"assignee", "colleague", "reception_here", "subject_officer"}
RECEPTION = {"reception_here", "reception_office"}
CITIZEN_SIDE = {A.CITIZEN_REPLY, A.ADD_INFO, A.RATE}
ASSIGNEE_ONLY = {A.ACCEPT, A.ASK, A.RESOLVE, A.REFUSE, A.COMPLEX, A.EXTEND, A.ANSWER}


def case(kind: Kind, subject: str) -> CaseAccess:
    # The department stays set even for conduct cases, so that the rule keeping restricted cases
    # out of the department queue is what is tested, not an empty department.
    return CaseAccess(
        kind=kind,
        citizen_id=CITIZEN_ID,
        assignee_id=ASSIGNEE_ID,
        department_id=CASE_DEPARTMENT,
        subject_id=SUBJECTS[subject],
    )


def restricted(kind: Kind, subject: str) -> bool:
    return kind is Kind.DENUNCIATION or SUBJECTS[subject] is not None


def is_subject(who: str, subject: str) -> bool:
    return SUBJECTS[subject] is not None and ACTORS[who].person_id == SUBJECTS[subject]


def expected_may(who: str, action: Action, kind: Kind, subject: str) -> bool:
    """The authority table, in the words of the rules."""
    if is_subject(who, subject):
        return False  # the person a case is about never touches it, whatever their rank
    if action is A.RECOMMEND:
        return who == "supervisor"  # the supervisors' own word to the leaders
    if action in CITIZEN_SIDE:
        return who == "citizen"
    if who == "supervisor":
        return False  # they watch; they never act
    if who in LEADERS:
        return True
    if action is A.REOPEN:
        return False
    if action in ASSIGNEE_ONLY:
        return who == "assignee"
    if action is A.REASSIGN:
        # Reception dispatches the cases it may see; a restricted case is not its to move.
        return who == "assignee" or (who in RECEPTION and not restricted(kind, subject))
    if action is A.VIEW:
        return who == "assignee" or (who in IN_DEPARTMENT_QUEUE and not restricted(kind, subject))
    return False


def _may_params() -> list[object]:
    params: list[object] = []
    for who, action, kind, subject in itertools.product(ACTORS, Action, Kind, SUBJECTS):
        params.append(
            pytest.param(
                who,
                action,
                kind,
                subject,
                id=f"{who}-{action.value}-{kind.value}-{subject}",
            )
        )
    return params


@pytest.mark.parametrize(("who", "action", "kind", "subject"), _may_params())
def test_may_follows_the_table(who: str, action: Action, kind: Kind, subject: str) -> None:
    assert may(ACTORS[who], action, case(kind, subject)) is expected_may(who, action, kind, subject)


def test_the_authority_table_is_not_trivial() -> None:
    """Each kind of person is allowed something somewhere, except those who never are."""
    allowed = {
        who
        for who, action, kind, subject in itertools.product(ACTORS, Action, Kind, SUBJECTS)
        if expected_may(who, action, kind, subject)
    }
    assert allowed == set(ACTORS) - {
        "other_department",
        "admin_only",
        "other_citizen",
    }


def test_a_leader_who_is_the_subject_may_not_even_view() -> None:
    about_leader = case(Kind.FEEDBACK, "conduct_of_leader")
    assert not any(may(ACTORS["second_leader"], action, about_leader) for action in Action)
    assert all(
        may(ACTORS["leader"], action, about_leader)
        for action in Action
        if action not in CITIZEN_SIDE | {A.RECOMMEND}
    )


def test_an_assignee_who_is_the_subject_may_do_nothing() -> None:
    """Even if the case somehow sits on the desk of the officer it is about."""
    own = CaseAccess(Kind.FEEDBACK, CITIZEN_ID, ASSIGNEE_ID, CASE_DEPARTMENT, ASSIGNEE_ID)
    assert not any(may(ACTORS["assignee"], action, own) for action in Action)


def test_an_unassigned_case_has_no_assignee_rights() -> None:
    nobody = CaseAccess(Kind.FEEDBACK, CITIZEN_ID, None, CASE_DEPARTMENT)
    for who in ("assignee", "colleague", "other_department"):
        assert not any(may(ACTORS[who], action, nobody) for action in ASSIGNEE_ONLY)
    assert may(ACTORS["reception_office"], A.REASSIGN, nobody)
    assert may(ACTORS["colleague"], A.VIEW, nobody)


def test_a_case_without_department_is_in_no_queue() -> None:
    unqueued = CaseAccess(Kind.FEEDBACK, CITIZEN_ID, ASSIGNEE_ID, None)
    assert not may(ACTORS["colleague"], A.VIEW, unqueued)
    # An officer without a department is not "in" a case without one either.
    loose = Actor(40, frozenset({Role.OFFICER}), None)
    assert not may(loose, A.VIEW, unqueued)


def expected_sees_identity(who: str, kind: Kind, subject: str) -> bool:
    if kind is Kind.DENUNCIATION:
        return who in LEADERS and not is_subject(who, subject)
    return expected_may(who, A.VIEW, kind, subject)


@pytest.mark.parametrize(
    ("who", "kind", "subject"), list(itertools.product(ACTORS, Kind, SUBJECTS))
)
def test_sees_identity_follows_the_table(who: str, kind: Kind, subject: str) -> None:
    assert sees_identity(ACTORS[who], case(kind, subject)) is expected_sees_identity(
        who, kind, subject
    )


def test_a_denouncer_is_hidden_even_from_the_assignee_who_is_no_leader() -> None:
    denunciation = case(Kind.DENUNCIATION, "plain")
    assert may(ACTORS["assignee"], A.VIEW, denunciation)
    assert not sees_identity(ACTORS["assignee"], denunciation)
    assert not sees_identity(ACTORS["citizen"], denunciation)
    assert sees_identity(ACTORS["leader"], denunciation)
    assert not sees_identity(ACTORS["second_leader"], case(Kind.DENUNCIATION, "conduct_of_leader"))


def test_a_supervisor_given_casework_roles_by_mistake_still_acts_on_nothing() -> None:
    """Even as the assignee and an officer of the department, a supervisor only recommends."""
    mixed = Actor(ASSIGNEE_ID, frozenset({Role.SUPERVISOR, Role.OFFICER}), CASE_DEPARTMENT)
    plain = case(Kind.FEEDBACK, "plain")
    assert [action for action in Action if may(mixed, action, plain)] == [A.RECOMMEND]


@pytest.mark.parametrize(("who", "subject"), list(itertools.product(ACTORS, SUBJECTS)))
def test_watching_is_for_supervisors_and_leaders_never_about_themselves(
    who: str, subject: str
) -> None:
    expected = who in LEADERS | {"supervisor"} and not is_subject(who, subject)
    assert watches(ACTORS[who], case(Kind.FEEDBACK, subject)) is expected
