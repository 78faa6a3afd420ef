"""An officer handles a case: accept, ask, resolve, refuse, pass on."""

from __future__ import annotations

from functools import partial

from bot.clock import Clock
from bot.config import Config, deadline_rules, work_calendar
from bot.dialogs.notices import citizen_notice, day, holder_label
from bot.domain.deadlines import due_for_resolution, due_on_acceptance
from bot.domain.people import Officer
from bot.domain.tickets import Ticket
from bot.domain.workflow import Action, applies_to
from bot.services.assignment import assign, holder_of
from bot.services.case_actions import After, Change, act
from bot.services.errors import CaseworkError
from bot.services.notes import clean_note
from bot.services.notifications import tell
from bot.services.officers import actor
from storage.connection import Connection
from storage.database import Database


async def accept(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int
) -> Ticket:
    """Thụ lý: complaints and denunciations now run their resolution period from today."""

    async def after(conn: Connection, ticket: Ticket, key: str) -> None:
        await _citizen_told(clock, "citizen.accepted", due=day(ticket.due_on))(conn, ticket, key)

    def change(ticket: Ticket) -> Change:
        if ticket.accepted:
            # Accepted again after being passed on: the legal period still runs from the first
            # acceptance, so the date the citizen was given stands.
            return Change({}, None, after)
        today = clock.now().astimezone(config.commune.zone).date()
        due = due_on_acceptance(
            ticket.kind, today, ticket.due_on, deadline_rules(config), work_calendar(config)
        )
        return Change({"accepted_at": clock.now(), "due_on": due}, None, after)

    return await act(db, clock, config, actor(officer), ticket_id, Action.ACCEPT, change)


def _citizen_told(clock: Clock, key: str, **values: object) -> After:
    """After the change: tell the citizen, in the words of `key`."""

    async def after(conn: Connection, ticket: Ticket, event_key: str) -> None:
        notice = citizen_notice(ticket, key, **values)
        await tell(conn, clock, ticket.citizen_id, notice, event_key)

    return after


async def ask(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, question: str
) -> Ticket:
    text = clean_note(question)
    told = _citizen_told(clock, "citizen.question", question=text)
    return await act(
        db, clock, config, actor(officer), ticket_id, Action.ASK, lambda _: Change({}, text, told)
    )


async def _close(
    db: Database,
    clock: Clock,
    config: Config,
    officer: Officer,
    ticket_id: int,
    action: Action,
    text: str,
    told: After,
) -> Ticket:
    """Resolve or refuse: the words are the case's result, and the citizen reads them as written."""
    # A new result is rated anew; earlier ratings stay in the history.
    fields = {"result": text, "closed_at": clock.now(), "rating": None, "rating_comment": None}
    return await act(
        db, clock, config, actor(officer), ticket_id, action, lambda _: Change(fields, text, told)
    )


async def resolve(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, result: str
) -> Ticket:
    text = clean_note(result)
    told = _citizen_told(clock, "citizen.resolved", result=text)
    return await _close(db, clock, config, officer, ticket_id, Action.RESOLVE, text, told)


async def answer(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, text: str
) -> Ticket:
    """A citizen's question answered: resolving it with the answer as the result, so the
    citizen rates it, and an unsatisfied rating reopens it, as with any case."""
    words = clean_note(text)
    told = _citizen_told(clock, "citizen.answered", answer=words)
    return await _close(db, clock, config, officer, ticket_id, Action.ANSWER, words, told)


async def refuse(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, reason: str
) -> Ticket:
    text = clean_note(reason)
    told = _citizen_told(clock, "citizen.refused", reason=text)
    return await _close(db, clock, config, officer, ticket_id, Action.REFUSE, text, told)


