"""Cases of every kind the public side must tell apart, each with distinctive personal data.

Every case carries a name, phone and address in its contact fields and in its text, so a test
can search every response for them: only the published cases may appear, and masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.config import Config
from bot.domain.draft import Draft, Photo
from bot.domain.tickets import Kind, Status, Ticket
from bot.services.file_keeping import FileKeeper
from bot.services.intake import submit_case
from storage import tickets
from storage.database import Database
from storage.file_store import FolderStore, digest
from tests.services.factories import citizen, feedback
from tests.services.test_file_keeping import JPEG
from tests.support.clock import FixedClock

# Personal data no response may carry.
SECRETS = (
    "Lường Thị Xuyến",
    "0987654321",
    "0987 654 321",
    "Xóm Mít Bảy",
    "Quàng Văn Pó",
    "0911222333",
    "Bản Phiêng Lanh",
    "Nông Thị Đào",
    "Hà Văn Khuyên",
)


# The photos of the world's cases: the resolved case's two, let out by its officer, and one
# of the unpublished case, marked let out by force so that only the public rule hides it.
PUBLIC_PHOTOS = {"w-cong-1": JPEG + b"cong tac", "w-cong-2": JPEG + b"cong da thong"}
HIDDEN_PHOTO = {"w-nha": JPEG + b"mat tien nha, so nha 12"}


@dataclass
class World:
    published: list[Ticket] = field(default_factory=list)
    hidden: list[Ticket] = field(default_factory=list)

    @property
    def public_photos(self) -> list[str]:
        return [digest(data) for data in PUBLIC_PHOTOS.values()]

    @property
    def hidden_photo(self) -> str:
        return digest(HIDDEN_PHOTO["w-nha"])

    @property
    def hidden_codes(self) -> list[str]:
        return [ticket.code for ticket in self.hidden]


def _draft(draft_id: str, kind: Kind, category: str, *, publish: bool, **extra: object) -> Draft:
    content = (
        "Tôi là Lường Thị Xuyến ở Xóm Mít Bảy, con trai là Quàng Văn Pó, số 0987 654 321: "
        "cống thoát nước trước nhà bị tắc, nước tràn ra đường."
    )
    contact = {
        "contact_name": "Lường Thị Xuyến",
        "contact_phone": "0987654321",
        "contact_address": "Xóm Mít Bảy, thôn Đông",
    }
    return feedback(
        draft_id,
        content,
        kind=kind,
        category_id=category,
        publication=True,
        publish=publish,
        wants_contact=True,
        **(contact | extra),
    )


async def _file(db: Database, clock: FixedClock, config: Config, n: int, draft: Draft) -> Ticket:
    person = await citizen(db, clock, f"web-{n}", name="Quàng Văn Pó")
    clock.advance(timedelta(minutes=7))
    return await submit_case(db, clock, config, person, draft)


async def _set(db: Database, ticket: Ticket, sql: str, *values: object) -> None:
    async with db.transaction() as conn:
        await conn.execute(f"UPDATE tickets SET {sql} WHERE id = ?", (*values, ticket.id))


async def build(db: Database, clock: FixedClock, config: Config) -> World:
    """Three published cases (one resolved and rated, one with a map point, one with a place in
    words) and one of every case that must stay hidden."""
    world = World()
    conduct = config.routing.conduct_category
    n = 0

    async def file(draft: Draft) -> Ticket:
        nonlocal n
        n += 1
        return await _file(db, clock, config, n, draft)

    solved = await file(
        _draft("w-solved", Kind.FEEDBACK, "giao-thong", publish=True, photos=_photos(PUBLIC_PHOTOS))
    )
    async with db.transaction() as conn:
        await tickets.update(
            conn,
            solved.id,
            clock.now(),
            status=Status.RESOLVED,
            accepted_at=clock.now(),
            closed_at=clock.now(),
            result="Đã thông cống; cảm ơn bà Lường Thị Xuyến (0987654321) đã báo.",
            rating="satisfied",
        )
    mapped = await file(
        _draft("w-map", Kind.PETITION, "moi-truong", publish=True, latitude=20.25, longitude=105.97)
    )
    worded = await file(
        _draft("w-place", Kind.FEEDBACK, "giao-thong", publish=True, place="Xóm Mít Bảy, gần cầu")
    )
    world.published += [solved, mapped, worded]
    unpublished = await file(
        _draft(
            "w-unpublished",
            Kind.FEEDBACK,
            "giao-thong",
            publish=False,
            photos=_photos(HIDDEN_PHOTO),
        )
    )
    world.hidden.append(unpublished)
    complaint = await file(
        _draft("w-complaint", Kind.COMPLAINT, "dat-dai", publish=True, contact_name="Nông Thị Đào")
    )
    sealed = await file(
        _draft(
            "w-denunciation",
            Kind.DENUNCIATION,
            "dat-dai",
            publish=True,
            contact_name="Hà Văn Khuyên",
            contact_phone="0911222333",
            contact_address="Bản Phiêng Lanh",
        )
    )
    erased = await file(_draft("w-erased", Kind.FEEDBACK, "giao-thong", publish=True))
    about_officer = await file(_draft("w-conduct", Kind.FEEDBACK, conduct, publish=True))
    subject = await file(_draft("w-subject", Kind.FEEDBACK, "giao-thong", publish=True))
    # What only casework or erasure does: forced here, with public_since kept, so the rule
    # and not the missing consent is what hides them.
    now = clock.now().isoformat()
    for hidden in (complaint, sealed, erased, about_officer, subject):
        await _set(db, hidden, "public_since = ?", now)
    await _set(db, erased, "erased_at = ?", now)
    await _set(db, subject, "subject_id = citizen_id")
    world.hidden += [complaint, sealed, erased, about_officer, subject]
    store = FolderStore(config.storage.files_folder)
    await FileKeeper(db, clock, store, _channel, instance="web").keep_due()
    await _set(db, solved, "photos_public_since = ?", now)
    await _set(db, unpublished, "photos_public_since = ?", now)
    return world


def _photos(pictures: dict[str, bytes]) -> list[Photo]:
    return [Photo(file_id=ref, file_unique_id=f"u-{ref}") for ref in pictures]


async def _channel(kind: str, reference: str) -> bytes:
    return (PUBLIC_PHOTOS | HIDDEN_PHOTO)[reference]
