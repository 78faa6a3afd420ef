"""Taking personal data out of what citizens wrote, before people outside casework read it.

Citizens type their phone number, e-mail or ID card number into the content of a case, and
often their own name and address as well. Supervisors read that content; they must not read
those. Masking errs on the side of hiding: a long number that might be a phone is hidden even
if it was something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# An e-mail address, however it is spelled.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digits, possibly grouped by spaces, dots or dashes, possibly with a leading +.
_NUMBER = re.compile(r"\+?\d(?:[ .\-]?\d)*")
# Money is written 1.500.000: groups of three after a first group not starting with 0.
_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
# Phones have 10 or 11 digits, old ID cards 9, citizen ID cards 12.
LONGEST_SHOWN = 8


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def mask_personal(text: str, known: Iterable[str | None] = (), *, mask: str) -> str:
    """`text` with e-mails, phone and ID numbers, and the `known` personal values (the
    citizen's own name, phone and address as they gave them) replaced by `mask`."""
    masked = text
    for value in sorted({v.strip() for v in known if v and len(v.strip()) >= 3}, key=len)[::-1]:
        masked = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", mask, masked, flags=re.IGNORECASE)
    masked = _EMAIL.sub(mask, masked)

    def number(match: re.Match[str]) -> str:
        found = match.group(0)
        if _digits(found) <= LONGEST_SHOWN or _AMOUNT.fullmatch(found):
            return found
        return mask

    return _NUMBER.sub(number, masked)