async def _lengthen(
    db: Database,
    clock: Clock,
    config: Config,
    officer: Officer,
    ticket_id: int,
    action: Action,
    reason: str,
) -> Ticket:
    """A complex complaint or an extended denunciation: a new legal due date, counted from the
    acceptance, recorded with its reason and told to the citizen."""
    text = clean_note(reason)

    def change(ticket: Ticket) -> Change:
        if ticket.accepted_at is None:
            raise CaseworkError("case.not_now")
        accepted = ticket.accepted_at.astimezone(config.commune.zone).date()
        complex_ = ticket.complex or action is Action.COMPLEX
        extensions = ticket.extensions + (action is Action.EXTEND)
        if (action is Action.COMPLEX and ticket.complex) or not applies_to(action, ticket.kind):
            raise CaseworkError("case.not_now")
        try:
            due = due_for_resolution(
                ticket.kind,
                accepted,
                deadline_rules(config),
                work_calendar(config),
                complex=complex_,
                extensions=extensions,
            )
        except ValueError:
            raise CaseworkError("case.no_more_time") from None
        told = _citizen_told(clock, "citizen.new_due", due=day(due), reason=text)
        fields = {"due_on": due, "complex": complex_, "extensions": extensions}
        return Change(fields, text, told)

    return await act(db, clock, config, actor(officer), ticket_id, action, change)


async def mark_complex(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, reason: str
) -> Ticket:
    return await _lengthen(db, clock, config, officer, ticket_id, Action.COMPLEX, reason)


async def extend(
    db: Database, clock: Clock, config: Config, officer: Officer, ticket_id: int, reason: str
) -> Ticket:
    return await _lengthen(db, clock, config, officer, ticket_id, Action.EXTEND, reason)


CONDUCT = "conduct"


async def reassign(
    db: Database,
    clock: Clock,
    config: Config,
    officer: Officer,
    ticket_id: int,
    target: str,
    reason: str,
    *,
    subject_id: int | None = None,
) -> Ticket:
    """Pass the case on, never back to the one passing it.

    `target` is a department, routed again within it, or CONDUCT: the case is about an
    officer's conduct (`subject_id`, if known), so it moves to the conduct category and to the
    leaders, out of that officer's and their department's sight.
    """
    text = clean_note(reason)
    conduct = target == CONDUCT
    if conduct and not config.routing.conduct_category:
        raise CaseworkError("case.unknown_department")
    if not conduct and target not in {d.id for d in config.departments}:
        raise CaseworkError("case.unknown_department")
    fields: dict[str, object] = {"category_id": config.routing.conduct_category} if conduct else {}
    # The case as routing left it: the one passing it on hears where it went, not where it was.
    landed: list[Ticket] = []

    def plan(before: Ticket) -> Change:
        return Change(fields, text, partial(after, (before.category_id, before.subject_id)))

    async def after(
        marked: tuple[str, int | None], conn: Connection, ticket: Ticket, key: str
    ) -> None:
        held = (ticket.assignee_id, await holder_of(conn, ticket))
        moved = await assign(
            conn,
            clock,
            config,
            ticket,
            key=key,
            title_key="card.reassigned",
            department_id=None if conduct else target,
            subject_id=subject_id,
            exclude=frozenset({officer.person_id}),
        )
        unmarked = (moved.category_id, moved.subject_id) == marked
        if unmarked and (moved.assignee_id, await holder_of(conn, moved)) == held:
            # Routed back where it was (the only one who may hold it passed it) and nothing else
            # changed: a move that did not happen must not tell the citizen and the Front again;
            # the transaction undoes it. A case newly marked as about someone's conduct did
            # change, even if it stays with the same holder.
            raise CaseworkError("case.already_there")
        landed.append(moved)
        department = holder_label(await holder_of(conn, moved), config)
        await tell(
            conn,
            clock,
            moved.citizen_id,
            citizen_notice(moved, "citizen.reassigned", department=department),
            key,
        )

    passed = await act(
        db,
        clock,
        config,
        actor(officer),
        ticket_id,
        Action.REASSIGN,
        plan,
    )
    return landed[-1] if landed else passed
