"""Rules of keeping a case's files: when to try a download again, when to give it up, what a
file's bytes say it is, and how a file goes out to staff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

# A reference the channel says is gone may still be a passing fault of the channel; after this
# many answers alike it is given up, and the case goes on without the file.
GONE_ATTEMPTS = 3
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)

# The leading bytes of the types a chat channel hands over, and their media types.
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF8", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"OggS", "audio/ogg"),
)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: doubling from FIRST_RETRY, so an outage of
    the channel costs few tries, capped so a file comes within the hour once it is back."""
    doubled: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16)
    return min(doubled, LONGEST_RETRY)


def media_type(data: bytes) -> str:
    """What the bytes are, read from their first bytes: the channel's own word for it is not
    always given (a Zalo URL) and the file, not the claim about it, is the evidence."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return "application/octet-stream"


# How the audit trail notes a kept file ('file_kept'): written by the file keeper, read back by
# whoever must show a file whose rows are gone (the retention period dropped them) or check an
# export against the trail.
_KEPT_NOTE = re.compile(r"^(\w+)( sealed)? sha256:([0-9a-f]{64}) \((\d+) bytes\)$")


@dataclass(frozen=True, slots=True)
class KeptNote:
    kind: str
    sha256: str  # of the stored bytes: the ciphertext, for a sealed case's file
    size: int  # as sent, opened
    sealed: bool


def kept_note(kind: str, sha256: str, size: int, *, sealed: bool) -> str:
    """The audit trail's line: the stored file's hash, and its size as sent."""
    return f"{kind}{' sealed' if sealed else ''} sha256:{sha256} ({size} bytes)"


def read_kept_note(note: str | None) -> KeptNote | None:
    found = _KEPT_NOTE.match(note or "")
    if found is None:
        return None
    kind, sealed, sha256, size = found.groups()
    return KeptNote(kind, sha256, int(size), sealed is not None)


# A case file's state as reports and exports tell it: the download's three (storage's
# attachment_files) and one more, a file kept once whose rows the retention period dropped.
KEPT = "kept"
PENDING = "pending"
FAILED = "failed"
DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class FileFacts:
    """One attachment of a case as the report lists it. `file_name` is the channel's, which the
    reader of the report decides to show (never for a sealed or erased case); `sha256` is of the
    stored bytes, the ciphertext for a sealed case (`sealed`)."""

    code: str
    position: int | None  # None once the retention period dropped the attachment
    kind: str
    file_name: str | None
    duration: int | None
    size: int | None
    media_type: str | None
    sha256: str | None
    state: str
    sealed: bool
    erased: bool


class Way(StrEnum):
    """How a case's file goes to a member of staff on Telegram."""

    CACHED = "cached"  # the kept file, by the id the bot got when it first uploaded it
    UPLOAD = "upload"  # the kept file's bytes, from the store
    REFERENCE = "reference"  # the citizen's own Telegram file id: nothing kept yet
    WAIT = "wait"  # a Zalo image URL may be dead already: wait for the store to have it
    MISSING = "missing"  # nothing to send: the words alone, and why


def is_url(reference: str) -> bool:
    """A Zalo attachment's reference is its URL; a Telegram one is a file id."""
    return reference.startswith(("http://", "https://"))


def way_to_send(status: str | None, reference: str, *, cached: bool, opened: bool) -> Way:
    """Staff see the file the commune keeps, not the channel's reference to it: once kept, the
    store's (by its upload's id after the first time). Before that, a Telegram citizen's file id
    works for the same bot at once, while a Zalo URL is waited for (it may expire any moment,
    and Telegram would fetch it only later). A file the store cannot give (a sealed file without
    its key: `opened` False) or the channel gave up on goes as the words alone, as does one whose
    reference an erasure cut before it was kept.

    `status` is the attachment's way into the store (storage.attachment_files), None when its
    row is gone (the case's retention ended)."""
    if status == KEPT and opened:
        return Way.CACHED if cached else Way.UPLOAD
    telegram_file = bool(reference) and not is_url(reference)
    if status == PENDING:
        return Way.REFERENCE if telegram_file else Way.WAIT
    if status == FAILED and telegram_file:
        return Way.REFERENCE
    return Way.MISSING
