"""The order of the steps of a draft, and the cleaning of what people type."""

from __future__ import annotations

import pytest

from bot.domain.draft import (
    ORDER,
    Draft,
    Step,
    applies,
    clean_phone,
    clean_text,
    missing,
    next_step,
    previous_step,
)
from bot.domain.tickets import Kind, format_code, parse_code

FEEDBACK_WITHOUT_CONTACT = [
    Step.KIND,
    Step.CATEGORY,
    Step.CONTENT,
    Step.PHOTOS,
    Step.LOCATION,
    Step.CONTACT,
    Step.CONFIRM,
]
FEEDBACK_WITH_CONTACT = [
    Step.KIND,
    Step.CATEGORY,
    Step.CONTENT,
    Step.PHOTOS,
    Step.LOCATION,
    Step.CONTACT,
    Step.NAME,
    Step.PHONE,
    Step.ADDRESS,
    Step.CONFIRM,
]
WITH_IDENTITY = [
    Step.KIND,
    Step.CATEGORY,
    Step.CONTENT,
    Step.PHOTOS,
    Step.LOCATION,
    Step.NAME,
    Step.PHONE,
    Step.ADDRESS,
    Step.CONFIRM,
]


def make(**fields: object) -> Draft:
    return Draft.model_validate({"draft_id": "d1", **fields})


def complete(kind: Kind, *, wants_contact: bool | None = None, **fields: object) -> Draft:
    values: dict[str, object] = {
        "kind": kind,
        "category_id": "moi-truong",
        "content": "Rác thải đổ bừa bãi ở đầu ngõ 3.",
        "wants_contact": wants_contact,
    }
    if kind.needs_identity or wants_contact:
        values |= {
            "contact_name": "Nguyễn Văn An",
            "contact_phone": "0912345678",
            "contact_address": "Thôn Đông, xã Sơn Ninh",
        }
    return make(**(values | fields))


def walk(draft: Draft) -> list[Step]:
    steps = [Step.KIND]
    while steps[-1] is not Step.CONFIRM:
        steps.append(next_step(draft, steps[-1]))
    return steps


def walk_back(draft: Draft) -> list[Step]:
    steps = [Step.CONFIRM]
    while (back := previous_step(draft, steps[-1])) is not None:
        steps.append(back)
    return steps


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (complete(Kind.FEEDBACK, wants_contact=False), FEEDBACK_WITHOUT_CONTACT),
        (complete(Kind.PETITION, wants_contact=False), FEEDBACK_WITHOUT_CONTACT),
        (complete(Kind.FEEDBACK, wants_contact=True), FEEDBACK_WITH_CONTACT),
        (complete(Kind.COMPLAINT), WITH_IDENTITY),
        (complete(Kind.DENUNCIATION), WITH_IDENTITY),
        # Even a complaint whose writer once said "no contact" must give identity.
        (complete(Kind.COMPLAINT, wants_contact=False), WITH_IDENTITY),
    ],
    ids=["feedback", "petition", "feedback-contact", "complaint", "denunciation", "complaint-no"],
)
def test_steps_forward_and_back(draft: Draft, expected: list[Step]) -> None:
    assert walk(draft) == expected
    assert walk_back(draft) == list(reversed(expected))
    assert previous_step(draft, Step.KIND) is None


def test_a_draft_not_yet_answering_contact_stops_at_contact() -> None:
    draft = make(kind=Kind.FEEDBACK)
    assert next_step(draft, Step.LOCATION) is Step.CONTACT
    assert previous_step(draft, Step.CONFIRM) is Step.CONTACT


PUBLISHING = {"publication": True}


