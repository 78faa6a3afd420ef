"""Who gets a new or passed-on case: the routing rules of the commune, as a pure function.

The rules live here, apart from storage and chat, so that the one decision a citizen cannot see
but depends on most (whose desk the case lands on) can be read in one place and tested by hand.
The caller gathers the active officers and their load; this module only chooses.

Order of the rules:
1. Conduct of an officer (the conduct category, or a named subject) goes to a leader, never to
   the officer concerned nor to their colleagues, because a complaint about someone must not be
   handled by them or by the people who work beside them. Every leader is told. If the officer
   concerned is a leader, the chairman takes it (another leader if it is about the chairman) and
   the supervisors (Fatherland Front, People's Inspection Board) are told instead. If no other
   leader is there, the triage department (the Office) holds it, in its queue but sealed from
   the leader concerned: a denunciation about a commune's chairman or vice chairman is for the
   chairman of the level above (Luật Tố cáo 2018), so the holder's job is to forward it.
2. A kind with its own role (a complaint to reception, a denunciation to a leader) goes to that
   role, whatever the department, because the law gives those kinds their own procedure.
3. Anything else goes to the officers of the category's department.
4. When nobody fits, the triage department (the Office) takes it, so no case is left without a desk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from bot.domain.people import Officer, Role
from bot.domain.tickets import Kind

DEFAULT_KIND_ROLES: Mapping[Kind, Role] = MappingProxyType(
    {Kind.COMPLAINT: Role.RECEPTION, Kind.DENUNCIATION: Role.LEADER}
)
DEFAULT_TRIAGE_DEPARTMENT = "van-phong"
TRIAGE_ROLES = frozenset({Role.OFFICER, Role.RECEPTION})


@dataclass(frozen=True, slots=True)
class Candidate:
    """An active officer as routing sees them: where they sit, what they may do, how busy."""

    person_id: int
    department_id: str | None
    roles: frozenset[Role]
    open_cases: int
    last_assigned_at: datetime | None  # None = never assigned: counts as longest ago


@dataclass(frozen=True, slots=True)
class RoutingRules:
    """The commune's routing choices, built from config by `bot.config.routing_rules`."""

    kind_roles: Mapping[Kind, Role] = field(default_factory=lambda: DEFAULT_KIND_ROLES)
    triage_department: str = DEFAULT_TRIAGE_DEPARTMENT
    conduct_category: str | None = None  # category id of "Thái độ, tác phong cán bộ"
    chairman_id: int | None = None  # person id of the chairman (a leader), if configured


@dataclass(frozen=True, slots=True)
class Route:
    """Where a case goes: its queue, its officer, and who must also be told."""

    department_id: str | None  # None for conduct cases: no department queue may see them
    assignee_id: int | None  # None = nobody could be found
    notify: frozenset[int]  # people who must also be told (may include the assignee)
    reason: str  # "category", "kind", "triage", "conduct" or "leader-conduct"


def pick(pool: Iterable[Candidate]) -> Candidate | None:
    """The least busy officer of a pool, or None for an empty pool.

    Fewest open cases first, so work is shared; then whoever was given a case longest ago (never
    counts as longest), so a quiet officer is not skipped forever; then the lowest person id, so
    the same situation always gives the same answer and tests and audits can reproduce it.
    """

    def load(candidate: Candidate) -> tuple[int, bool, datetime | None, int]:
        last = candidate.last_assigned_at
        return (candidate.open_cases, last is not None, last, candidate.person_id)

    return min(pool, key=load, default=None)


def _with_role(candidates: Iterable[Candidate], roles: frozenset[Role]) -> list[Candidate]:
    return [c for c in candidates if c.roles & roles]


