"""Rules of keeping a case's files: when to try a download again, when to give it up, what a
file's bytes say it is."""

from __future__ import annotations

from datetime import timedelta

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
