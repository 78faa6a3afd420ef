"""The file keeper: every attachment of a case ends up in Nghe Dân's own store, by hash, with
its hash in the case's audit trail; a download that fails is tried again later, a reference the
channel no longer has is given up without touching the case. On SQLite and PostgreSQL.

The channel is the one part played here (`Channel`): a chat platform holding files by their
reference, which can fail or lose them; the database, the store and the keeper are the real ones.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Config
from bot.domain.files import GONE_ATTEMPTS, retry_delay
from bot.domain.tickets import Status, Ticket
from bot.services.file_keeping import CLAIM_LEASE, FileGoneError, FileKeeper
from bot.services.intake import submit_case
from storage import attachment_files, events
from storage.attachment_files import AttachmentFile
from storage.database import Database
from storage.file_store import FolderStore, digest
from tests.conftest import POSTGRESQL_ONLY
from tests.services.factories import citizen, complaint, fetch
from tests.support.clock import FixedClock

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"


@dataclass
class Channel:
    """Files by reference, as the platform holds them; `failing` many tries of a reference
    fail with a network error first, `gone` references are no more."""

    files: dict[str, bytes]
    failing: Counter[str] = field(default_factory=Counter)
    gone: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)

    async def __call__(self, kind: str, reference: str) -> bytes:
        self.asked.append(reference)
        await asyncio.sleep(0)  # a download lets other work run meanwhile
        if reference in self.gone:
            raise FileGoneError("Bad Request: wrong file identifier")
        if self.failing[reference] > 0:
            self.failing[reference] -= 1
            raise ConnectionError("connection reset by peer")
        return self.files[reference]


def photos() -> dict[str, bytes]:
    """The three photos of the `complaint` draft; b and c are the same picture."""
    return {"file-a": JPEG + b"cong-trinh", "file-b": JPEG + b"tuong", "file-c": JPEG + b"tuong"}


def folder(config: Config) -> Path:
    return config.storage.files_folder


def keeper(
    db: Database, clock: FixedClock, config: Config, channel: Channel, name: str = "p1"
) -> FileKeeper:
    return FileKeeper(db, clock, FolderStore(folder(config)), channel, instance=name)


async def filed(db: Database, clock: FixedClock, config: Config, draft_id: str = "d-1") -> Ticket:
    person = await citizen(db, clock, f"citizen-{draft_id}")
    return await submit_case(db, clock, config, person, complaint(draft_id))


async def states(db: Database, ticket: Ticket) -> list[AttachmentFile]:
    return await attachment_files.for_ticket(db.reader, ticket.id)


async def test_filing_queues_each_photo_and_the_keeper_keeps_it_by_hash(
    db: Database, clock: FixedClock, config: Config
) -> None:
    ticket = await filed(db, clock, config)
    assert [s.status for s in await states(db, ticket)] == ["pending"] * 3
    channel = Channel(photos())

    assert await keeper(db, clock, config, channel).keep_due() == 3

    store = FolderStore(folder(config))
    kept = await states(db, ticket)
    assert [s.status for s in kept] == ["kept"] * 3
    for state, reference in zip(kept, ("file-a", "file-b", "file-c"), strict=True):
        data = photos()[reference]
        assert state.sha256 == digest(data)
        assert (state.size, state.media_type) == (len(data), "image/jpeg")
        path = store.path_of(digest(data))
        assert path.relative_to(folder(config)).parts[:2] == (digest(data)[:2], digest(data)[2:4])
        assert path.read_bytes() == data
    # The same picture twice is one file, in the folder and in the table.
    assert [r[0] for r in await fetch(db, "SELECT count(*) FROM files")] == [2]
    assert len([p for p in folder(config).rglob("*") if p.is_file()]) == 2
    trail = [e for e in await events.for_ticket(db.reader, ticket.id) if e.action == "file_kept"]
    assert [e.note and e.note.split()[1] for e in trail] == [f"sha256:{s.sha256}" for s in kept]
    # Kept is kept: a later run downloads nothing again.
    assert await keeper(db, clock, config, channel).keep_due() == 0
    assert len(channel.asked) == 3


async def test_a_failed_download_is_tried_again_later_and_kept(
    db: Database, clock: FixedClock, config: Config
) -> None:
    ticket = await filed(db, clock, config)
    channel = Channel(photos(), failing=Counter({"file-a": 2}))
    files = keeper(db, clock, config, channel)

    await files.keep_due()
    [first, *_] = await states(db, ticket)
    assert (first.status, first.attempts) == ("pending", 1)
    assert "ConnectionError" in (first.last_error or "")
    assert await files.keep_due() == 0  # not due again before its wait is over
    clock.advance(retry_delay(1))
    await files.keep_due()
    assert (await states(db, ticket))[0].attempts == 2
    clock.advance(retry_delay(2))
    await files.keep_due()

    [first, *_] = await states(db, ticket)
    assert (first.status, first.attempts) == ("kept", 3)
    assert await FolderStore(folder(config)).read(digest(photos()["file-a"])) == photos()["file-a"]


async def test_a_reference_the_channel_lost_ends_failed_and_the_case_goes_on(
    db: Database, clock: FixedClock, config: Config
) -> None:
    ticket = await filed(db, clock, config)
    before = await events.for_ticket(db.reader, ticket.id)
    channel = Channel(photos(), gone={"file-b"})
    files = keeper(db, clock, config, channel)

    for attempt in range(1, GONE_ATTEMPTS + 1):
        await files.keep_due()
        clock.advance(retry_delay(attempt))
    assert await files.keep_due() == 0

    assert [(s.status, s.attempts) for s in await states(db, ticket)] == [
        ("kept", 1),
        ("failed", GONE_ATTEMPTS),
        ("kept", 1),
    ]
    assert channel.asked.count("file-b") == GONE_ATTEMPTS
    [(status,)] = await fetch(db, "SELECT status FROM tickets WHERE id = ?", (ticket.id,))
    assert status == Status.NEW.value
    after = await events.for_ticket(db.reader, ticket.id)
    assert [e.action for e in after] == [e.action for e in before] + ["file_kept"] * 2


async def test_an_unwritable_store_is_retried_not_a_crash(
    db: Database, clock: FixedClock, config: Config
) -> None:
    ticket = await filed(db, clock, config)
    folder(config).parent.mkdir(parents=True, exist_ok=True)
    folder(config).write_bytes(b"")  # a file where the folder should be: nothing can be written
    files = keeper(db, clock, config, Channel(photos()))

    assert await files.keep_due() == 3
    assert [s.status for s in await states(db, ticket)] == ["pending"] * 3
    assert all("store:" in (s.last_error or "") for s in await states(db, ticket))

    folder(config).unlink()
    clock.advance(retry_delay(1))
    await files.keep_due()
    assert [s.status for s in await states(db, ticket)] == ["kept"] * 3


@POSTGRESQL_ONLY
async def test_two_processes_never_download_one_attachment_both(
    db: Database, clock: FixedClock, config: Config, reopen: Callable[[], Awaitable[Database]]
) -> None:
    tickets = [await filed(db, clock, config, f"d-{n}") for n in range(8)]
    other = await reopen()
    try:
        channel = Channel({f"file-{c}": JPEG + c.encode() for c in "abc"})
        first = FileKeeper(db, clock, FolderStore(folder(config)), channel, instance="p1", batch=2)
        second = FileKeeper(
            other, clock, FolderStore(folder(config)), channel, instance="p2", batch=2
        )

        async def run(files: FileKeeper) -> None:
            while await files.keep_due():
                pass

        await asyncio.gather(run(first), run(second), run(first), run(second))
    finally:
        await other.close()

    # 24 attachments, each downloaded once, however the two processes shared them.
    assert len(channel.asked) == 24
    for ticket in tickets:
        assert [s.status for s in await states(db, ticket)] == ["kept"] * 3
    [(kept_events,)] = await fetch(
        db, "SELECT count(*) FROM ticket_events WHERE action = 'file_kept'"
    )
    assert kept_events == 24


@POSTGRESQL_ONLY
async def test_a_dead_process_claim_lapses_to_another(
    db: Database, clock: FixedClock, config: Config, reopen: Callable[[], Awaitable[Database]]
) -> None:
    ticket = await filed(db, clock, config)
    other = await reopen()
    try:
        async with db.coordination() as conn:  # what a process took just before it died
            taken = await attachment_files.claim(
                conn, "dead", clock.now(), clock.now() + CLAIM_LEASE, 3
            )
        assert len(taken) == 3
        channel = Channel(photos())
        files = FileKeeper(other, clock, FolderStore(folder(config)), channel, instance="p2")
        assert await files.keep_due() == 0
        clock.advance(CLAIM_LEASE)
        assert await files.keep_due() == 3
    finally:
        await other.close()
    assert [s.status for s in await states(db, ticket)] == ["kept"] * 3
