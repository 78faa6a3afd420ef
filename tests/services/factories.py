"""Building blocks for use-case tests: complete drafts and consenting citizens."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.clock import Clock
from bot.domain.draft import Draft, Photo, Step
from bot.domain.people import Person
from bot.domain.tickets import Kind
from bot.services.citizens import give_consent
from storage.database import Database

CHANNEL = "telegram"


async def citizen(db: Database, clock: Clock, external_id: str, name: str = "Người dân") -> Person:
    return await give_consent(db, clock, CHANNEL, external_id, name)


def feedback(
    draft_id: str, content: str = "Đèn đường thôn Đông tắt cả tuần nay.", **extra: Any
) -> Draft:
    """A complete anonymous feedback draft, as the dialog leaves it at the summary."""
    fields: dict[str, Any] = {
        "draft_id": draft_id,
        "step": Step.CONFIRM,
        "kind": Kind.FEEDBACK,
        "category_id": "giao-thong",
        "content": content,
        "wants_contact": False,
    }
    fields.update(extra)
    return Draft(**fields)


def complaint(draft_id: str) -> Draft:
    """A complete complaint with every optional field filled in."""
    return Draft(
        draft_id=draft_id,
        step=Step.CONFIRM,
        kind=Kind.COMPLAINT,
        category_id="dat-dai",
        content="Nhà bên cạnh xây lấn sang đất của gia đình tôi khoảng 30 cm.",
        photos=[
            Photo(file_id="file-a", file_unique_id="uniq-a"),
            Photo(file_id="file-b", file_unique_id="uniq-b"),
            Photo(file_id="file-c", file_unique_id="uniq-c"),
        ],
        latitude=20.1234,
        longitude=105.9876,
        place="Ngõ 5, thôn Đoài",
        contact_name="Trần Văn Hùng",
        contact_phone="0912345678",
        contact_address="Số 12, thôn Đoài, xã Sơn Ninh",
    )


async def fetch(db: Database, sql: str, params: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
    """Rows read straight from the database file, through the reader connection."""
    return list(await db.reader.execute_fetchall(sql, params))
