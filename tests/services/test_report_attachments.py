"""The report workbook's "Tệp đính kèm" sheet, read back with openpyxl, on SQLite and
PostgreSQL with the real store folder: one row per attachment of the period's cases, with what
it is, its hash as kept, and its state; a denunciation's or an erased case's document never by
name; a case whose files the retention period dropped shows the files its trail says it had.

`filed_with_files` builds the cases the `export-audit` tests export too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.config import Config, sealer
from bot.domain.draft import Media
from bot.domain.figures import Period
from bot.report_files.excel import workbook_bytes
from bot.services import casework, privacy
from bot.services.file_keeping import FileKeeper
from bot.services.intake import submit_case
from bot.services.reporting import build_report
from storage.database import Database
from storage.file_store import FileStore, FolderStore, digest
from tests.services.factories import citizen, complaint, fetch
from tests.services.test_casework_service import CHAIRMAN, OFFICE, denunciation, world
from tests.services.test_file_keeping import Channel, photos
from tests.support.clock import FixedClock

OGG = b"OggS\x00\x02" + b"giong-noi" * 20
PDF = b"%PDF-1.4\n" + b"don-khieu-nai" * 20
SEALED_PDF = b"%PDF-1.4\n" + b"don-to-cao" * 20
# A citizen's file name can be anything: a path, a way out of the folder, a control mark.
TRICKY_NAME = "../../đơn khiếu nại/..\\bản\u202eđồ.pdf"
DENOUNCER_FILE = "to-cao-cua-Tran-Van-Hung.pdf"


def voice(ref: str) -> Media:
    return Media(
        kind="voice",
        file_id=ref,
        file_unique_id=f"u-{ref}",
        duration=45,
        size=len(OGG),
        media_type="audio/ogg",
    )


def document(ref: str, name: str) -> Media:
    return Media(
        kind="document",
        file_id=ref,
        file_unique_id=f"u-{ref}",
        size=len(PDF),
        media_type="application/pdf",
        file_name=name,
    )


def channel_files() -> dict[str, bytes]:
    return {
        **photos(),
        "voice-a": OGG,
        "doc-a": PDF,
        "doc-s": SEALED_PDF,
        "voice-c": OGG,
        "doc-gone": PDF,
    }


@dataclass(frozen=True, slots=True)
class Filed:
    complete: str  # three photos, a voice note, a document with a tricky name: all kept
    sealed: str  # a denunciation with a photo and a document naming the denouncer: kept sealed
    failing: str  # a voice note still failing (pending) and a document the channel lost
    erased: str  # a complaint whose citizen's data was erased on request: files kept


async def filed_with_files(
    db: Database, clock: FixedClock, config: Config, store: FileStore | None = None
) -> Filed:
    """Four cases filed on 28/11/2026 by four citizens, their files downloaded as the keeper
    does, through a channel that holds them (tests.services.test_file_keeping.Channel), into
    `store` (the config's folder by default)."""
    w = await world(db, clock, config)
    drafts = {
        "complete": complaint("d-complete").model_copy(
            update={"media": [voice("voice-a"), document("doc-a", TRICKY_NAME)]}
        ),
        "sealed": denunciation("d-sealed").model_copy(
            update={
                "photos": complaint("x").photos[:1],
                "media": [document("doc-s", DENOUNCER_FILE)],
            }
        ),
        "failing": complaint("d-failing").model_copy(
            update={"photos": [], "media": [voice("voice-c"), document("doc-gone", "don.pdf")]}
        ),
        "erased": complaint("d-erased").model_copy(
            update={"media": [document("doc-a", "don-cua-Tran-Van-Hung.pdf")]}
        ),
    }
    codes = {}
    people = {}
    for name, draft in drafts.items():
        clock.advance(timedelta(minutes=1))
        person = await citizen(db, clock, f"citizen-{name}")
        people[name] = person
        codes[name] = (await submit_case(db, clock, config, person, draft)).code
    channel = Channel(channel_files(), failing=Counter({"voice-c": 100}), gone={"doc-gone"})
    store = store or FolderStore(config.storage.files_folder)
    keeper = FileKeeper(db, clock, store, channel, instance="p1", sealer=sealer(config))
    for _ in range(4):
        await keeper.keep_due()
        clock.advance(timedelta(hours=2))
    request, _ = await privacy.request_erasure(db, clock, config, people["erased"])
    await privacy.complete_erasure(db, clock, config, w.officer(OFFICE), request.id)
    return Filed(codes["complete"], codes["sealed"], codes["failing"], codes["erased"])


def files_sheet(data: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(BytesIO(data))
    sheet = book["Tệp đính kèm"]
    assert isinstance(sheet, Worksheet)
    assert (
        sheet["A1"].value
        == "UBND xã Sơn Ninh — Tệp đính kèm của các hồ sơ nhận từ 01/11/2026 đến 30/11/2026"
    )
    assert "bản mã hóa" in str(sheet["A2"].value)
    assert [c.value for c in sheet[3]] == [
        "Mã hồ sơ",
        "Tệp số",
        "Loại tệp",
        "Tên tài liệu",
        "Thời lượng (giây)",
        "Dung lượng (byte)",
        "Kiểu tệp",
        "Mã băm SHA-256",
        "Trạng thái",
    ]
    return [tuple(row) for row in sheet.iter_rows(min_row=4, values_only=True)]


NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


async def test_one_row_per_attachment_with_its_hash_and_state(
    db: Database, clock: FixedClock, config: Config
) -> None:
    filed = await filed_with_files(db, clock, config)
    report = await build_report(db, config, clock, NOVEMBER)
    rows = files_sheet(workbook_bytes(report, config))

    a, shared = digest(photos()["file-a"]), digest(photos()["file-b"])
    jpeg, kept = "image/jpeg", "Đã lưu"
    complete = [r for r in rows if r[0] == filed.complete]
    assert complete == [
        (filed.complete, 1, "Ảnh", None, None, len(photos()["file-a"]), jpeg, a, kept),
        (filed.complete, 2, "Ảnh", None, None, len(photos()["file-b"]), jpeg, shared, kept),
        (filed.complete, 3, "Ảnh", None, None, len(photos()["file-c"]), jpeg, shared, kept),
        (filed.complete, 4, "Tin nhắn thoại", None, 45, len(OGG), "audio/ogg", digest(OGG), kept),
        (filed.complete, 5, "Tài liệu", "../../đơn khiếu nại/..\\bảnđồ.pdf", None, len(PDF),
         "application/pdf", digest(PDF), kept),
    ]  # fmt: skip
    # The hashes are the ones recorded, and the trail's.
    recorded = await fetch(
        db,
        "SELECT f.sha256 FROM attachment_files f JOIN attachments a ON a.id = f.attachment_id "
        "JOIN tickets t ON t.id = a.ticket_id WHERE t.code = ? ORDER BY a.position",
        (filed.complete,),
    )
    assert [r[7] for r in complete] == [r[0] for r in recorded]

    sealed = [r for r in rows if r[0] == filed.sealed]
    assert [(r[1], r[2], r[3], r[8]) for r in sealed] == [
        (1, "Ảnh", None, "Đã lưu (mã hóa)"),
        (2, "Tài liệu", "(bảo mật)", "Đã lưu (mã hóa)"),
    ]
    stored = await fetch(
        db,
        "SELECT f.sha256 FROM attachment_files f JOIN attachments a ON a.id = f.attachment_id "
        "JOIN tickets t ON t.id = a.ticket_id WHERE t.code = ? ORDER BY a.position",
        (filed.sealed,),
    )
    assert [r[7] for r in sealed] == [r[0] for r in stored]
    assert digest(SEALED_PDF) not in [r[7] for r in sealed], "the ciphertext's hash, not the file's"
    # The size and type are the file's as sent.
    assert sealed[1][5:7] == (len(SEALED_PDF), "application/pdf")

    failing = [r for r in rows if r[0] == filed.failing]
    assert [(r[1], r[2], r[3], r[7], r[8]) for r in failing] == [
        (1, "Tin nhắn thoại", None, None, "Đang tải"),
        (2, "Tài liệu", "don.pdf", None, "Không lấy được"),
    ]
    # What the channel told of them is what is left to show.
    assert [r[5:7] for r in failing] == [(len(OGG), "audio/ogg"), (len(PDF), "application/pdf")]

    erased = [r for r in rows if r[0] == filed.erased]
    assert [(r[2], r[3], r[7], r[8]) for r in erased[-1:]] == [
        ("Tài liệu", "(đã xóa thông tin cá nhân)", digest(PDF), "Đã lưu")
    ]
    for row in rows:
        assert "Tran-Van-Hung" not in str(row)
    assert [str(r[0]) for r in rows] == sorted(str(r[0]) for r in rows), "in the cases' order"


async def test_files_dropped_by_the_retention_period_are_listed_as_such(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await submit_case(db, clock, config, w.person, complaint("d-old"))
    keeper = FileKeeper(
        db, clock, FolderStore(config.storage.files_folder), Channel(photos()), instance="p1"
    )
    await keeper.keep_due()
    chairman = w.officer(CHAIRMAN)
    await casework.accept(db, clock, config, chairman, ticket.id)
    await casework.resolve(db, clock, config, chairman, ticket.id, "Đã giải quyết xong.")
    clock.advance(timedelta(days=config.privacy.retention_days + 1))
    await privacy.apply_retention(db, clock, config)

    report = await build_report(db, config, clock, NOVEMBER)
    rows = files_sheet(workbook_bytes(report, config))

    a, shared = digest(photos()["file-a"]), digest(photos()["file-b"])
    dropped = "Đã xóa khi hết thời hạn lưu trữ"
    assert sorted(rows, key=str) == sorted(
        [
            (ticket.code, None, "Ảnh", None, None, len(photos()[ref]), None, sha, dropped)
            for ref, sha in (("file-a", a), ("file-b", shared), ("file-c", shared))
        ],
        key=str,
    )


async def test_a_period_without_files_has_the_headers_only(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await world(db, clock, config)
    report = await build_report(db, config, clock, NOVEMBER)
    assert files_sheet(workbook_bytes(report, config)) == []
