"""How a case moves: which action leads from which status to which, and who may act.

Every change of a case goes through `next_status` and `may`, so an illegal step or a forged
button is refused in one place, whichever channel or screen it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.people import Role
from bot.domain.tickets import Kind, Status, Ticket


class Action(StrEnum):
    ACCEPT = "accept"  # thụ lý: the commune formally takes the case on
    ASK = "ask"  # ask the citizen for more information
    CITIZEN_REPLY = "citizen_reply"  # the citizen answers that question
    # the citizen's data was erased at their request: the question asked can have no answer
    NO_ANSWER = "no_answer"
    ADD_INFO = "add_info"  # the citizen adds something unasked
    REASSIGN = "reassign"  # pass it to another department or officer
    RESOLVE = "resolve"
    # a citizen's question answered: it needs no acceptance (thụ lý), so any open status goes
    # straight to resolved, the answer being the result the citizen rates
    ANSWER = "answer"
    REFUSE = "refuse"  # không thụ lý, with a reason
    RATE = "rate"  # the citizen says whether they are satisfied
    REOPEN = "reopen"  # unsatisfied citizen, or a leader's decision
    COMPLEX = "complex"  # a complaint declared complex: the longer legal period applies
    EXTEND = "extend"  # a denunciation's period extended (at most twice), with a reason
    VIEW = "view"
    # kiến nghị giám sát: the Fatherland Front's or the People's Inspection Board's
    # recommendation to the leaders; recorded in the history, it changes nothing in the case.
    RECOMMEND = "recommend"


AWAITING_ACCEPTANCE = frozenset({Status.NEW, Status.REASSIGNED, Status.REOPENED})
WORKING = frozenset({Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING_CITIZEN})
OPEN = AWAITING_ACCEPTANCE | WORKING
CLOSED = frozenset({Status.RESOLVED, Status.REFUSED})
# Only a case never accepted can be refused; these statuses show acceptance by themselves.
REFUSABLE = OPEN - {Status.ACCEPTED, Status.IN_PROGRESS}
OFFICER_ACTIONS = frozenset(
    {
        Action.ACCEPT,
        Action.ASK,
        Action.RESOLVE,
        Action.REFUSE,
        Action.COMPLEX,
        Action.EXTEND,
        Action.ANSWER,
    }
)
# Actions the law gives to one kind only; a question is answered, the other kinds resolved.
KIND_ONLY = {
    Action.COMPLEX: Kind.COMPLAINT,
    Action.EXTEND: Kind.DENUNCIATION,
    Action.ANSWER: Kind.QUESTION,
}
# A case's legal steps, which a question does not take: accepting it means nothing, and its
# answer is given by Action.ANSWER.
NOT_FOR_QUESTIONS = frozenset({Action.ACCEPT, Action.RESOLVE})


def applies_to(action: Action, kind: Kind) -> bool:
    if kind is Kind.QUESTION and action in NOT_FOR_QUESTIONS:
        return False
    return KIND_ONLY.get(action, kind) is kind


CITIZEN_ACTIONS = frozenset({Action.CITIZEN_REPLY, Action.ADD_INFO, Action.RATE})
# Who watches the committee's casework (in its redacted form): the supervisors, and the leaders.
WATCHERS = frozenset({Role.SUPERVISOR, Role.LEADER})


class IllegalTransitionError(ValueError):
    def __init__(self, status: Status, action: Action) -> None:
        super().__init__(f"cannot {action.value} a case that is {status.value}")
        self.status = status
        self.action = action


def next_status(status: Status, action: Action, *, accepted: bool) -> Status:
    """The status after `action`, or IllegalTransitionError.

    `accepted` says whether the case was ever formally accepted: a question asked before
    acceptance, once answered, leaves the case awaiting acceptance again, and only a case not
    yet accepted can be refused.
    """
    if action is Action.ACCEPT and status in AWAITING_ACCEPTANCE:
        return Status.ACCEPTED
    if action is Action.ASK and status in OPEN - {Status.WAITING_CITIZEN}:
        return Status.WAITING_CITIZEN
    if action in (Action.CITIZEN_REPLY, Action.NO_ANSWER) and status is Status.WAITING_CITIZEN:
        return Status.IN_PROGRESS if accepted else Status.NEW
    if action is Action.ADD_INFO and status in OPEN:
        return status
    if action is Action.REASSIGN and status in OPEN:
        return Status.REASSIGNED
    if action is Action.RESOLVE and status in WORKING and accepted:
        return Status.RESOLVED
    if action is Action.ANSWER and status in OPEN:
        return Status.RESOLVED
    if (
        action is Action.REFUSE
        and status in OPEN - {Status.ACCEPTED, Status.IN_PROGRESS}
        and not accepted
    ):
        return Status.REFUSED
    if action is Action.RATE and status is Status.RESOLVED:
        return Status.RESOLVED
    if action is Action.REOPEN and status in CLOSED:
        return Status.REOPENED
    if action in (Action.COMPLEX, Action.EXTEND) and status in WORKING and accepted:
        return status
    raise IllegalTransitionError(status, action)


@dataclass(frozen=True, slots=True)
class Actor:
    person_id: int
    roles: frozenset[Role] = frozenset()
    department_id: str | None = None

    @property
    def is_leader(self) -> bool:
        return Role.LEADER in self.roles


@dataclass(frozen=True, slots=True)
class CaseAccess:
    """What authorization needs to know about a case."""

    kind: Kind
    citizen_id: int
    assignee_id: int | None
    department_id: str | None
    subject_id: int | None = None  # the officer whose conduct the case is about


def restricted(case: CaseAccess) -> bool:
    """A denunciation or a case about an officer's conduct: who wrote it, whom it accuses and
    what it says stay with the leaders who resolve it."""
    return case.kind is Kind.DENUNCIATION or case.subject_id is not None


def may(actor: Actor, action: Action, case: CaseAccess) -> bool:
    """Whether this person may do this to this case; checked again on every press."""
    if actor.person_id == case.subject_id:
        return False
    if action is Action.RECOMMEND:
        return Role.SUPERVISOR in actor.roles
    if action in CITIZEN_ACTIONS:
        return actor.person_id == case.citizen_id
    if Role.SUPERVISOR in actor.roles and not actor.is_leader:
        # Those who watch the committee never act on its cases, whatever else they were given.
        return False
    if actor.is_leader:
        return True
    if action is Action.REOPEN:
        return False
    is_assignee = case.assignee_id is not None and actor.person_id == case.assignee_id
    if action in OFFICER_ACTIONS:
        return is_assignee
    if action is Action.REASSIGN:
        # Reception triages, but never takes a denunciation or a conduct case off a leader's desk.
        return is_assignee or (Role.RECEPTION in actor.roles and not restricted(case))
    if action is Action.VIEW:
        in_queue = (
            case.department_id is not None
            and actor.department_id == case.department_id
            and bool(actor.roles & {Role.OFFICER, Role.RECEPTION})
        )
        return is_assignee or (in_queue and not restricted(case))
    return False


def sees_identity(actor: Actor, case: CaseAccess) -> bool:
    """A denouncer's identity is for the leaders who resolve it, never anyone else."""
    if case.kind is Kind.DENUNCIATION:
        return actor.is_leader and actor.person_id != case.subject_id
    return may(actor, Action.VIEW, case)


def watches(actor: Actor, case: CaseAccess) -> bool:
    """Supervisors (and leaders) may look at any case in its redacted supervision form, never
    at one about themselves."""
    return bool(actor.roles & WATCHERS) and actor.person_id != case.subject_id


def access(ticket: Ticket) -> CaseAccess:
    """What the rules need to know about a case to say who may act on it."""
    return CaseAccess(
        kind=ticket.kind,
        citizen_id=ticket.citizen_id,
        assignee_id=ticket.assignee_id,
        department_id=ticket.department_id,
        subject_id=ticket.subject_id,
    )
