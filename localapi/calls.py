"""Who called the emulator, when, and what it answered: the record a multi-process test reads.

Several bot processes share one token, so Telegram cannot tell them apart, and neither could
the emulator. A test that must know which process polled, or which one sent a reply, gives each
process its own base URL `{base_url}/as/{caller}` (`BotApiEmulator.base_url_as`); the prefix is
stripped before the request is served, so it changes nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from localapi.errors import JSON

CALLER_PREFIX = "as"


@dataclass
class Call:
    """One request: `at` is time.monotonic() at its arrival (a long poll answers much later),
    `status` the HTTP status it got, None while it is still being served."""

    at: float
    caller: str
    method: str
    params: JSON = field(repr=False)
    status: int | None = None


def split_caller(parts: list[str]) -> tuple[str, list[str]]:
    """("p1", the rest) for a path "as/p1/...", ("", parts) for any other."""
    if len(parts) > 2 and parts[0] == CALLER_PREFIX:
        return parts[1], parts[2:]
    return "", parts
