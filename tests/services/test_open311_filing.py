"""A case filed by another system through Open311's POST: routed like a chat citizen's, its
contact details kept as contact details, published, and nothing queued for the client."""

from __future__ import annotations

from bot.config import Config
from bot.domain.open311 import ServiceRequest
from bot.domain.people import API_CHANNEL
from bot.domain.publication import is_public
from bot.domain.tickets import Attachment, Kind, Status
from bot.services.officers import sync_from_config
from bot.services.open311 import file_request
from storage.database import Database
from tests.services.factories import fetch
from tests.support.clock import FixedClock

REQUEST = ServiceRequest(
    service_code="moi-truong",
    description="Rác thải đổ trộm ở đầu ngõ 3, thôn Đông.",
    lat=20.2501,
    long=105.9702,
    address=None,
    name="Nguyễn Văn An",
    phone="0912345678",
    media_url="https://anh.example.vn/1.jpg",
)


async def test_a_request_becomes_a_routed_published_case(
    db: Database, clock: FixedClock, config: Config
) -> None:
    await sync_from_config(db, clock, config, "telegram")
    first = await file_request(db, clock, config, "trung-tam-ioc", REQUEST)
    second = await file_request(db, clock, config, "trung-tam-ioc", REQUEST)

    assert (first.code, second.code) == ("SN-2026-00001", "SN-2026-00002")
    assert first.kind is Kind.FEEDBACK
    assert first.status is Status.NEW
    assert first.department_id == config.category("moi-truong").department  # type: ignore[union-attr]
    assert first.assignee_id is not None
    assert (first.contact_name, first.contact_phone) == ("Nguyễn Văn An", "0912345678")
    assert (first.latitude, first.longitude) == (20.2501, 105.9702)
    assert is_public(first, config.routing.conduct_category)
    [photo] = first.attachments
    assert isinstance(photo, Attachment)
    assert photo.file_id == REQUEST.media_url

    accounts = await fetch(db, "SELECT id FROM people WHERE channel = ?", (API_CHANNEL,))
    assert len(accounts) == 1, "one account per client"
    queued = await fetch(db, "SELECT channel, recipient FROM outbox")
    assert queued, "the officer is told of the new cases"
    assert all(channel != API_CHANNEL for channel, _ in queued), "nothing for the client"


async def test_a_conduct_case_from_a_client_stays_private(
    db: Database, clock: FixedClock, config: Config
) -> None:
    conduct = config.routing.conduct_category
    assert conduct
    request = ServiceRequest(
        conduct, REQUEST.description, None, None, "Trụ sở xã", None, None, None
    )
    ticket = await file_request(db, clock, config, "trung-tam-ioc", request)
    assert not ticket.public
    assert not is_public(ticket, conduct)
