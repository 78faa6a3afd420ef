"""Who may see a case's kept files.

The files of a sealed case (a tố cáo) may show the denouncer as surely as their name does (a
voice, handwriting on a signed đơn, a face in a photo), so they are for the leaders who may see
the denouncer's identity, never for the officer a leader passes the case to (Luật Tố cáo Art 9,
47). Any other case's files go with the case.
"""

from __future__ import annotations

from bot.domain.workflow import Action, Actor, CaseAccess, may, sees_identity


def sees_files(actor: Actor, case: CaseAccess, *, sealed: bool) -> bool:
    if sealed:
        return sees_identity(actor, case)
    return may(actor, Action.VIEW, case)
