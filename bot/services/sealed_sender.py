"""The outbox's sender for denouncers under a pseudonym: opens the seal at the moment of
sending and hands the message to the denouncer's own channel, so the queue never holds the
account (bot.services.denouncers files the case under the pseudonym)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.config import Config, sealer
from bot.messages import Notice
from bot.sealing import SealError
from bot.services.outbox import Sender, UndeliverableError
from storage import people
from storage.database import Database


class SealedSender:
    """Delivers the messages queued for a pseudonym through the denouncer's own channel; the
    queue holds only the pseudonym's random id, never the account."""

    def __init__(self, db: Database, config: Config, senders: Mapping[str, Sender]) -> None:
        self._db = db
        self._config = config
        self._senders = senders

    async def send(self, recipient: str, notice: Notice) -> None:
        seal = sealer(self._config)
        sealed = await people.sealed_by_external_id(self._db.reader, recipient)
        if seal is None or sealed is None:
            raise UndeliverableError("the sealed recipient is erased or there is no key")
        try:
            identity = seal.open_identity(sealed)
        except SealError:
            raise UndeliverableError("the sealed recipient cannot be opened") from None
        sender = self._senders.get(identity.channel)
        if sender is None:
            raise UndeliverableError("no sender for the sealed recipient's channel")
        await sender.send(identity.external_id, notice)
