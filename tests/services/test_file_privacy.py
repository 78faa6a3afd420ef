"""The kept files under the law: they follow the case's retention, an erasure keeps them without
what linked them to the person, and a sealed case's files are stored sealed and opened for its
leaders only, each look recorded. On SQLite and PostgreSQL, with the real store folder.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta

import pytest

from bot.config import Config, sealer
from bot.domain.draft import Media
from bot.domain.files import Way
from bot.domain.tickets import Ticket
from bot.messages import AttachmentRef
from bot.services import casework, privacy
from bot.services.case_files import CaseFiles
from bot.services.errors import CaseworkError
from bot.services.file_keeping import FileKeeper
from bot.services.file_reading import SEALED_FILES_VIEWED, may_see_files, readable_files
from bot.services.file_retention import sweep_orphans
from bot.services.intake import submit_case
from bot.services.outbox import Deliverer
from storage import events
from storage.database import Database
from storage.file_store import FolderStore, digest
from tests.services.factories import CHANNEL, complaint, fetch
from tests.services.test_casework_service import (
    CHAIRMAN,
    ECONOMY,
    OFFICE,
    World,
    denunciation,
    world,
)
from tests.services.test_file_keeping import JPEG, Channel, folder, photos
from tests.services.test_outbox_delivery import FakeChannel
from tests.support.clock import FixedClock

SHARED = JPEG + b"tuong"  # file-b and file-c of the `complaint` draft


def store(config: Config) -> FolderStore:
    return FolderStore(folder(config))


def keeper(db: Database, clock: FixedClock, config: Config, channel: Channel) -> FileKeeper:
    """The keeper as the application builds it, with the key that seals denouncers' files."""
    return FileKeeper(
        db, clock, FolderStore(folder(config)), channel, instance="p1", sealer=sealer(config)
    )


async def closed(w: World, draft_id: str) -> Ticket:
    ticket = await submit_case(w.db, w.clock, w.config, w.person, complaint(draft_id))
    chairman = w.officer(CHAIRMAN)
    await casework.accept(w.db, w.clock, w.config, chairman, ticket.id)
    await casework.resolve(w.db, w.clock, w.config, chairman, ticket.id, "Đã giải quyết xong.")
    return ticket


async def attachment_rows(db: Database, ticket_id: int) -> list[tuple[object, ...]]:
    rows = await fetch(
        db,
        "SELECT a.file_id, a.file_unique_id, f.status, f.sha256, f.last_error "
        "FROM attachments AS a JOIN attachment_files AS f ON f.attachment_id = a.id "
        "WHERE a.ticket_id = ? ORDER BY a.position",
        (ticket_id,),
    )
    return [tuple(r) for r in rows]


