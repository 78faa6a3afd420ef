"""Cases filed by other systems through Open311's POST (issue #21): routed and followed up
exactly like a chat citizen's, under one account per client system.

A client reads a case's progress with GET, so nothing is sent to it: its account's channel
(`API_CHANNEL`) is one the outbox never queues for. What a client files is a phản ánh and is
published (Open311 requests are public by the standard's design), with its personal data
hidden as for every published case; one in the conduct category stays private, as always.
"""

from __future__ import annotations

import hashlib
import uuid

from bot.clock import Clock
from bot.config import Config
from bot.domain.draft import Draft, Photo, Step
from bot.domain.open311 import ServiceRequest
from bot.domain.people import API_CHANNEL
from bot.domain.tickets import Kind, Ticket
from bot.services.intake import submit_case
from storage import people
from storage.database import Database


def _draft(request: ServiceRequest, config: Config) -> Draft:
    photos = []
    if request.media_url is not None:
        unique = hashlib.sha256(request.media_url.encode()).hexdigest()[:32]
        photos.append(Photo(file_id=request.media_url, file_unique_id=unique))
    return Draft(
        draft_id=uuid.uuid4().hex,
        step=Step.CONFIRM,
        kind=Kind.FEEDBACK,
        category_id=request.service_code,
        content=request.description,
        photos=photos,
        latitude=request.lat,
        longitude=request.long,
        place=request.address,
        # Not the chat's "leave your details" chain (name, phone and address, all three): a
        # client gives what its user gave, and the case keeps that.
        wants_contact=False,
        contact_name=request.name,
        contact_phone=request.phone,
        phone_buttons=False,
        publication=True,
        conduct=request.service_code == config.routing.conduct_category,
        publish=True,
    )


async def file_request(
    db: Database, clock: Clock, config: Config, client: str, request: ServiceRequest
) -> Ticket:
    """File the request as a new case under the client's account."""
    async with db.transaction() as conn:
        account = await people.upsert(conn, API_CHANNEL, client, client, clock.now())
    return await submit_case(db, clock, config, account, _draft(request, config))
