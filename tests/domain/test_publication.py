"""Which cases may be shown publicly: consent, and never the kinds the law keeps private."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.publication import is_public, may_ask
from bot.domain.tickets import Kind, Status, Ticket

CONDUCT = "thai-do-can-bo"


def case(**fields: object) -> Ticket:
    values: dict[str, object] = {
        "id": 1,
        "code": "SN-2026-00001",
        "kind": Kind.FEEDBACK,
        "category_id": "moi-truong",
        "status": Status.NEW,
        "content": "Rác thải đổ trộm ở đầu ngõ 3.",
        "created_at": datetime(2026, 12, 1, tzinfo=UTC),
        "public": True,
    }
    return Ticket(**(values | fields))  # type: ignore[arg-type]


def test_a_consented_feedback_or_petition_is_public() -> None:
    assert is_public(case(), CONDUCT)
    assert is_public(case(kind=Kind.PETITION), CONDUCT)
    assert is_public(case(), None)


@pytest.mark.parametrize(
    "fields",
    [
        {"public": False},
        {"kind": Kind.COMPLAINT},
        {"kind": Kind.DENUNCIATION},
        {"sealed": True},
        {"erased": True},
        {"subject_id": 7},  # passed on as a case about an officer's conduct
        {"category_id": CONDUCT},
    ],
    ids=["no-consent", "complaint", "denunciation", "sealed", "erased", "subject", "conduct"],
)
def test_never_public(fields: dict[str, object]) -> None:
    assert not is_public(case(**fields), CONDUCT)


def test_only_a_named_feedback_or_petition_is_asked() -> None:
    assert may_ask(Kind.FEEDBACK, tip=False, conduct=False)
    assert may_ask(Kind.PETITION, tip=False, conduct=False)
    assert not may_ask(Kind.FEEDBACK, tip=True, conduct=False)
    assert not may_ask(Kind.FEEDBACK, tip=False, conduct=True)
    assert not may_ask(Kind.COMPLAINT, tip=False, conduct=False)
    assert not may_ask(None, tip=False, conduct=False)