@pytest.mark.parametrize(
    ("draft", "asked", "skipped"),
    [
        (
            complete(Kind.FEEDBACK, wants_contact=False),
            {Step.CONTACT},
            {Step.NAME, Step.PHONE, Step.ADDRESS, Step.PUBLISH, Step.EDIT},
        ),
        (
            complete(Kind.FEEDBACK, wants_contact=True),
            {Step.CONTACT, Step.NAME, Step.PHONE, Step.ADDRESS},
            {Step.PUBLISH, Step.EDIT},
        ),
        (
            complete(Kind.COMPLAINT),
            {Step.NAME, Step.PHONE, Step.ADDRESS},
            {Step.CONTACT, Step.PUBLISH, Step.EDIT},
        ),
        (
            complete(Kind.DENUNCIATION),
            {Step.NAME, Step.PHONE, Step.ADDRESS},
            {Step.CONTACT, Step.PUBLISH, Step.EDIT},
        ),
        (make(), {Step.CONTACT}, {Step.NAME, Step.PHONE, Step.ADDRESS, Step.PUBLISH, Step.EDIT}),
        (
            complete(Kind.FEEDBACK, wants_contact=False, **PUBLISHING),
            {Step.CONTACT, Step.PUBLISH},
            {Step.NAME, Step.PHONE, Step.ADDRESS, Step.EDIT},
        ),
        (
            complete(Kind.PETITION, wants_contact=False, **PUBLISHING),
            {Step.CONTACT, Step.PUBLISH},
            {Step.NAME, Step.PHONE, Step.ADDRESS, Step.EDIT},
        ),
        (
            complete(Kind.COMPLAINT, **PUBLISHING),
            {Step.NAME, Step.PHONE, Step.ADDRESS},
            {Step.CONTACT, Step.PUBLISH, Step.EDIT},
        ),
        (
            complete(Kind.FEEDBACK, tip=True, **PUBLISHING),
            set(),
            {Step.CONTACT, Step.NAME, Step.PHONE, Step.ADDRESS, Step.PUBLISH, Step.EDIT},
        ),
        (
            complete(Kind.FEEDBACK, wants_contact=False, conduct=True, **PUBLISHING),
            {Step.CONTACT},
            {Step.NAME, Step.PHONE, Step.ADDRESS, Step.PUBLISH, Step.EDIT},
        ),
    ],
    ids=[
        "feedback",
        "feedback-contact",
        "complaint",
        "denunciation",
        "empty",
        "feedback-published",
        "petition-published",
        "complaint-never",
        "tip-never",
        "conduct-never",
    ],
)
def test_applies(draft: Draft, asked: set[Step], skipped: set[Step]) -> None:
    common = {Step.KIND, Step.CATEGORY, Step.CONTENT, Step.PHOTOS, Step.LOCATION, Step.CONFIRM}
    for step in common | asked:
        assert applies(step, draft), step
    for step in skipped:
        assert not applies(step, draft), step
    assert common | asked | skipped == set(Step)


def test_a_case_that_may_be_published_needs_the_answer_before_it_is_filed() -> None:
    draft = complete(Kind.FEEDBACK, wants_contact=False, **PUBLISHING)
    assert missing(draft) is Step.PUBLISH
    assert next_step(draft, Step.CONTACT) is Step.PUBLISH
    assert previous_step(draft, Step.CONFIRM) is Step.PUBLISH
    said_yes = draft.model_copy(update={"publish": True})
    assert missing(said_yes) is None
    assert said_yes.published
    # Changed into a complaint after saying yes: the consent no longer counts.
    assert not said_yes.model_copy(update={"kind": Kind.COMPLAINT}).published


def test_missing_walks_the_required_answers_in_order() -> None:
    draft = make()
    assert missing(draft) is Step.KIND
    draft = draft.model_copy(update={"kind": Kind.FEEDBACK})
    assert missing(draft) is Step.CATEGORY
    draft = draft.model_copy(update={"category_id": "khac"})
    assert missing(draft) is Step.CONTENT
    draft = draft.model_copy(update={"content": "Đèn đường hỏng đã một tuần."})
    assert missing(draft) is Step.CONTACT
    assert missing(draft.model_copy(update={"wants_contact": False})) is None
    with_contact = draft.model_copy(update={"wants_contact": True})
    assert missing(with_contact) is Step.NAME
    with_contact = with_contact.model_copy(update={"contact_name": "Lê Văn Cường"})
    assert missing(with_contact) is Step.PHONE
    with_contact = with_contact.model_copy(update={"contact_phone": "0912345678"})
    assert missing(with_contact) is Step.ADDRESS
    with_contact = with_contact.model_copy(update={"contact_address": "Thôn Đông"})
    assert missing(with_contact) is None


def test_missing_does_not_require_photos_or_place() -> None:
    assert missing(complete(Kind.FEEDBACK, wants_contact=False)) is None


@pytest.mark.parametrize("kind", [Kind.COMPLAINT, Kind.DENUNCIATION])
def test_missing_asks_identity_of_complaints_and_denunciations(kind: Kind) -> None:
    draft = make(kind=kind, category_id="khac", content="Nội dung đủ dài để gửi.")
    assert missing(draft) is Step.NAME
    assert missing(complete(kind)) is None
    assert missing(complete(kind, contact_address=None)) is Step.ADDRESS


@pytest.mark.parametrize(
    "step", [Step.KIND, Step.CATEGORY, Step.CONTENT, Step.PHOTOS, Step.LOCATION, Step.ADDRESS]
)
def test_an_edit_of_a_complete_draft_returns_to_confirm(step: Step) -> None:
    draft = complete(Kind.FEEDBACK, wants_contact=True, editing=True, step=step)
    assert next_step(draft, step) is Step.CONFIRM
    assert previous_step(draft, step) is Step.EDIT


def test_an_edit_that_leaves_an_answer_missing_goes_there() -> None:
    # The kind became a complaint: identity is now required and absent.
    draft = complete(Kind.FEEDBACK, wants_contact=False, editing=True)
    draft = draft.model_copy(update={"kind": Kind.COMPLAINT})
    assert next_step(draft, Step.KIND) is Step.NAME


