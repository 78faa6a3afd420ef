"""Voice notes and documents of a case, on SQLite and PostgreSQL: filed with their details
(migration 016), queued for the file keeper in the filing's transaction, sent to the officer
with the card; and added after filing through "➕ Bổ sung thông tin", in one transaction with
the event, the queue and the officer's notices."""

from __future__ import annotations

import json

import pytest

from bot.config import Config
from bot.domain.draft import Draft, Media
from bot.domain.tickets import Attachment
from bot.services import citizen_replies
from bot.services.errors import CaseworkError
from storage import attachment_files, tickets
from storage.database import Database
from tests.services.factories import citizen, complaint, fetch
from tests.services.test_casework_service import (
    OFFICE,
    file,
    last_outbox_id,
    snapshot,
    world,
)
from tests.support.clock import FixedClock

VOICE = Media(
    kind="voice",
    file_id="voice-a",
    file_unique_id="uv-a",
    duration=45,
    size=70_000,
    media_type="audio/ogg",
)
PDF = Media(
    kind="document",
    file_id="doc-a",
    file_unique_id="ud-a",
    size=300_000,
    media_type="application/pdf",
    file_name="don-khieu-nai.pdf",
)


def with_media(draft_id: str) -> Draft:
    """A land complaint (three photos; the Office holds it) with a voice note and a signed đơn."""
    return complaint(draft_id).model_copy(update={"media": [VOICE, PDF]})


async def payloads(db: Database, after: int = 0) -> list[dict[str, object]]:
    rows = await fetch(db, "SELECT payload FROM outbox WHERE id > ? ORDER BY id", (after,))
    return [json.loads(r["payload"]) for r in rows]


async def test_a_case_keeps_its_voice_note_and_document_with_their_details(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, with_media("draft-media-1"))

    assert [a.kind for a in ticket.attachments] == ["photo"] * 3 + ["voice", "document"]
    assert ticket.attachments[3] == Attachment(
        "voice", "voice-a", "uv-a", 45, 70_000, "audio/ogg", None
    )
    assert ticket.attachments[4] == Attachment(
        "document", "doc-a", "ud-a", None, 300_000, "application/pdf", "don-khieu-nai.pdf"
    )
    queued = await attachment_files.for_ticket(db.reader, ticket.id)
    assert [(q.position, q.kind, q.status) for q in queued] == [
        (1, "photo", "pending"),
        (2, "photo", "pending"),
        (3, "photo", "pending"),
        (4, "voice", "pending"),
        (5, "document", "pending"),
    ]


async def test_the_officer_gets_the_card_then_every_file(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    await file(w, with_media("draft-media-2"))

    sent = await payloads(db)
    card = str(sent[0]["text"])
    assert "🎤 1 tin nhắn thoại (45 giây):" in card
    assert "📄 Tệp 1: don-khieu-nai.pdf" in card
    assert "Ảnh kèm theo: 3" in card
    files = [(p["photo"], p["voice"], p["document"]) for p in sent[1:6]]
    assert files == [
        ("file-a", None, None),
        ("file-b", None, None),
        ("file-c", None, None),
        (None, "voice-a", None),
        (None, None, "doc-a"),
    ]
    assert sent[4]["text"] == "🎤 Tin nhắn thoại 1 của hồ sơ SN-2026-00001 (45 giây)"
    assert {p["delivery"] for p in sent[1:6]} == {"at-least-once"}


async def test_a_supplement_of_files_is_kept_queued_and_told_in_one_go(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, complaint("draft-media-3"))
    before = await last_outbox_id(db)
    voice = Attachment("voice", "voice-b", "uv-b", 30, 50_000, "audio/ogg")

    await citizen_replies.citizen_adds_files(
        db, clock, config, w.person, ticket.id, [voice], "Tôi kể thêm bằng lời."
    )

    stored = await tickets.get(db.reader, ticket.id)
    assert stored is not None
    assert stored.attachments[-1] == voice
    queued = await attachment_files.for_ticket(db.reader, ticket.id)
    assert [(q.position, q.kind) for q in queued][-1] == (4, "voice")
    trail = await fetch(
        db, "SELECT action, note FROM ticket_events WHERE ticket_id = ? ORDER BY id", (ticket.id,)
    )
    assert tuple(trail[-1]) == ("add_info", "tin nhắn thoại: Tôi kể thêm bằng lời.")
    told = await fetch(
        db, "SELECT recipient, payload FROM outbox WHERE id > ? ORDER BY id", (before,)
    )
    assert {r["recipient"] for r in told} == {OFFICE}
    lead, sent_voice = (json.loads(r["payload"]) for r in told)
    assert "➕ Người dân bổ sung tin nhắn thoại cho hồ sơ SN-2026-00001" in lead["text"]
    assert "«Tôi kể thêm bằng lời.»" in lead["text"]
    assert sent_voice["voice"] == "voice-b"
    assert sent_voice["text"] == "🎤 Tin nhắn thoại 1 của hồ sơ SN-2026-00001 (30 giây)"


async def test_a_supplement_numbers_photos_after_those_filed(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, complaint("draft-media-4"))
    before = await last_outbox_id(db)
    photo = Attachment("photo", "file-d", "uniq-d")
    await citizen_replies.citizen_adds_files(db, clock, config, w.person, ticket.id, [photo])
    sent = await payloads(db, before)
    assert sent[1]["text"] == "Ảnh 4 của hồ sơ SN-2026-00001"


async def test_a_full_case_takes_no_more_files_and_nothing_is_written(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, complaint("draft-media-5"))
    room = 2 * config.intake.max_photos - len(ticket.attachments)
    photos = [Attachment("photo", f"f{n}", f"u{n}") for n in range(room)]
    await citizen_replies.citizen_adds_files(db, clock, config, w.person, ticket.id, photos)
    before = await snapshot(db)
    queued = await attachment_files.for_ticket(db.reader, ticket.id)

    with pytest.raises(CaseworkError) as refused:
        await citizen_replies.citizen_adds_files(
            db, clock, config, w.person, ticket.id, [Attachment("photo", "one", "more")]
        )

    assert refused.value.reason == "citizen.files.full"
    assert await snapshot(db) == before
    assert await attachment_files.for_ticket(db.reader, ticket.id) == queued


async def test_another_citizen_cannot_add_files_to_a_case(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await file(w, complaint("draft-media-6"))
    stranger = await citizen(db, clock, "9002", "Người lạ")
    before = await snapshot(db)
    with pytest.raises(CaseworkError):
        await citizen_replies.citizen_adds_files(
            db, clock, config, stranger, ticket.id, [Attachment("photo", "x", "y")]
        )
    assert await snapshot(db) == before
