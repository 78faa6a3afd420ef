"""What a refused action raises: every use case (casework, reception, citizens, privacy...)
refuses politely with the same error, so the edge answers all of them the same way, without
depending on the use case that refused."""

from __future__ import annotations


class CaseworkError(Exception):
    """An action that cannot be done; `reason` names the polite sentence to answer with."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
