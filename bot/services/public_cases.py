"""Công khai: the published cases, masked, for the public page and the Open311 API."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot.config import Config
from bot.domain.public_cases import CaseQuery, PublicCase, public_view
from bot.texts import t
from storage import public_cases
from storage.database import Database
from storage.file_store import FileStore, is_hash

# Masking is most of a page's time (a page of 1,000 cases took 160 ms of it; make bench,
# publication) and everyone reads the same newest cases, so each view is kept, by everything it
# is made of: a case changed in any way is a new key, never a stale view.
VIEWS_KEPT = 20_000
_view = lru_cache(maxsize=VIEWS_KEPT)(public_view)


@dataclass(frozen=True, slots=True)
class Photo:
    data: bytes
    media_type: str


def _conduct(config: Config) -> str | None:
    return config.routing.conduct_category or None


async def listing(db: Database, config: Config, query: CaseQuery) -> list[PublicCase]:
    """One page of published cases, newest first, as anyone may read them."""
    found = await public_cases.page(db.reader, query, _conduct(config))
    mask = t("web.masked")
    return [_view(published, mask) for published in found]


async def case(db: Database, config: Config, code: str) -> PublicCase | None:
    """A published case by code; None for an unpublished one exactly as for an unknown one."""
    found = await public_cases.find(db.reader, code, _conduct(config))
    return None if found is None else _view(found, t("web.masked"))


async def photo(db: Database, config: Config, store: FileStore, sha256: str) -> Photo | None:
    """A photo a published case lets out, from the commune's store; None for any other file
    (not a photo, of a case not published, not let out by an officer, or not kept)."""
    if not is_hash(sha256):
        return None
    media_type = await public_cases.photo_type(db.reader, sha256, _conduct(config))
    if media_type is None:
        return None
    try:
        data = await store.read(sha256)
    except FileNotFoundError:
        return None
    return Photo(data, media_type)
