"""Công khai: the published cases, masked, for the public page and the Open311 API."""

from __future__ import annotations

from bot.config import Config
from bot.domain.public_cases import CaseQuery, PublicCase, public_view
from bot.texts import t
from storage import public_cases
from storage.database import Database


def _conduct(config: Config) -> str | None:
    return config.routing.conduct_category or None


async def listing(db: Database, config: Config, query: CaseQuery) -> list[PublicCase]:
    """One page of published cases, newest first, as anyone may read them."""
    found = await public_cases.page(db.reader, query, _conduct(config))
    mask = t("web.masked")
    return [public_view(published, mask) for published in found]


async def case(db: Database, config: Config, code: str) -> PublicCase | None:
    """A published case by code; None for an unpublished one exactly as for an unknown one."""
    found = await public_cases.find(db.reader, code, _conduct(config))
    return None if found is None else public_view(found, t("web.masked"))
