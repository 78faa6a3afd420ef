"""Personal data rights on a real SQLite file: what /dulieu gathers, erasure on request, the
retention period. After erasure the personal values must be nowhere: not in any table, not in
the bytes of the database file."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Config
from bot.domain.tickets import Ticket
from bot.services import casework, denouncers, privacy
from bot.services.errors import CaseworkError
from bot.services.intake import submit_case
from bot.services.privacy import Completion
from bot.services.reception import subscribe
from bot.services.reminders import fire_due
from bot.texts import t
from storage.database import Database
from storage.postgres import ERASED_TABLES
from storage.sqlite import SqliteDatabase
from tests.conftest import POSTGRESQL_ONLY, SQLITE_ONLY
from tests.services.factories import citizen, complaint, feedback, fetch
from tests.services.test_casework_service import (
    CHAIRMAN,
    ECONOMY,
    OFFICE,
    SUPERVISOR,
    World,
    denunciation,
    world,
)
from tests.support.clock import FixedClock

NAME = "Trần Văn Hùng"
PHONE = "0912345678"
ADDRESS = "Số 12, thôn Đoài, xã Sơn Ninh"
TELEGRAM_NAME = "Hùng Đoài Telegram"
SECRETS = (NAME, PHONE, ADDRESS, TELEGRAM_NAME, "9001")


async def filed(w: World) -> Ticket:
    draft = complaint("draft-erase").model_copy(
        update={"content": f"Nhà bên xây lấn đất. Gọi tôi: {PHONE}, hoặc hung.doai@example.com"}
    )
    w.clock.advance(timedelta(minutes=1))
    return await submit_case(w.db, w.clock, w.config, w.person, draft)


def _file_bytes(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def everywhere(db: Database, path: Path, values: tuple[str, ...]) -> list[str]:
    """Every place a value still appears: any text cell of any table, and the file's bytes
    (SQLite's; PostgreSQL's files are the server's)."""
    found = []
    on_sqlite = isinstance(db, SqliteDatabase)
    listing = (
        "SELECT name FROM sqlite_master WHERE type='table'"
        if on_sqlite
        else "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
    )
    tables = [r[0] for r in await fetch(db, listing)]
    for table in tables:
        for row in await fetch(db, f"SELECT * FROM {table}"):
            for cell in tuple(row):
                for value in values:
                    if value in str(cell):
                        found.append(f"{table}: {value}")
    await db.close()
    if on_sqlite:
        data = await asyncio.to_thread(_file_bytes, path)
        found += [f"file: {v}" for v in values if v.encode() in data]
    return found


async def test_personal_data_gathers_everything_of_one_person_only(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    ticket = await filed(w)
    await subscribe(db, clock, w.person, True)
    neighbour = await citizen(db, clock, "9002", "Người khác")
    await submit_case(db, clock, config, neighbour, feedback("draft-other"))

    data = await privacy.personal_data(db, config, w.person)

    assert [c.code for c in data.cases] == [ticket.code]
    assert data.cases[0].contact_phone == PHONE
    assert len(data.cases[0].attachments) == 3
    assert data.reception_since is not None
    assert data.announcements_since is None
    assert data.person.consent_notice == "2026-11-29"


async def test_erasure_request_reaches_the_office_and_admins_once(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    request, new = await privacy.request_erasure(db, clock, config, w.person)
    again, second = await privacy.request_erasure(db, clock, config, w.person)

    assert new
    assert not second
    assert again.id == request.id
    assert request.due_at - request.requested_at == timedelta(days=15)
    rows = await fetch(
        db, "SELECT recipient, payload FROM outbox WHERE dedupe_key LIKE 'erasure:%'"
    )
    assert sorted(r["recipient"] for r in rows) == sorted([CHAIRMAN, OFFICE])
    assert all(f"erase|{request.id}" not in r["payload"] for r in rows)
    assert all('"ref": "erase"' in r["payload"] for r in rows)
    [audit] = await fetch(db, "SELECT action, actor_id FROM admin_events")
    assert tuple(audit) == ("erasure_requested", w.person.id)


async def test_an_open_request_is_reminded_before_the_window_ends_and_not_after_completion(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    request, _ = await privacy.request_erasure(db, clock, config, w.person)
    clock.advance(timedelta(days=13, hours=1))
    await fire_due(db, clock, config)
    reminded = await fetch(
        db, "SELECT recipient FROM outbox WHERE dedupe_key LIKE 'reminder:erasure:%'"
    )
    assert sorted(r["recipient"] for r in reminded) == sorted([CHAIRMAN, OFFICE])

    done = await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)
    assert done.outcome is Completion.DONE
    twice = await privacy.complete_erasure(db, clock, config, w.officer(CHAIRMAN), request.id)
    assert twice.outcome is Completion.ALREADY


async def test_only_the_office_and_admins_complete_a_request(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    request, _ = await privacy.request_erasure(db, clock, config, w.person)
    for outsider in (ECONOMY, SUPERVISOR):
        done = await privacy.complete_erasure(db, clock, config, w.officer(outsider), request.id)
        assert done.outcome is Completion.NOT_ALLOWED
    missing = await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), 999)
    assert missing.outcome is Completion.UNKNOWN
    [row] = await fetch(db, "SELECT completed_at FROM erasure_requests")
    assert row[0] is None


async def test_erasure_leaves_the_case_and_no_personal_value_anywhere(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    ticket = await filed(w)
    await subscribe(db, clock, w.person, True)
    await casework.ask(db, clock, config, w.officer(CHAIRMAN), ticket.id, f"Ông {NAME} gửi sổ đỏ")
    request, _ = await privacy.request_erasure(db, clock, config, w.person)

    done = await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)

    assert done.outcome is Completion.DONE
    assert done.external_id == "9001"
    [case] = await fetch(db, "SELECT * FROM tickets")
    assert (case["code"], case["kind"], case["category_id"]) == (
        ticket.code,
        "complaint",
        "dat-dai",
    )
    assert case["erased_at"] is not None
    assert case["created_at"] is not None
    assert case["content"].startswith("Nhà bên xây lấn đất.")
    assert await fetch(db, "SELECT count(*) FROM attachments") != [(0,)]
    actions = [r[0] for r in await fetch(db, "SELECT action FROM ticket_events ORDER BY id")]
    # The question asked before acceptance can have no answer: awaiting acceptance again.
    assert actions[-2:] == ["personal_data_erased", "no_answer"]
    assert case["status"] == "new"
    [told] = await fetch(db, "SELECT recipient FROM outbox WHERE dedupe_key LIKE 'privacy-%'")
    assert told[0] == "9001"
    # Once the last message is delivered, the chat id goes with it.
    async with db.transaction() as conn:
        await conn.execute("UPDATE outbox SET sent_at = created_at")
    await privacy.apply_retention(db, clock, config)

    assert await everywhere(db, config.storage.path, (*SECRETS, "hung.doai@example.com")) == []


async def test_erasure_keeps_ordinary_words_and_takes_the_name_however_typed(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """A one-word Telegram name ("Khiếu") is also a word of the matter ("khiếu nại") and stays;
    the full name given with the case goes, typed with or without diacritics."""
    w = await world(db, clock, config, "Khiếu")
    matter = "Tôi khiếu nại việc nhà bên xây lấn đất ở xóm Đông, xã Nam Sơn."
    draft = complaint("draft-khieu").model_copy(
        update={"content": f"{matter} Tôi là Tran Van Hung, con ông {NAME.upper()}."}
    )
    await submit_case(db, clock, config, w.person, draft)
    request, _ = await privacy.request_erasure(db, clock, config, w.person)

    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)

    mask = t("privacy.mask")
    [case] = await fetch(db, "SELECT content FROM tickets")
    assert case[0] == f"{matter} Tôi là {mask}, con ông {mask}."


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


@SQLITE_ONLY
async def test_no_copy_is_left_in_the_write_ahead_log_after_an_erasure(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """`secure_delete` overwrites the database file; the log keeps old pages until emptied."""
    w = await world(db, clock, config, TELEGRAM_NAME)
    await filed(w)
    request, _ = await privacy.request_erasure(db, clock, config, w.person)
    path = config.storage.path
    assert PHONE.encode() in await asyncio.to_thread(_file_bytes, path)

    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)
    await db.purged()

    assert _wal(path).stat().st_size == 0
    data = await asyncio.to_thread(_file_bytes, path)
    # The chat id stays only in the last message to the person, until it is delivered.
    assert [v for v in (NAME, PHONE, ADDRESS, TELEGRAM_NAME) if v.encode() in data] == []


@POSTGRESQL_ONLY
async def test_the_tables_an_erasure_changed_are_vacuumed_on_postgresql(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """The erased values' old row versions stay in PostgreSQL's table files until a vacuum
    frees them; the erasure asks for one at once rather than waiting for autovacuum."""
    w = await world(db, clock, config, TELEGRAM_NAME)
    await filed(w)
    request, _ = await privacy.request_erasure(db, clock, config, w.person)

    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)
    await db.purged()

    rows = await fetch(
        db,
        "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL ORDER BY relname",
    )
    assert [r[0] for r in rows] == sorted(ERASED_TABLES)


@SQLITE_ONLY
async def test_no_copy_is_left_in_the_write_ahead_log_after_retention(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    old = await filed(w)
    await casework.accept(db, clock, config, w.officer(CHAIRMAN), old.id)
    await casework.resolve(db, clock, config, w.officer(CHAIRMAN), old.id, "Đã giải quyết xong.")
    clock.advance(timedelta(days=config.privacy.retention_days + 1))

    assert await privacy.apply_retention(db, clock, config) == 1
    await db.purged()

    assert _wal(config.storage.path).stat().st_size == 0
    data = await asyncio.to_thread(_file_bytes, config.storage.path)
    assert [v for v in (NAME, PHONE, ADDRESS) if v.encode() in data] == []


async def test_retention_erases_only_cases_closed_longer_than_the_period_once(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    old = await filed(w)
    await casework.accept(db, clock, config, w.officer(CHAIRMAN), old.id)
    await casework.resolve(db, clock, config, w.officer(CHAIRMAN), old.id, "Đã giải quyết xong.")
    clock.advance(timedelta(days=config.privacy.retention_days - 1))
    recent = await submit_case(db, clock, config, w.person, complaint("draft-recent"))
    assert await privacy.apply_retention(db, clock, config) == 0
    clock.advance(timedelta(days=2))

    assert await privacy.apply_retention(db, clock, config) == 1
    assert await privacy.apply_retention(db, clock, config) == 0

    rows = {r["id"]: r for r in await fetch(db, "SELECT * FROM tickets")}
    assert rows[old.id]["contact_phone"] is None
    assert rows[old.id]["erased_at"] is not None
    assert PHONE not in rows[old.id]["content"]
    assert rows[old.id]["result"] == "Đã giải quyết xong."
    assert rows[recent.id]["contact_phone"] == PHONE
    # The person keeps their account: retention is about old cases, not about them.
    [person] = await fetch(db, "SELECT external_id FROM people WHERE id = ?", (w.person.id,))
    assert person[0] == "9001"


async def test_erasure_and_retention_take_a_denouncers_sealed_identity(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """Erasing a sealed field is setting it to NULL: the pseudonym no longer says who it was,
    the leader can no longer open it, and the name written into the case is masked too."""
    w = await world(db, clock, config, TELEGRAM_NAME)
    draft = denunciation("draft-sealed").model_copy(
        update={"content": f"Tôi là {NAME}, tố cáo cán bộ địa chính nhận tiền làm sổ đỏ."}
    )
    ticket = await submit_case(db, clock, config, w.person, draft)
    data = await privacy.personal_data(db, config, w.person)
    assert [c.code for c in data.cases] == [ticket.code], "/dulieu lists the sealed case"
    request, _ = await privacy.request_erasure(db, clock, config, w.person)

    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)

    [pseudonym] = await fetch(
        db, "SELECT sealed, sealed_tag FROM people WHERE id = ?", (ticket.citizen_id,)
    )
    assert tuple(pseudonym) == (None, None)
    [case] = await fetch(db, "SELECT content FROM tickets WHERE id = ?", (ticket.id,))
    assert NAME not in case[0]
    leader = next(o for o in w.staff.values() if o.person_id == ticket.assignee_id)
    with pytest.raises(CaseworkError) as gone:
        await denouncers.reveal(db, clock, config, leader, ticket.id)
    assert gone.value.reason == "identity.unavailable"


async def test_retention_takes_the_sealed_identity_of_an_old_closed_denunciation(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config, TELEGRAM_NAME)
    ticket = await submit_case(db, clock, config, w.person, denunciation("draft-old-sealed"))
    leader = next(o for o in w.staff.values() if o.person_id == ticket.assignee_id)
    await casework.accept(db, clock, config, leader, ticket.id)
    await casework.resolve(db, clock, config, leader, ticket.id, "Đã xác minh, xử lý xong.")
    clock.advance(timedelta(days=config.privacy.retention_days + 1))

    assert await privacy.apply_retention(db, clock, config) == 1

    [pseudonym] = await fetch(db, "SELECT sealed FROM people WHERE id = ?", (ticket.citizen_id,))
    assert pseudonym[0] is None