def test_editing_contact_walks_name_phone_address_then_confirm() -> None:
    draft = complete(Kind.FEEDBACK, wants_contact=True, editing=True)
    assert next_step(draft, Step.CONTACT) is Step.NAME
    assert next_step(draft, Step.NAME) is Step.PHONE
    assert next_step(draft, Step.PHONE) is Step.ADDRESS
    assert next_step(draft, Step.ADDRESS) is Step.CONFIRM


def test_editing_identity_of_a_complaint_walks_the_chain_too() -> None:
    draft = complete(Kind.COMPLAINT, editing=True)
    assert next_step(draft, Step.NAME) is Step.PHONE
    assert next_step(draft, Step.PHONE) is Step.ADDRESS
    assert next_step(draft, Step.ADDRESS) is Step.CONFIRM


def test_editing_contact_to_no_returns_to_confirm() -> None:
    draft = complete(Kind.FEEDBACK, wants_contact=False, editing=True)
    assert next_step(draft, Step.CONTACT) is Step.CONFIRM


def test_edit_step_leads_back_to_confirm() -> None:
    assert previous_step(complete(Kind.FEEDBACK, wants_contact=False), Step.EDIT) is Step.CONFIRM
    editing = complete(Kind.COMPLAINT, editing=True)
    assert previous_step(editing, Step.EDIT) is Step.CONFIRM


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Đường   hỏng  ", "Đường hỏng"),
        ("a\tb", "a b"),
        ("dòng 1  \n   dòng 2", "dòng 1\ndòng 2"),
        ("a\n\n\nb", "a\n\nb"),
        ("a\n\n\n\n\n\nb", "a\n\nb"),
        ("a\n  \n \t \n\nb", "a\n\nb"),
        ("a\n\nb", "a\n\nb"),
        ("a\r\nb", "a\nb"),
        ("rác\u200bthải", "rácthải"),
        ("\ufeffĐèn\u200c đường\u200d", "Đèn đường"),
        ("a\x00b\x07c\x1bd", "abcd"),
        ("\u202eabc", "abc"),
        ("\n\n  trống đầu cuối  \n\n", "trống đầu cuối"),
        ("", ""),
        ("   \n\t  ", ""),
        ("ngõ\u00a03", "ngõ 3"),
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_clean_text_composes_unicode() -> None:
    decomposed = "Đe\u0300n đu\u031bo\u031b\u0300ng hỏng"  # "Đèn đường hỏng", decomposed
    cleaned = clean_text(decomposed)
    assert cleaned == "Đèn đường hỏng"
    assert len(cleaned) == len("Đèn đường hỏng")


def test_clean_text_keeps_emoji_and_punctuation() -> None:
    assert clean_text("Đường hỏng! 😡 (ngõ 3)") == "Đường hỏng! 😡 (ngõ 3)"


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "091.234.5678",
        "0912-345-678",
        "(091) 234 5678",
        " 0912 345 678 ",
    ],
)
def test_clean_phone_accepts_vietnamese_numbers(text: str) -> None:
    assert clean_phone(text) == "0912345678"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0239 3800 000", "02393800000"),  # the office number in config.example.toml
        ("(024) 3825 3536", "02438253536"),
        ("+84 24 3825 3536", "02438253536"),
    ],
)
def test_clean_phone_accepts_landlines(text: str, expected: str) -> None:
    assert clean_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "không có",
        "091234567",
        "09123456789",
        "912345678",
        "+1 912 345 678",
        "0912abc678",
        "0912 345 678 ext 5",
        "++84912345678",
        "84 0912 345 678 9",
    ],
)
def test_clean_phone_refuses_other_text(text: str) -> None:
    assert clean_phone(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "SN-2026-00042",
        "sn-2026-00042",
        "SN 2026 00042",
        "sn 2026 00042",
        "SN–2026–00042",
        "SN—2026—00042",
        "SN_2026_00042",
        "SN.2026.00042",
        " SN - 2026 - 00042 ",
        "SN--2026--00042",
    ],
)
def test_parse_code_accepts_what_people_type(text: str) -> None:
    assert parse_code(text) == "SN-2026-00042"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "xin chào",
        "SN",
        "SN-2026",
        "SN-2026-42",
        "SN-26-00042",
        "2026-00042",
        "SN202600042",
        "SN-2026-00042-1",
        "Đ-2026-00042",
        "SN/2026/00042",
        "1SN-2026-00042",
    ],
)
def test_parse_code_refuses_garbage(text: str) -> None:
    assert parse_code(text) is None


def test_format_code_pads_the_number() -> None:
    assert format_code("SN", 2026, 42) == "SN-2026-00042"
    assert format_code("SN", 2026, 123456) == "SN-2026-123456"


@pytest.mark.parametrize("number", [1, 42, 99999, 100000])
def test_parse_code_reads_back_formatted_codes(number: int) -> None:
    code = format_code("SN", 2026, number)
    assert parse_code(code) == code
    assert parse_code(code.lower().replace("-", " ")) == code


def test_order_starts_with_kind_and_ends_with_confirm() -> None:
    assert ORDER[0] is Step.KIND
    assert ORDER[-1] is Step.CONFIRM
    assert Step.EDIT not in ORDER
