"""Filing a case on a real SQLite file: fields, code, audit record, idempotency, concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Config
from bot.domain.draft import Draft, Photo
from bot.domain.tickets import Attachment, Kind, Status
from bot.services.assignment import holder_now
from bot.services.intake import IncompleteDraftError, file_draft, submit_case
from bot.services.officers import sync_from_config
from storage import events
from storage.database import Database
from tests.services.factories import citizen, complaint, feedback, fetch
from tests.support.clock import FixedClock


async def test_a_complete_complaint_is_stored_with_every_field(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "7001", "Trần Văn Hùng")
    clock.advance(timedelta(minutes=5))
    draft = complaint("draft-complaint-1")

    ticket = await submit_case(db, clock, config, person, draft)

    assert ticket.code == "SN-2026-00001"
    assert ticket.kind is Kind.COMPLAINT
    assert ticket.category_id == "dat-dai"
    assert ticket.status is Status.NEW
    assert ticket.content == draft.content
    assert ticket.created_at == clock.now()
    assert (ticket.latitude, ticket.longitude, ticket.place) == (
        20.1234,
        105.9876,
        "Ngõ 5, thôn Đoài",
    )
    assert (ticket.contact_name, ticket.contact_phone, ticket.contact_address) == (
        "Trần Văn Hùng",
        "0912345678",
        "Số 12, thôn Đoài, xã Sơn Ninh",
    )
    assert ticket.attachments == (
        Attachment("photo", "file-a", "uniq-a"),
        Attachment("photo", "file-b", "uniq-b"),
        Attachment("photo", "file-c", "uniq-c"),
    )

    [row] = await fetch(db, "SELECT * FROM tickets")
    stored = dict(row)
    # Later migrations add columns for case work; the columns filing writes are checked here.
    expected = {
        "id": ticket.id,
        "code": "SN-2026-00001",
        "draft_id": "draft-complaint-1",
        "citizen_id": person.id,
        "kind": "complaint",
        "category_id": "dat-dai",
        "department_id": "van-phong",  # no officers yet: the Office triages
        "status": "new",
        "content": draft.content,
        "latitude": 20.1234,
        "longitude": 105.9876,
        "place": "Ngõ 5, thôn Đoài",
        "contact_name": "Trần Văn Hùng",
        "contact_phone": "0912345678",
        "contact_address": "Số 12, thôn Đoài, xã Sơn Ninh",
        "created_at": "2026-11-28T02:35:00.000000+00:00",
        "updated_at": "2026-11-28T02:35:00.000000+00:00",
    }
    assert {column: stored[column] for column in expected} == expected
    attachments = await fetch(
        db, "SELECT ticket_id, position, kind, file_id, file_unique_id FROM attachments ORDER BY id"
    )
    assert [tuple(a) for a in attachments] == [
        (ticket.id, 1, "photo", "file-a", "uniq-a"),
        (ticket.id, 2, "photo", "file-b", "uniq-b"),
        (ticket.id, 3, "photo", "file-c", "uniq-c"),
    ]


async def test_submission_writes_one_audit_event_by_the_citizen(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "7002")
    ticket = await submit_case(db, clock, config, person, feedback("draft-audit"))

    [event] = await events.for_ticket(db.reader, ticket.id)
    assert event.action == "submitted"
    assert event.from_status is None
    assert event.to_status is Status.NEW
    assert event.actor_id == person.id
    assert event.at == clock.now()
    assert event.note is None
    rows = await fetch(db, "SELECT ticket_id, actor_id, action FROM ticket_events")
    assert [tuple(r) for r in rows] == [(ticket.id, person.id, "submitted")]


async def test_department_follows_the_category_where_someone_works(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, "telegram")
    person = await citizen(db, clock, "7003")
    for category in config.categories:
        await submit_case(
            db, clock, config, person, feedback(f"draft-{category.id}", category_id=category.id)
        )
    rows = await fetch(db, "SELECT category_id, department_id FROM tickets")
    staffed = {o.department for o in config.officers if o.department}
    expected: dict[str, str | None] = {
        c.id: c.department if c.department in staffed else "van-phong" for c in config.categories
    }
    expected["thai-do-can-bo"] = None  # conduct cases sit in no department's queue
    assert {r["category_id"]: r["department_id"] for r in rows} == expected


async def test_anonymous_feedback_keeps_no_contact_and_no_attachments(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "7004")
    ticket = await submit_case(db, clock, config, person, feedback("draft-anon"))
    assert (ticket.contact_name, ticket.contact_phone, ticket.contact_address) == (None,) * 3
    assert (ticket.latitude, ticket.longitude, ticket.place) == (None,) * 3
    assert ticket.attachments == ()
    assert await fetch(db, "SELECT * FROM attachments") == []


async def test_code_year_is_the_communes_year_not_utcs(
    db: Database, clock: FixedClock, config: Config
) -> None:
    # 18:00 UTC on 31 December is already 01:00 on 1 January in Asia/Ho_Chi_Minh.
    clock.current = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
    person = await citizen(db, clock, "7005")
    ticket = await submit_case(db, clock, config, person, feedback("draft-new-year"))
    assert ticket.code == "SN-2027-00001"


async def test_code_prefix_comes_from_the_config(
    db: Database, clock: FixedClock, config: Config
) -> None:
    other = config.model_copy(update={"commune": config.commune.model_copy(update={"code": "XA1"})})
    person = await citizen(db, clock, "7006")
    ticket = await submit_case(db, clock, other, person, feedback("draft-prefix"))
    assert ticket.code == "XA1-2026-00001"


async def test_numbering_restarts_each_year(
    db: Database, clock: FixedClock, config: Config
) -> None:
    clock.current = datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # 23:00 local, still 2026
    person = await citizen(db, clock, "7007")
    codes = [
        (await submit_case(db, clock, config, person, feedback(f"a-{n}"))).code for n in (1, 2)
    ]
    clock.advance(timedelta(hours=2))  # 01:00 local on 1 January 2027
    codes += [
        (await submit_case(db, clock, config, person, feedback(f"b-{n}"))).code for n in (1, 2)
    ]
    assert codes == ["SN-2026-00001", "SN-2026-00002", "SN-2027-00001", "SN-2027-00002"]
    rows = await fetch(db, "SELECT year, last_number FROM case_sequences ORDER BY year")
    assert [tuple(r) for r in rows] == [(2026, 2), (2027, 2)]


async def test_the_same_draft_twice_files_one_case(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "7008")
    draft = complaint("draft-twice")
    first = await submit_case(db, clock, config, person, draft)
    clock.advance(timedelta(minutes=1))
    second = await submit_case(db, clock, config, person, draft)

    assert second == first
    assert len(await fetch(db, "SELECT id FROM tickets")) == 1
    assert len(await fetch(db, "SELECT id FROM ticket_events")) == 1
    assert len(await fetch(db, "SELECT id FROM attachments")) == 3
    # The number is not burnt either: the next case gets 00002.
    [(last,)] = await fetch(db, "SELECT last_number FROM case_sequences")
    assert last == 1


async def test_filing_a_draft_says_who_holds_it_and_whether_it_was_filed_before(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, "telegram")
    person = await citizen(db, clock, "7018")
    draft = complaint("draft-with-holder")

    first = await file_draft(db, clock, config, person, draft)
    again = await file_draft(db, clock, config, person, draft)

    assert not first.earlier
    assert first.holder is not None
    assert first.holder == await holder_now(db, first.ticket)
    assert again.earlier
    assert again.ticket == first.ticket
    assert len(await fetch(db, "SELECT id FROM tickets")) == 1


async def test_a_draft_filed_before_is_returned_even_if_it_could_not_be_filed_now(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "7019")
    draft = complaint("draft-then-category-gone")
    first = await file_draft(db, clock, config, person, draft)
    gone = draft.model_copy(update={"category_id": "no-such-category"})

    again = await file_draft(db, clock, config, person, gone)

    assert again.earlier
    assert again.ticket == first.ticket
    with pytest.raises(IncompleteDraftError):
        await file_draft(db, clock, config, person, gone.model_copy(update={"draft_id": "x"}))


async def test_the_same_draft_submitted_concurrently_files_one_case(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "7009")
    draft = feedback("draft-double-tap")
    results = await asyncio.gather(
        *(submit_case(db, clock, config, person, draft) for _ in range(10))
    )
    assert {t.code for t in results} == {"SN-2026-00001"}
    assert len(await fetch(db, "SELECT id FROM tickets")) == 1


INCOMPLETE = [
    pytest.param({"kind": None}, id="no-kind"),
    pytest.param({"category_id": None}, id="no-category"),
    pytest.param({"content": None}, id="no-content"),
    pytest.param({"wants_contact": None}, id="contact-not-decided"),
    pytest.param({"wants_contact": True}, id="contact-wanted-but-missing"),
    pytest.param(
        {"kind": Kind.DENUNCIATION, "contact_name": "A", "contact_phone": "0912345678"},
        id="denunciation-without-address",
    ),
]


@pytest.mark.parametrize("change", INCOMPLETE)
async def test_an_incomplete_draft_is_refused_and_nothing_stored(
    db: Database, clock: FixedClock, config: Config, change: dict[str, object]
) -> None:
    person = await citizen(db, clock, "7010")
    draft = feedback("draft-incomplete").model_copy(update=change)
    with pytest.raises(IncompleteDraftError):
        await submit_case(db, clock, config, person, draft)
    for table in ("tickets", "ticket_events", "attachments", "case_sequences"):
        assert await fetch(db, f"SELECT * FROM {table}") == [], table


async def test_an_unknown_category_is_refused_and_nothing_stored(
    db: Database, clock: FixedClock, config: Config
) -> None:
    person = await citizen(db, clock, "7011")
    with pytest.raises(IncompleteDraftError, match="unknown category"):
        await submit_case(
            db, clock, config, person, feedback("draft-unknown", category_id="khong-co")
        )
    for table in ("tickets", "ticket_events", "case_sequences"):
        assert await fetch(db, f"SELECT * FROM {table}") == [], table


def concurrent_drafts(prefix: str, count: int) -> list[Draft]:
    return [
        feedback(
            f"{prefix}-{n}",
            content=f"Phản ánh số {n}: cống thoát nước ở xóm {n % 7} bị tắc.",
            photos=[Photo(file_id=f"f-{prefix}-{n}", file_unique_id=f"u-{prefix}-{n}")],
        )
        for n in range(count)
    ]


async def assert_two_hundred_distinct_consecutive_cases(db: Database) -> None:
    rows = await fetch(db, "SELECT code, draft_id FROM tickets ORDER BY code")
    assert [r["code"] for r in rows] == [f"SN-2026-{n:05d}" for n in range(1, 201)]
    assert len({r["draft_id"] for r in rows}) == 200
    [(count,)] = await fetch(db, "SELECT count(*) FROM ticket_events")
    assert count == 200
    [(count,)] = await fetch(db, "SELECT count(*) FROM attachments")
    assert count == 200
    [(last,)] = await fetch(db, "SELECT last_number FROM case_sequences WHERE year = 2026")
    assert last == 200


async def test_two_hundred_concurrent_submissions_get_distinct_consecutive_codes(
    db: Database, clock: FixedClock, config: Config
) -> None:
    people = [await citizen(db, clock, str(8000 + n)) for n in range(20)]
    drafts = concurrent_drafts("burst", 200)

    filed = await asyncio.gather(
        *(
            submit_case(db, clock, config, people[n % len(people)], draft)
            for n, draft in enumerate(drafts)
        )
    )

    assert sorted(t.code for t in filed) == [f"SN-2026-{n:05d}" for n in range(1, 201)]
    await assert_two_hundred_distinct_consecutive_cases(db)


async def test_two_processes_on_one_database_lose_no_case(
    db: Database,
    clock: FixedClock,
    config: Config,
    reopen: Callable[[], Awaitable[Database]],
) -> None:
    people = [await citizen(db, clock, str(9000 + n)) for n in range(20)]
    other = await reopen()
    try:
        left = concurrent_drafts("left", 100)
        right = concurrent_drafts("right", 100)
        filed = await asyncio.gather(
            *(submit_case(db, clock, config, people[n % 20], d) for n, d in enumerate(left)),
            *(
                submit_case(other, clock, config, people[(n + 10) % 20], d)
                for n, d in enumerate(right)
            ),
        )
    finally:
        await other.close()

    assert sorted(t.code for t in filed) == [f"SN-2026-{n:05d}" for n in range(1, 201)]
    await assert_two_hundred_distinct_consecutive_cases(db)
