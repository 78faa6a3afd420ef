"""Sealing what must stay confidential: a denouncer's identity, the files of a sealed case and
a citizen's unsent draft.

The law keeps a denouncer's name, address and contact from everyone but the leader who resolves
the case (Luật Tố cáo Art 9, 47), and a copied database file or backup must not give them away.
So they are stored encrypted (Fernet: AES-128-CBC with an HMAC-SHA256 check, from the
`cryptography` package) under a key that never enters the database: it comes from
NGHE_DAN_SECRET_KEY or `[privacy] key_file`. A keyed hash (`tag`) lets a citizen find their own
sealed cases without anything in the file linking the two.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

from cryptography.fernet import Fernet, InvalidToken


class SealError(ValueError):
    """A sealed value cannot be opened with this key (another key, or a damaged value)."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who filed a sealed case: their chat account and the identity they gave."""

    channel: str
    external_id: str
    person_id: int
    name: str | None
    phone: str | None
    address: str | None


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def valid_key(text: str) -> bool:
    try:
        Fernet(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False
    return True


class Sealer:
    def __init__(self, key: str) -> None:
        raw = key.strip().encode("ascii")
        self._fernet = Fernet(raw)
        self._tag_key = hmac.new(raw, b"nghe-dan tag", hashlib.sha256).digest()

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as error:
            raise SealError("the value cannot be opened with this key") from error

    def seal_bytes(self, data: bytes) -> bytes:
        """A sealed case's file as it is stored: a fresh random IV each time, so the same
        picture sealed twice gives two unrelated ciphertexts."""
        return self._fernet.encrypt(data)

    def open_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as error:
            raise SealError("the file cannot be opened with this key") from error

    def tag(self, text: str) -> str:
        """The same text always gives the same tag; without the key it cannot be computed."""
        return hmac.new(self._tag_key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def person_tag(self, person_id: int) -> str:
        return self.tag(f"person:{person_id}")

    def seal_identity(self, identity: Identity) -> str:
        return self.seal(json.dumps(asdict(identity), ensure_ascii=False))

    def open_identity(self, token: str) -> Identity:
        try:
            return Identity(**json.loads(self.open(token)))
        except (TypeError, ValueError) as error:
            raise SealError("the sealed identity is damaged") from error
