"""A published case's photos leave the commune only once an officer of the case lets them out,
only while the case is public, and only the photos kept in the commune's store: on SQLite and
PostgreSQL, through the services the public site and the officer's button use."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.domain.draft import Draft, Photo
from bot.domain.people import Officer
from bot.domain.public_cases import CaseQuery
from bot.domain.tickets import Kind, Ticket
from bot.services import public_cases, publication
from bot.services.errors import CaseworkError
from storage import privacy
from storage.database import Database
from storage.file_store import FolderStore, digest
from tests.services.factories import fetch
from tests.services.test_casework_service import CHAIRMAN, OFFICE, World, file, world
from tests.services.test_file_keeping import JPEG, Channel, keeper
from tests.support.clock import FixedClock
from tests.web.world import _draft

PICTURES = {"pic-1": JPEG + b"o-ga", "pic-2": JPEG + b"cong-tac"}
ONE, TWO = (digest(data) for data in PICTURES.values())


def draft(draft_id: str, *, publish: bool, photos: bool = True) -> Draft:
    shot = [Photo(file_id=ref, file_unique_id=f"u-{ref}") for ref in PICTURES] if photos else []
    return _draft(draft_id, Kind.FEEDBACK, "giao-thong", publish=publish, photos=shot)


async def filed_and_kept(w: World, draft_id: str, *, publish: bool = True) -> Ticket:
    ticket = await file(w, draft(draft_id, publish=publish))
    await keeper(w.db, w.clock, w.config, Channel(dict(PICTURES))).keep_due()
    return ticket


def holder(w: World, ticket: Ticket) -> Officer:
    return next(o for o in w.staff.values() if o.person_id == ticket.assignee_id)


def store(config: Config) -> FolderStore:
    return FolderStore(config.storage.files_folder)


async def served(w: World, sha256: str) -> bytes | None:
    found = await public_cases.photo(w.db, w.config, store(w.config), sha256)
    return None if found is None else found.data


async def test_photos_go_out_only_once_the_officer_of_the_case_lets_them(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    ticket = await filed_and_kept(w, "p-1")
    case = await public_cases.case(db, config, ticket.code)
    assert case is not None
    assert case.photos == ()
    assert await served(w, ONE) is None, "the consent alone lets no photo out"
    with pytest.raises(CaseworkError, match=r"case\.not_allowed"):
        await publication.show_photos(db, clock, w.officer(OFFICE), ticket.id, shown=True)

    shown = await publication.show_photos(db, clock, holder(w, ticket), ticket.id, shown=True)

    assert shown.photos_public
    case = await public_cases.case(db, config, ticket.code)
    assert case is not None
    assert case.photos == (ONE, TWO), "in the order they were sent"
    listing = await public_cases.listing(db, config, CaseQuery(limit=100))
    [listed] = [c for c in listing if c.code == case.code]
    assert listed.photos == (ONE, TWO)
    found = await public_cases.photo(db, config, store(config), ONE)
    assert found is not None
    assert (found.data, found.media_type) == (PICTURES["pic-1"], "image/jpeg")
    for junk in ("", "../../etc/passwd", ONE.upper(), ONE[:-1], "0" * 64):
        assert await served(w, junk) is None
    # Twice is once in the history; a leader may take them back.
    await publication.show_photos(db, clock, w.officer(CHAIRMAN), ticket.id, shown=True)
    hidden = await publication.show_photos(db, clock, w.officer(CHAIRMAN), ticket.id, shown=False)
    assert not hidden.photos_public
    assert await served(w, ONE) is None
    events = await fetch(
        db, "SELECT action FROM ticket_events WHERE ticket_id = ? ORDER BY id", (ticket.id,)
    )
    assert [e["action"] for e in events][-2:] == ["photos_published", "photos_withheld"]


async def test_an_unpublished_case_or_one_without_photos_lets_nothing_out(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    private = await filed_and_kept(w, "p-private", publish=False)
    with pytest.raises(CaseworkError, match=r"publication\.photos_not_public"):
        await publication.show_photos(db, clock, w.officer(CHAIRMAN), private.id, shown=True)
    bare = await file(w, draft("p-bare", publish=True, photos=False))
    with pytest.raises(CaseworkError, match=r"publication\.no_photos"):
        await publication.show_photos(db, clock, w.officer(CHAIRMAN), bare.id, shown=True)
    # The same photos sent with a private case are not served for its sake either.
    assert await served(w, ONE) is None


async def test_withdrawing_or_erasing_takes_the_photos_back_with_the_case(
    db: Database, clock: FixedClock, config: Config
) -> None:
    w = await world(db, clock, config)
    withdrawn = await filed_and_kept(w, "p-withdrawn")
    await publication.show_photos(db, clock, w.officer(CHAIRMAN), withdrawn.id, shown=True)
    assert await served(w, ONE) == PICTURES["pic-1"]
    assert await publication.withdraw(db, clock, config, w.person, withdrawn.id) is not None
    assert await served(w, ONE) is None
    [row] = await fetch(db, "SELECT photos_public_since FROM tickets WHERE id = ?", (withdrawn.id,))
    assert row["photos_public_since"] is None, "a publication given again starts without them"

    erased = await filed_and_kept(w, "p-erased")
    await publication.show_photos(db, clock, w.officer(CHAIRMAN), erased.id, shown=True)
    assert await served(w, TWO) == PICTURES["pic-2"]
    async with db.transaction() as conn:
        await privacy.scrub_case(conn, erased.id, "[đã xóa]", clock.now())
    assert await served(w, TWO) is None
    assert await public_cases.case(db, config, erased.code) is None
