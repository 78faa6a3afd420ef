"""Report figures against a fixture of cases whose numbers are worked out by hand below.

The cases go into the database as storage writes them, with controlled timestamps, so every
date is known; today is Saturday 28/11/2026, 09:30 in the commune (the `clock` fixture).
November 2026: Sunday 1/11; working weeks 2–6, 9–13, 16–20, 23–27/11, with Tuesday 24/11 off
(Ngày Văn hóa Việt Nam), so 19 working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.domain.figures import Period, Timeliness
from bot.domain.tickets import Kind, NewTicket, Status
from bot.services.officers import find_officer, sync_from_config
from bot.services.reporting import build_report
from storage import people, reception, tickets
from storage.database import Database
from tests.support.clock import FixedClock

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
ECONOMY = 100000003


def local(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def nov(day: int) -> date:
    return date(2026, 11, day)


@dataclass(frozen=True)
class Case:
    code: str
    kind: Kind
    received: datetime
    status: Status
    category: str = "moi-truong"
    department: str | None = "kinh-te"
    accepted: date | None = None
    closed: date | None = None
    due: date | None = None
    rating: str | None = None
    name: str | None = None


CASES = (
    # A: accepted after 2 working days, resolved after 6, before its due date; satisfied.
    Case(
        "SN-2026-00101",
        Kind.FEEDBACK,
        local(nov(2)),
        Status.RESOLVED,
        accepted=nov(4),
        closed=nov(10),
        due=nov(16),
        rating="satisfied",
        name="Nguyễn Văn An Dân",
    ),
    # B: accepted after 1, resolved after 11 working days, the day after its due date: late.
    Case(
        "SN-2026-00102",
        Kind.PETITION,
        local(nov(5)),
        Status.RESOLVED,
        accepted=nov(6),
        closed=nov(20),
        due=nov(19),
    ),
    # C: a complaint in progress whose due date (13/11) has passed: overdue.
    Case(
        "SN-2026-00103",
        Kind.COMPLAINT,
        local(nov(2)),
        Status.IN_PROGRESS,
        category="dat-dai",
        accepted=nov(3),
        due=nov(13),
        name="Trần Thị Cúc",
    ),
    # D: reopened after an unsatisfied rating; accepted the day it came; due 30/11, not overdue.
    Case(
        "SN-2026-00104",
        Kind.FEEDBACK,
        local(nov(9)),
        Status.REOPENED,
        category="giao-thong",
        accepted=nov(9),
        due=nov(30),
        rating="unsatisfied",
    ),
    # E: a complaint refused with reasons before its due date: closed on time, never accepted.
    Case(
        "SN-2026-00105",
        Kind.COMPLAINT,
        local(nov(11)),
        Status.REFUSED,
        category="ho-tich",
        department="van-phong",
        closed=nov(13),
        due=nov(23),
        name="Lê Văn Em",
    ),
    # F: a denunciation with the denouncer's name, which no report may show.
    Case(
        "SN-2026-00106",
        Kind.DENUNCIATION,
        local(nov(16)),
        Status.ACCEPTED,
        category="dat-dai",
        department=None,
        accepted=nov(18),
        due=date(2026, 12, 18),
        name="Người Tố Cáo Kín",
    ),
    # G: new, no due date: open, not overdue.
    Case(
        "SN-2026-00107",
        Kind.FEEDBACK,
        local(nov(25)),
        Status.NEW,
        category="khac",
        department="van-phong",
    ),
    # H: no due date, resolved across the 24/11 holiday (20, 23, 25: 3 working days); on time.
    Case(
        "SN-2026-00108",
        Kind.FEEDBACK,
        local(nov(19)),
        Status.RESOLVED,
        accepted=nov(19),
        closed=nov(25),
        rating="satisfied",
    ),
    # I: received ten minutes into 1/11, local time (still 31/10 in UTC); new and overdue.
    Case("SN-2026-00109", Kind.FEEDBACK, local(nov(1), 0, 10), Status.NEW, due=nov(13)),
    # Outside the period by minutes on either side: never counted.
    Case("SN-2026-00099", Kind.FEEDBACK, local(date(2026, 10, 31), 23, 50), Status.NEW),
    Case("SN-2026-00200", Kind.FEEDBACK, local(date(2026, 12, 1), 0, 5), Status.NEW),
)
IN_NOVEMBER = 9


async def put_cases(
    db: Database, config: Config, clock: FixedClock, cases: tuple[Case, ...]
) -> None:
    """The cases as storage writes them; the officer of Phòng Kinh tế handles them."""
    await sync_from_config(db, clock, config, "telegram")
    officer = await find_officer(db, "telegram", str(ECONOMY))
    assert officer is not None
    async with db.transaction() as conn:
        citizen = await people.upsert(conn, "telegram", "8001", "Người dân", clock.now())
        for n, case in enumerate(cases):
            new = NewTicket(
                code=case.code,
                draft_id=f"draft-{n}",
                citizen_id=citizen.id,
                kind=case.kind,
                category_id=case.category,
                department_id=case.department,
                content="Nội dung hồ sơ.",
                latitude=None,
                longitude=None,
                place=None,
                contact_name=case.name,
                contact_phone="0912345678" if case.name else None,
                contact_address=None,
                attachments=(),
                due_on=case.due,
            )
            ticket_id = await tickets.insert(conn, new, Status.NEW, case.received)
            await tickets.update(
                conn,
                ticket_id,
                case.received,
                status=case.status,
                assignee_id=officer.person_id,
                accepted_at=local(case.accepted, 10) if case.accepted else None,
                closed_at=local(case.closed, 16) if case.closed else None,
                rating=case.rating,
            )


async def put_reception(db: Database, clock: FixedClock) -> None:
    """One Thursday session cancelled; bookings standing, cancelled, or for sessions not held."""
    async with db.transaction() as conn:
        cancelled = reception.Change("chu-tich:2026-11-12", "cancelled", *([None] * 6))
        await reception.record_change(conn, cancelled, "Họp đột xuất", 1, clock.now())
        ids = [
            (await people.upsert(conn, "telegram", f"90{n}", "Dân", clock.now())).id
            for n in range(4)
        ]
        for key, person in (
            ("chu-tich:2026-11-19", ids[0]),
            ("chu-tich:2026-11-19", ids[1]),
            ("thuong-xuyen:2026-11-20", ids[2]),
            ("chu-tich:2026-11-26", ids[3]),  # cancelled below
            ("chu-tich:2026-11-12", ids[0]),  # the session was cancelled
            ("chu-tich:2026-12-03", ids[1]),  # not held yet
        ):
            await reception.book(conn, key, person, "Hỏi về đất", clock.now())
        await conn.execute(
            "UPDATE reception_bookings SET cancelled_at = ? WHERE person_id = ? "
            "AND session_key = 'chu-tich:2026-11-26'",
            (clock.now().isoformat(), ids[3]),
        )


async def test_november_figures_match_the_hand_count(
    db: Database, config: Config, clock: FixedClock
) -> None:
    await put_cases(db, config, clock, CASES)
    await put_reception(db, clock)

    report = await build_report(db, config, clock, NOVEMBER)
    f = report.figures

    assert report.as_of == date(2026, 11, 28)
    assert [c.code for c in report.cases] == [
        "SN-2026-00109", "SN-2026-00101", "SN-2026-00103", "SN-2026-00102", "SN-2026-00104",
        "SN-2026-00105", "SN-2026-00106", "SN-2026-00108", "SN-2026-00107",
    ]  # fmt: skip
    assert f.received == IN_NOVEMBER
    assert f.by_kind == {
        Kind.FEEDBACK: 5,
        Kind.PETITION: 1,
        Kind.COMPLAINT: 2,
        Kind.DENUNCIATION: 1,
    }
    assert f.by_category == {
        "moi-truong": 4,
        "dat-dai": 2,
        "giao-thong": 1,
        "ho-tich": 1,
        "khac": 1,
    }
    assert f.by_department == {"kinh-te": 6, "van-phong": 2, None: 1}
    assert {s: n for s, n in f.by_status.items() if n} == {
        Status.RESOLVED: 3,  # A, B, H
        Status.IN_PROGRESS: 1,  # C
        Status.REOPENED: 1,  # D
        Status.REFUSED: 1,  # E
        Status.ACCEPTED: 1,  # F
        Status.NEW: 2,  # G, I
    }
    assert (f.closed, f.on_time, f.late) == (4, 3, 1)  # A, E, H on time; B late
    assert f.on_time_rate == 0.75
    assert (f.open, f.overdue) == (5, 2)  # C and I are past 13/11
    # To accept: A 2, B 1, C 1, D 0, F 2, H 0 → sorted 0 0 1 1 2 2: median the 3rd, P90 the 6th.
    assert (f.to_accept.count, f.to_accept.median, f.to_accept.p90) == (6, 1, 2)
    # To resolve: A 6, B 11, H 3 → 3 6 11: median the 2nd, P90 the 3rd.
    assert (f.to_resolve.count, f.to_resolve.median, f.to_resolve.p90) == (3, 6, 11)
    assert (f.rated, f.satisfied) == (3, 2)  # A, H satisfied; D unsatisfied (and reopened)
    # 19 afternoon sessions + Thursdays 5, 12, 19, 26 = 23, less the cancelled 12/11.
    assert f.sessions_held == 22
    assert f.bookings == 3

    timeliness = {c.code: c.timeliness for c in report.cases}
    assert timeliness["SN-2026-00102"] is Timeliness.LATE
    assert timeliness["SN-2026-00108"] is Timeliness.ON_TIME
    assert timeliness["SN-2026-00103"] is None
    officers = {c.officer for c in report.cases}
    assert officers == {"Lê Văn Cường"}


async def test_weeks_stack_to_the_cases_received(
    db: Database, config: Config, clock: FixedClock
) -> None:
    await put_cases(db, config, clock, CASES)
    report = await build_report(db, config, clock, NOVEMBER)
    mondays = [w.monday for w in report.weeks]
    assert mondays == [date(2026, 10, 26), nov(2), nov(9), nov(16), nov(23), nov(30)]
    assert sum(sum(w.by_group.values()) for w in report.weeks) == IN_NOVEMBER
    first_full = report.weeks[1]  # A and B resolved (one late), C in progress
    assert (first_full.closed, first_full.on_time, first_full.on_time_rate) == (2, 1, 0.5)
    assert report.weeks[-1].on_time_rate is None


async def test_a_session_today_counts_only_once_it_has_ended(db: Database, config: Config) -> None:
    thursday_morning = FixedClock(datetime(2026, 11, 26, 3, 0, tzinfo=ZoneInfo("UTC")))  # 10:00
    report = await build_report(db, config, thursday_morning, Period(nov(26), nov(26)))
    assert report.figures.sessions_held == 0  # the chairman's 07:30–11:00 is still on
    thursday_evening = FixedClock(datetime(2026, 11, 26, 11, 0, tzinfo=ZoneInfo("UTC")))
    report = await build_report(db, config, thursday_evening, Period(nov(26), nov(26)))
    assert report.figures.sessions_held == 2  # and the afternoon's 14:00–16:30


async def test_an_empty_period_has_zeros(db: Database, config: Config, clock: FixedClock) -> None:
    await put_cases(db, config, clock, CASES)
    report = await build_report(db, config, clock, Period(date(2026, 2, 16), date(2026, 2, 20)))
    f = report.figures
    assert report.cases == ()
    assert (f.received, f.closed, f.open, f.overdue, f.rated) == (0, 0, 0, 0, 0)
    assert f.on_time_rate is None
    assert f.to_resolve.median is None
    # 16–20/2/2026 is the Tết holiday: no session was held either.
    assert f.sessions_held == 0
