"""Supervision on a real SQLite file: which cases are watched, what a recommendation writes and
whom it reaches, and who is refused.

Officers come from config.example.toml (see test_casework_service), with a vice chairman added:
two leaders, so that "every leader" means more than one.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest

from bot.config import Config
from bot.domain.people import Role
from bot.domain.supervision import Watched
from bot.domain.tickets import Status, Ticket
from bot.services import supervision
from bot.services.errors import CaseworkError
from storage import tickets
from storage.database import Database
from tests.services.factories import feedback, fetch
from tests.services.test_casework_service import (
    CHAIRMAN,
    ECONOMY,
    OFFICE,
    SUPERVISOR,
    VICE,
    World,
    accept,
    by_recipient,
    denunciation,
    file,
    last_outbox_id,
    outbox_rows,
    rate,
    reassign,
    refused_without_a_trace,
    resolve,
    snapshot,
    step,
    vice_chairman,
    with_officers,
    world,
)
from tests.support.clock import FixedClock

TODAY = date(2026, 11, 28)  # the FixedClock's local date


async def _world(db: Database, clock: FixedClock, config: Config) -> World:
    return await world(db, clock, with_officers(config, vice_chairman()))


async def due(w: World, ticket: Ticket, on: date) -> None:
    async with w.db.transaction() as conn:
        await tickets.update(conn, ticket.id, w.clock.now(), due_on=on)


async def reopened(w: World, draft_id: str) -> Ticket:
    ticket = await file(w, feedback(draft_id))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    await step(w, ticket.id, resolve(w, ECONOMY, ticket.id, "Đã sửa xong."))
    return (await step(w, ticket.id, rate(w, ticket.id, False))).ticket


def codes(found: list[Watched]) -> list[str]:
    return [w.ticket.code for w in found]


async def test_overdue_means_due_before_today(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    yesterday, today, older = [await file(w, feedback(f"d{n}")) for n in range(3)]
    await due(w, yesterday, TODAY - timedelta(days=1))
    await due(w, today, TODAY)
    await due(w, older, TODAY - timedelta(days=5))
    closed = await file(w, feedback("closed"))
    await step(w, closed.id, accept(w, ECONOMY, closed.id))
    await step(w, closed.id, resolve(w, ECONOMY, closed.id, "Xong."))
    await due(w, closed, TODAY - timedelta(days=9))

    found = await supervision.watchlist(db, clock, w.config, w.officer(SUPERVISOR))
    assert found.today == TODAY
    assert codes(found.overdue) == [older.code, yesterday.code], "longest overdue first"
    assert found.reopened == []


async def test_the_local_date_decides_not_utc(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """At 23:30 UTC on 30/11 it is already 1 December in Vietnam."""
    w = await _world(db, clock, config)
    ticket = await file(w, feedback("late"))
    await due(w, ticket, date(2026, 11, 30))
    clock.current = clock.current.replace(day=30, hour=23, minute=30)
    found = await supervision.watchlist(db, clock, w.config, w.officer(SUPERVISOR))
    assert found.today == date(2026, 12, 1)
    assert codes(found.overdue) == [ticket.code]


async def test_reopened_cases_are_listed_once(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    on_time = await reopened(w, "on-time")
    late = await reopened(w, "late")
    await due(w, late, TODAY - timedelta(days=2))
    found = await supervision.watchlist(db, clock, w.config, w.officer(SUPERVISOR))
    assert codes(found.overdue) == [late.code]
    assert codes(found.reopened) == [on_time.code]
    assert [x.reopened for x in (*found.overdue, *found.reopened)] == [1, 1]
    # Accepted again, still open: still listed as reopened.
    await step(w, on_time.id, accept(w, ECONOMY, on_time.id))
    again = await supervision.watchlist(db, clock, w.config, w.officer(SUPERVISOR))
    assert codes(again.reopened) == [on_time.code]


async def test_restricted_cases_are_flagged_and_the_citizens_names_kept_for_masking(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    secret = await file(w, denunciation("secret"))
    plain = await file(w, feedback("plain"))
    conduct = await file(w, feedback("conduct"))
    await step(w, conduct.id, reassign(w, ECONOMY, conduct.id, "conduct", "Về thái độ cán bộ."))
    for ticket in (secret, plain, conduct):
        await due(w, ticket, TODAY - timedelta(days=1))
    found = await supervision.watchlist(db, clock, w.config, w.officer(SUPERVISOR))
    flags = {x.ticket.code: x.restricted for x in found.overdue}
    assert flags == {secret.code: True, plain.code: False, conduct.code: True}
    [secret_seen] = [x for x in found.overdue if x.ticket.code == secret.code]
    # Sealed: nobody's name is known to mask, and a restricted case shows no content anyway.
    assert set(secret_seen.personal) == set()
    [conduct_seen] = [x for x in found.overdue if x.ticket.code == conduct.code]
    assert "Người dân" in conduct_seen.personal


async def test_nobody_watches_a_case_about_themselves(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    ticket = await file(w, feedback("about-supervisor"))
    subject = w.officer(SUPERVISOR).person_id
    await step(
        w, ticket.id, reassign(w, ECONOMY, ticket.id, "conduct", "Về thái độ.", subject=subject)
    )
    await due(w, ticket, TODAY - timedelta(days=1))
    supervisor = w.officer(SUPERVISOR)
    assert (await supervision.watchlist(db, clock, w.config, supervisor)).overdue == []
    with pytest.raises(CaseworkError, match=r"case\.not_found"):
        await supervision.watched_case(db, w.config, supervisor, ticket.code)
    await refused_without_a_trace(
        w,
        lambda: supervision.recommend(db, clock, supervisor, ticket.id, "Đề nghị."),
        "case.not_allowed",
    )
    # The chairman still watches it.
    leader = await supervision.watchlist(db, clock, w.config, w.officer(CHAIRMAN))
    assert codes(leader.overdue) == [ticket.code]


async def test_only_supervisors_and_leaders_watch(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    ticket = await file(w, feedback("plain"))
    for who in (OFFICE, ECONOMY):
        with pytest.raises(CaseworkError, match=r"supervision\.only"):
            await supervision.watchlist(db, clock, w.config, w.officer(who))
        with pytest.raises(CaseworkError, match=r"supervision\.only"):
            await supervision.watched_by_id(db, w.config, w.officer(who), ticket.id)
    seen = await supervision.watched_by_id(db, w.config, w.officer(VICE), ticket.id)
    assert seen.case.ticket.code == ticket.code


async def test_the_history_names_only_the_officers_who_acted(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    ticket = await reopened(w, "history")
    seen = await supervision.watched_case(db, w.config, w.officer(SUPERVISOR), ticket.code)
    assert seen.names == {w.officer(ECONOMY).person_id: "Lê Văn Cường"}
    assert w.person.id not in seen.names
    assert [e.action for e in seen.history] == [
        "submitted",
        "accept",
        "resolve",
        "rate",
        "reopen",
    ]
    assert seen.case.reopened == 1


async def test_a_recommendation_is_recorded_and_reaches_every_leader(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    ticket = await file(w, feedback("plain"))
    await step(w, ticket.id, accept(w, ECONOMY, ticket.id))
    clock.advance(timedelta(minutes=5))
    before_row = dict((await fetch(db, "SELECT * FROM tickets WHERE id = ?", (ticket.id,)))[0])
    seen_outbox = await last_outbox_id(db)
    supervisor = w.officer(SUPERVISOR)

    await supervision.recommend(db, clock, supervisor, ticket.id, "  Đề nghị trả lời sớm.  ")

    after_row = dict((await fetch(db, "SELECT * FROM tickets WHERE id = ?", (ticket.id,)))[0])
    assert after_row == before_row, "the case itself is untouched"
    [recorded] = await fetch(
        db,
        "SELECT actor_id, from_status, to_status, note, at FROM ticket_events "
        "WHERE action = 'recommend'",
    )
    assert tuple(recorded) == (
        supervisor.person_id,
        Status.ACCEPTED.value,
        Status.ACCEPTED.value,
        "Đề nghị trả lời sớm.",
        clock.now().isoformat(timespec="microseconds"),
    )
    told = by_recipient(await outbox_rows(db, seen_outbox))
    assert set(told) == {CHAIRMAN, VICE}
    for texts in told.values():
        [text] = texts
        assert ticket.code in text
        assert "Phạm Thị Dung (Chủ tịch UBMTTQ xã)" in text
        assert "«Đề nghị trả lời sớm.»" in text


async def test_a_leader_a_case_is_about_is_not_told(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    ticket = await file(w, feedback("about-vice"))
    vice = w.officer(VICE).person_id
    await step(w, ticket.id, reassign(w, ECONOMY, ticket.id, "conduct", "Về thái độ.", vice))
    seen_outbox = await last_outbox_id(db)
    await supervision.recommend(db, clock, w.officer(SUPERVISOR), ticket.id, "Đề nghị xem xét.")
    assert set(by_recipient(await outbox_rows(db, seen_outbox))) == {CHAIRMAN}


async def test_recommending_is_the_supervisors_alone(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await _world(db, clock, config)
    ticket = await file(w, feedback("plain"))
    for who in (CHAIRMAN, ECONOMY, OFFICE):
        officer = w.officer(who)
        assert not officer.has(Role.SUPERVISOR)
        await refused_without_a_trace(
            w,
            partial(supervision.recommend, db, clock, officer, ticket.id, "Đề nghị."),
            "case.not_allowed",
        )
    await refused_without_a_trace(
        w,
        lambda: supervision.recommend(db, clock, w.officer(SUPERVISOR), 999, "Đề nghị."),
        "case.not_allowed",
    )
    await refused_without_a_trace(
        w,
        lambda: supervision.recommend(db, clock, w.officer(SUPERVISOR), ticket.id, "   "),
        "case.empty_text",
    )
    before = await snapshot(db)
    await supervision.recommend(db, clock, w.officer(SUPERVISOR), ticket.id, "Đề nghị.")
    assert len((await snapshot(db)).events) == len(before.events) + 1