async def test_retention_drops_a_closed_cases_files_but_not_one_another_case_needs(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    old = await closed(w, "draft-old")
    clock.advance(timedelta(days=config.privacy.retention_days - 1))
    recent = await submit_case(db, clock, config, w.person, complaint("draft-recent"))
    await keeper(db, clock, config, Channel(photos())).keep_due()
    clock.advance(timedelta(days=2))

    assert await privacy.apply_retention(db, clock, config) == 1

    assert await attachment_rows(db, old.id) == []
    assert len(await attachment_rows(db, recent.id)) == 3
    # Both cases carry the same three pictures: every file is still needed by the recent one.
    hashes = {r[0] for r in await fetch(db, "SELECT sha256 FROM files")}
    assert hashes == {digest(photos()["file-a"]), digest(SHARED)}
    assert await store(config).read(digest(photos()["file-a"])) == photos()["file-a"]


async def test_retention_deletes_the_stored_files_no_remaining_case_refers_to(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    old = await closed(w, "draft-old")
    clock.advance(timedelta(days=config.privacy.retention_days - 1))
    other = complaint("draft-recent").model_copy(update={"photos": complaint("x").photos[1:]})
    recent = await submit_case(db, clock, config, w.person, other)
    await keeper(db, clock, config, Channel(photos())).keep_due()
    clock.advance(timedelta(days=2))

    await privacy.apply_retention(db, clock, config)

    gone = digest(photos()["file-a"])
    assert [r[0] for r in await fetch(db, "SELECT sha256 FROM files")] == [digest(SHARED)]
    assert not store(config).path_of(gone).exists()
    assert await store(config).read(digest(SHARED)) == SHARED
    assert [r[2] for r in await attachment_rows(db, recent.id)] == ["kept", "kept"]
    assert await attachment_rows(db, old.id) == []
    # The audit trail keeps the hash of what was kept and is now gone.
    trail = [e.note for e in await events.for_ticket(db.reader, old.id) if e.action == "file_kept"]
    assert any(note and f"sha256:{gone}" in note for note in trail)
    # Done is done: the next run finds nothing.
    await privacy.apply_retention(db, clock, config)
    assert await store(config).read(digest(SHARED)) == SHARED


async def test_a_case_erased_on_request_still_loses_its_files_when_retention_ends(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await closed(w, "draft-old")
    await keeper(db, clock, config, Channel(photos())).keep_due()
    request, _ = await privacy.request_erasure(db, clock, config, w.person)
    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)
    assert len(await attachment_rows(db, ticket.id)) == 3
    clock.advance(timedelta(days=config.privacy.retention_days + 1))

    await privacy.apply_retention(db, clock, config)

    assert await attachment_rows(db, ticket.id) == []
    assert await fetch(db, "SELECT sha256 FROM files") == []
    assert [p for p in folder(config).rglob("*") if p.is_file()] == []


async def test_erasure_keeps_the_files_without_the_channels_references(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """The matter's pictures stay evidence; what the account sent them by does not."""
    w = await world(db, clock, config)
    ticket = await submit_case(db, clock, config, w.person, complaint("draft-erase"))
    channel = Channel(photos(), failing=Counter({"file-c": 1}))
    await keeper(db, clock, config, channel).keep_due()
    request, _ = await privacy.request_erasure(db, clock, config, w.person)

    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)

    a, b = digest(photos()["file-a"]), digest(SHARED)
    rows = await attachment_rows(db, ticket.id)
    assert rows[:2] == [("", "", "kept", a, None), ("", "", "kept", b, None)]
    # Still waiting for its download: the keeper needs the reference, and cuts it once done.
    assert rows[2][:3] == ("file-c", "uniq-c", "pending")
    clock.advance(timedelta(hours=1))
    await keeper(db, clock, config, channel).keep_due()
    assert (await attachment_rows(db, ticket.id))[2] == ("", "", "kept", b, None)
    assert await store(config).read(a) == photos()["file-a"]
    [owner] = await fetch(db, "SELECT channel FROM people WHERE id = ?", (ticket.citizen_id,))
    assert owner[0] == "erased"
    for row in await fetch(db, "SELECT note FROM ticket_events WHERE note IS NOT NULL"):
        assert not any(ref in row[0] for ref in ("file-a", "file-b", "file-c", "uniq-"))


async def test_a_sealed_cases_files_are_stored_sealed_and_opened_for_its_leader_only(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    draft = denunciation("draft-sealed").model_copy(update={"photos": complaint("x").photos[:1]})
    ticket = await submit_case(db, clock, config, w.person, draft)
    assert ticket.sealed
    await keeper(db, clock, config, Channel(photos())).keep_due()

    [(sha256, size, media_type)] = await fetch(db, "SELECT sha256, size, media_type FROM files")
    plain = photos()["file-a"]
    stored = await store(config).read(sha256)
    # Named by the hash of what is stored; the picture's own hash is nowhere.
    assert sha256 == digest(stored) != digest(plain)
    assert plain not in stored
    assert (size, media_type) == (len(plain), "image/jpeg")
    [kept] = [e for e in await events.for_ticket(db.reader, ticket.id) if e.action == "file_kept"]
    assert kept.note == f"photo sealed sha256:{sha256} ({len(plain)} bytes)"
    leader = next(o for o in w.staff.values() if o.person_id == ticket.assignee_id)

    seen = await readable_files(db, clock, config, store(config), leader, ticket)

    assert [(f.position, f.kind, f.media_type, f.data) for f in seen.files] == [
        (1, "photo", "image/jpeg", plain)
    ]
    assert seen.withheld == 0
    [look] = [
        e for e in await events.for_ticket(db.reader, ticket.id) if e.action == SEALED_FILES_VIEWED
    ]
    assert (look.actor_id, look.note) == (leader.person_id, "1")


async def test_an_officer_on_a_sealed_case_is_told_how_many_files_not_shown_them(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await submit_case(db, clock, config, w.person, denunciation("draft-sealed"))
    await keeper(db, clock, config, Channel(photos())).keep_due()
    leader = next(o for o in w.staff.values() if o.person_id == ticket.assignee_id)
    economy = w.officer(ECONOMY)
    with pytest.raises(CaseworkError):
        await readable_files(db, clock, config, store(config), economy, ticket)
    assert economy.department_id is not None
    passed = await casework.reassign(
        db, clock, config, leader, ticket.id, economy.department_id, "Xác minh tại thôn."
    )
    assert passed.assignee_id == economy.person_id

    seen = await readable_files(db, clock, config, store(config), economy, passed)

    assert (seen.files, seen.withheld) == ((), 3)
    looks = [
        e for e in await events.for_ticket(db.reader, ticket.id) if e.action == SEALED_FILES_VIEWED
    ]
    assert looks == []


async def test_an_open_cases_files_are_read_as_kept_with_no_look_recorded(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await submit_case(db, clock, config, w.person, complaint("draft-open"))
    await keeper(db, clock, config, Channel(photos())).keep_due()

    seen = await readable_files(db, clock, config, store(config), w.officer(CHAIRMAN), ticket)

    assert [f.data for f in seen.files] == [photos()[r] for r in ("file-a", "file-b", "file-c")]
    actions = {e.action for e in await events.for_ticket(db.reader, ticket.id)}
    assert SEALED_FILES_VIEWED not in actions


async def test_without_the_key_a_sealed_cases_file_waits_and_is_never_stored_in_clear(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    draft = denunciation("draft-sealed").model_copy(update={"photos": complaint("x").photos[:1]})
    ticket = await submit_case(db, clock, config, w.person, draft)
    keyless = FileKeeper(db, clock, FolderStore(folder(config)), Channel(photos()), instance="p1")

    assert await keyless.keep_due() == 1

    [row] = await attachment_rows(db, ticket.id)
    assert row[2:4] == ("pending", None)
    assert "no key" in str(row[4])
    assert (
        not folder(config).exists() or [p for p in folder(config).rglob("*") if p.is_file()] == []
    )
    clock.advance(timedelta(hours=1))
    await keeper(db, clock, config, Channel(photos())).keep_due()
    assert [r[2] for r in await attachment_rows(db, ticket.id)] == ["kept"]


async def test_a_sweep_removes_old_orphans_and_crash_leftovers_only(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """What a crash between a commit and the deletes leaves (a file no row names), and what a
    crash inside a write leaves (a temporary file), go once old; a kept file and a file just
    written (a keeper about to record it) stay."""
    w = await world(db, clock, config)
    ticket = await submit_case(db, clock, config, w.person, complaint("draft-kept"))
    await keeper(db, clock, config, Channel(photos())).keep_due()
    files = store(config)
    orphan = await files.put(JPEG + b"orphan")
    arriving = await files.put(JPEG + b"arriving")
    leftover = files.path_of(orphan).with_name(".part-crash")
    leftover.write_bytes(b"half a ph")
    old = (clock.now() - timedelta(days=2)).timestamp()
    young = clock.now().timestamp()
    for path in [p for p in folder(config).rglob("*") if p.is_file()]:
        os.utime(path, (old, old))
    os.utime(files.path_of(arriving), (young, young))

    assert await sweep_orphans(db, files, clock.now()) == 2

    assert not files.path_of(orphan).exists()
    assert not leftover.exists()
    assert await files.read(arriving) == JPEG + b"arriving"
    for row in await attachment_rows(db, ticket.id):
        assert files.path_of(str(row[3])).is_file()


async def test_erasure_cuts_the_references_from_the_cards_already_delivered(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    await submit_case(db, clock, config, w.person, complaint("draft-erase"))
    await keeper(db, clock, config, Channel(photos())).keep_due()
    officers = FakeChannel()
    await Deliverer(db, clock, {CHANNEL: officers}).deliver_due()
    assert {n.photo for _, n in officers.delivered} >= {"file-a", "file-b", "file-c"}
    request, _ = await privacy.request_erasure(db, clock, config, w.person)

    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)

    for (payload,) in await fetch(db, "SELECT payload FROM outbox"):
        assert not any(ref in payload for ref in ("file-a", "file-b", "file-c"))


async def test_hoso_shows_a_sealed_cases_files_to_its_leader_after_recording_the_look(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await submit_case(db, clock, config, w.person, denunciation("draft-hoso"))
    await keeper(db, clock, config, Channel(photos())).keep_due()
    leader = next(o for o in w.staff.values() if o.person_id == ticket.assignee_id)
    economy = w.officer(ECONOMY)
    assert economy.department_id is not None
    passed = await casework.reassign(
        db, clock, config, leader, ticket.id, economy.department_id, "Xác minh tại thôn."
    )

    assert not await may_see_files(db, clock, economy, passed)
    assert await may_see_files(db, clock, leader, passed)

    looks = [
        (e.actor_id, e.note)
        for e in await events.for_ticket(db.reader, ticket.id)
        if e.action == SEALED_FILES_VIEWED
    ]
    assert looks == [(leader.person_id, str(len(ticket.attachments)))]


async def test_a_sealed_cases_kept_file_goes_to_staff_opened_and_its_upload_id_is_kept(
    db: Database, clock: FixedClock, config: Config
) -> None:
    """What the leader's card uploads is the photo as sent, not the ciphertext the store holds;
    the id Telegram answers with is kept under the stored file's name."""
    w = await world(db, clock, config)
    ticket = await submit_case(db, clock, config, w.person, denunciation("draft-upload"))
    await keeper(db, clock, config, Channel(photos())).keep_due()
    files = CaseFiles(db, store(config), sealer(config), sender="telegram:999000")
    ref = AttachmentRef(ticket.id, 1)

    first = await files.sendable(ref)
    assert first is not None
    assert first.sha256 is not None
    assert (first.way, first.data) == (Way.UPLOAD, photos()["file-a"])
    assert await store(config).read(first.sha256) != first.data, "stored sealed"
    await files.uploaded(first, "up-1")
    again = await files.sendable(ref)

    assert again is not None
    assert (again.way, again.file_id, again.data) == (Way.CACHED, "up-1", None)
    refused = await files.refused(ref, again)
    assert refused is not None
    assert (refused.way, refused.data) == (Way.UPLOAD, photos()["file-a"])


async def test_erasure_keeps_a_document_without_the_name_its_file_had(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    document = Media(
        kind="document",
        file_id="doc-1",
        file_unique_id="uniq-doc",
        file_name="don-Nguyen-Van-An.pdf",
        media_type="application/pdf",
        size=2048,
    )
    draft = complaint("draft-document").model_copy(update={"media": [document]})
    ticket = await submit_case(db, clock, config, w.person, draft)
    request, _ = await privacy.request_erasure(db, clock, config, w.person)

    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)

    rows = await fetch(
        db,
        "SELECT kind, file_name FROM attachments WHERE ticket_id = ? ORDER BY position",
        (ticket.id,),
    )
    assert [tuple(r) for r in rows] == [("photo", None)] * 3 + [("document", None)]
