"""Denouncers whose identity is sealed: filing under a pseudonym, finding one's own sealed
cases, and a leader's audited view of who they are.

A tố cáo is filed under a pseudonymous person (channel "sealed"), so neither the case, its
history, nor the messages queued for the denouncer point at the citizen's own row; the account
and the name, phone and address they gave are sealed in that pseudonym (bot/sealing.py);
messages to them go out through bot.services.sealed_sender.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config, sealer
from bot.domain.draft import Draft
from bot.domain.people import Officer, Person
from bot.domain.tickets import Kind, Ticket
from bot.domain.workflow import access, sees_identity
from bot.sealing import Identity, SealError
from bot.services.errors import CaseworkError
from bot.services.officers import actor
from storage import events, people, tickets
from storage.connection import Connection
from storage.database import Database

_LOGGER = logging.getLogger(__name__)
IDENTITY_VIEWED = "identity_viewed"


def seals(config: Config, draft: Draft) -> bool:
    return draft.kind is Kind.DENUNCIATION and sealer(config) is not None


async def pseudonym_for(
    conn: Connection, clock: Clock, config: Config, citizen: Person, draft: Draft
) -> Person:
    """The person a denunciation is filed under, with the citizen's identity sealed in it."""
    seal = sealer(config)
    if seal is None:
        raise CaseworkError("intake.denunciation_needs_key")
    identity = Identity(
        channel=citizen.channel,
        external_id=citizen.external_id,
        person_id=citizen.id,
        name=draft.contact_name,
        phone=draft.contact_phone,
        address=draft.contact_address,
    )
    return await people.add_pseudonym(
        conn, seal.seal_identity(identity), seal.person_tag(citizen.id), clock.now()
    )


async def filer_ids(conn: Connection, config: Config, citizen: Person) -> list[int]:
    """Every person id the citizen's cases are filed under: their own and their pseudonyms."""
    seal = sealer(config)
    if seal is None:
        return [citizen.id]
    return [citizen.id, *await people.pseudonyms(conn, seal.person_tag(citizen.id))]


async def acting_as(
    conn: Connection, config: Config, citizen: Person, ticket: Ticket | None
) -> int:
    """The person id under which this citizen acts on this case: the pseudonym it was filed
    under if it is theirs, else their own (which authorization then refuses if not theirs)."""
    if ticket is None or not ticket.sealed:
        return citizen.id
    theirs = ticket.citizen_id in await filer_ids(conn, config, citizen)
    return ticket.citizen_id if theirs else citizen.id


async def sealed_values(
    conn: Connection, config: Config, ticket_ids: Sequence[int]
) -> tuple[str | None, ...]:
    """The name, phone and address sealed for these cases, so that erasing them can also mask
    them where the denouncer wrote them into the case; opened by the system, not shown to anyone."""
    seal = sealer(config)
    if seal is None:
        return ()
    values: list[str | None] = []
    for token in await people.seals_of_cases(conn, ticket_ids):
        try:
            identity = seal.open_identity(token)
        except SealError:
            continue
        values += [identity.name, identity.phone, identity.address]
    return tuple(values)


@dataclass(frozen=True, slots=True)
class Revealed:
    ticket: Ticket
    identity: Identity


async def reveal(
    db: Database, clock: Clock, config: Config, leader: Officer, ticket_id: int
) -> Revealed:
    """A leader's look at who filed a sealed case, recorded in its history before it is shown.

    Anyone else, or a case that is not sealed, is "not found"; an identity erased on request
    (or sealed under another key) says so.
    """
    seal = sealer(config)
    async with db.transaction() as conn:
        ticket = await tickets.get(conn, ticket_id)
        if ticket is None or not ticket.sealed or not sees_identity(actor(leader), access(ticket)):
            _LOGGER.warning("refused: person %s may not see a sealed identity", leader.person_id)
            raise CaseworkError("case.not_found")
        sealed = await people.sealed_of(conn, ticket.citizen_id)
        if seal is None or sealed is None:
            raise CaseworkError("identity.unavailable")
        try:
            identity = seal.open_identity(sealed)
        except SealError:
            _LOGGER.error(
                "the sealed identity of case %s cannot be opened with this key", ticket.code
            )
            raise CaseworkError("identity.unavailable") from None
        await events.add(
            conn,
            ticket.id,
            at=clock.now(),
            actor_id=leader.person_id,
            action=IDENTITY_VIEWED,
            from_status=ticket.status,
            to_status=ticket.status,
        )
    return Revealed(ticket, identity)


async def count_clear(db: Database) -> int:
    """Denunciations filed before identities were sealed that still hold one in clear: the
    start-up warns about them."""
    return await tickets.count_clear_denunciations(db.reader)