def _conduct(
    rules: RoutingRules,
    candidates: Sequence[Candidate],
    subject_id: int | None,
    exclude: frozenset[int],
) -> Route:
    """A case about an officer's conduct: leaders only, away from the officer and their department.

    Every leader is told, so that no single person can quietly sit on it. When the officer
    concerned is a leader, a fellow leader would judge a colleague: the chairman, answerable for
    the committee, takes it, and the supervisors (who oversee the committee) are told.
    """
    subject = next((c for c in candidates if c.person_id == subject_id), None)
    subject_department = subject.department_id if subject is not None else None
    subject_leads = subject_id is not None and (
        subject_id == rules.chairman_id or (subject is not None and Role.LEADER in subject.roles)
    )
    leaders = [
        c for c in _with_role(candidates, frozenset({Role.LEADER})) if c.person_id != subject_id
    ]
    # Leaders outside the subject's department; the one who passed the case on keeps it only
    # when none of the others can take it, so it never lands on nobody's desk.
    apart = [
        c for c in leaders if subject_department is None or c.department_id != subject_department
    ]
    eligible = [c for c in apart if c.person_id not in exclude]
    if not subject_leads:
        chosen = pick(eligible) or pick(apart)
        return Route(
            department_id=None,
            assignee_id=chosen.person_id if chosen else None,
            notify=frozenset(c.person_id for c in leaders),
            reason="conduct",
        )
    chairman_id = rules.chairman_id if rules.chairman_id != subject_id else None

    def prefer_chairman(pool: list[Candidate]) -> Candidate | None:
        return next((c for c in pool if c.person_id == chairman_id), None) or pick(pool)

    chosen = prefer_chairman(eligible) or prefer_chairman(apart)
    supervisors = {
        c.person_id
        for c in _with_role(candidates, frozenset({Role.SUPERVISOR}))
        if c.person_id != subject_id
    }
    notify = frozenset(supervisors | ({chairman_id} if chairman_id is not None else set()))
    if chosen is not None:
        return Route(None, chosen.person_id, notify, "leader-conduct")
    return Route(
        rules.triage_department,
        _office_holder(rules, candidates, subject_id, exclude),
        notify,
        "leader-conduct",
    )


def _office_holder(
    rules: RoutingRules,
    candidates: Sequence[Candidate],
    subject_id: int | None,
    exclude: frozenset[int],
) -> int | None:
    """Who in the Office holds a case about the only leader. The one who passed it on keeps it
    if nobody else is there: a case must have a desk, and theirs is the Office's."""
    office = [
        c
        for c in _with_role(candidates, TRIAGE_ROLES)
        if c.department_id == rules.triage_department and c.person_id != subject_id
    ]
    chosen = pick(c for c in office if c.person_id not in exclude) or pick(office)
    return chosen.person_id if chosen else None


def sent_up(subject_id: int | None, department_id: str | None) -> bool:
    """A case about an officer's conduct that sits in a department's queue: only one about the
    only leader does (see `_conduct`), and it is for the level above to resolve."""
    return subject_id is not None and department_id is not None


def route(
    kind: Kind,
    category_department: str,
    category_id: str,
    rules: RoutingRules,
    candidates: Sequence[Candidate],
    *,
    subject_id: int | None = None,
    exclude: frozenset[int] = frozenset(),
    department_only: bool = False,
) -> Route:
    """Choose the queue and the officer for a case; see the module's docstring for the rules.

    `exclude` removes people from every choice (the officer who passed the case on must not get it
    back); it does not stop a leader from being told.

    `department_only` is for a case deliberately sent to `category_department` (passed on, or
    reopened where it was): the kind's own role is skipped, and the case stays in that queue even
    when a triage officer has to take it, so the department's officers find it there (the
    citizen is told who holds it: `holder`). The conduct rule still comes first, always.
    """
    conduct = rules.conduct_category is not None and category_id == rules.conduct_category
    if conduct or subject_id is not None:
        return _conduct(rules, candidates, subject_id, exclude)
    available = [c for c in candidates if c.person_id not in exclude]
    role = None if department_only else rules.kind_roles.get(kind)
    if role is not None:
        chosen = pick(_with_role(available, frozenset({role})))
        if chosen is not None:
            return Route(category_department, chosen.person_id, frozenset(), "kind")
    department = [c for c in available if c.department_id == category_department]
    chosen = pick(_with_role(department, frozenset({Role.OFFICER})))
    if chosen is not None:
        return Route(category_department, chosen.person_id, frozenset(), "category")
    triage = [c for c in available if c.department_id == rules.triage_department]
    chosen = pick(_with_role(triage, TRIAGE_ROLES))
    return Route(
        category_department if department_only else rules.triage_department,
        chosen.person_id if chosen else None,
        frozenset(),
        "triage",
    )


def holder(department_id: str | None, assignee: Officer | None) -> str | None:
    """The department a citizen is told holds their case; None for the commune's leaders.

    The case's queue is not always where it sits: a complaint keeps its category's queue while
    the reception officer of the Office holds it, and a case about an officer's conduct is in no
    queue at all. The citizen is told whose desk it is on: the holder's department, the leaders
    when a leader without a department holds it, and the queue while nobody does.
    """
    if assignee is not None and assignee.department_id is not None:
        return assignee.department_id
    if assignee is not None and assignee.has(Role.LEADER):
        return None
    return department_id
