"""A case exported whole for an inspection (`nghe-dan export-audit --out`): its record and each
of its files as the citizen sent them, with the hash the database and the audit trail recorded.

A file is named in the archive by its place in the case and its kind (`01-anh.jpg`); a document
keeps its own name where it may be shown (`03-don.pdf`), made safe first: a citizen's file name
is text from outside, and in an archive "../../x" or "C:\\x" would write outside the folder it
is unpacked in on some tools, and a right-to-left mark would disguise the extension.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain.audit import CaseRecord
from bot.domain.tickets import DOCUMENT

# The states of a file as the archive's manifest tells them: the download's (bot.domain.files:
# kept, pending, failed) and what reading it back found.
MISSING = "missing"  # recorded as kept, but the store has no file under its hash
DAMAGED = "damaged"  # the store's bytes do not hash to what was recorded
UNOPENED = "unopened"  # a sealed case's file, and this server has not the key it was sealed with

NAME_LIMIT = 100  # characters of a document's own name in the archive
_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
}
_PATH = re.compile(r"[/\\]")
_RESERVED = re.compile(r'[<>:"|?*]')


@dataclass(frozen=True, slots=True)
class FileCopy:
    """One attachment as exported. `recorded_sha256` is the hash the database and the trail
    hold: of the stored bytes, which for a sealed case are the ciphertext; `data` is the file as
    the citizen sent it (opened), None when it is not in the archive (see `state`)."""

    position: int
    kind: str
    state: str
    media_type: str | None
    size: int | None
    recorded_sha256: str | None
    in_trail: bool  # a 'file_kept' event of the case names `recorded_sha256`
    file_name: str | None
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class CaseExport:
    record: CaseRecord
    files: tuple[FileCopy, ...]

    @property
    def names_shown(self) -> bool:
        """A document's own name may name its sender: a denouncer's is sealed, an erased
        citizen's is gone with the rest of their data."""
        return not self.record.ticket.sealed and not self.record.ticket.erased


def extension(media_type: str | None) -> str:
    return _EXTENSIONS.get((media_type or "").lower(), ".bin")


def safe_name(name: str | None) -> str:
    """The last part of `name` as a plain file name: no folder, no control or format marks, no
    character a file system refuses, no leading dot; "" when nothing is left."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ" or ch == " ")
    text = _PATH.split(text)[-1]
    text = _RESERVED.sub("_", text).strip(" .")
    if len(text) > NAME_LIMIT:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: NAME_LIMIT - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            text = text[:NAME_LIMIT].rstrip(" .")
    return text


def member_name(copy: FileCopy, stem: str, *, width: int, names_shown: bool) -> str:
    """`files/01-anh.jpg`: the position, then the document's own name where it may be shown,
    else `stem` (the kind's word) and the extension of its type."""
    own = safe_name(copy.file_name) if names_shown and copy.kind == DOCUMENT else ""
    return f"files/{copy.position:0{width}d}-{own or stem + extension(copy.media_type)}"
