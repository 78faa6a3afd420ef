"""Writing a case through the intake dialog alone: every answer by button, number or word."""

from __future__ import annotations

from typing import Literal

import pytest

from bot.config import Config
from bot.dialogs.intake import KEEP, Outcome, Turn, answer, new_draft, prompt, ref
from bot.domain.choices import Nav, normalize
from bot.domain.draft import PHONE_STEPS, Draft, Photo, Step, missing
from bot.domain.tickets import CASE_KINDS, Kind
from bot.messages import (
    Choice,
    ContactSent,
    Event,
    LocationSent,
    PhotoSent,
    Request,
    Text,
    Unsupported,
)
from bot.texts import t

Way = Literal["button", "number", "word"]
WAYS: tuple[Way, ...] = ("button", "number", "word")

CONTENT = "Rác thải đổ bừa bãi ở đầu ngõ 3 thôn Đông, bốc mùi đã một tuần."
NAME = "Nguyễn Văn An"
ADDRESS = "Thôn Đông, xã Sơn Ninh"
PLACE = "Ngõ 3, thôn Đông"


def choose(draft: Draft, config: Config, key: str, way: Way = "button") -> Event:
    """The event a person makes to pick the option `key` of the current question."""
    asked = prompt(draft, config)
    index, option = next((i, o) for i, o in enumerate(asked.options) if o.key == key)
    if way == "button":
        return Choice(asked.ref, key)
    if way == "number":
        return Text(str(index + 1))
    return Text(option.aliases[0] if option.aliases else normalize(option.label))


def go(draft: Draft, event: Event, config: Config, expected: Step) -> Draft:
    """Answer and check the dialog moved on to `expected`; the old draft stays as it was."""
    before = draft.model_dump()
    turn = answer(draft, event, config)
    assert draft.model_dump() == before
    assert turn.outcome is Outcome.CONTINUE
    assert turn.draft.step is expected, turn.notice
    return turn.draft


def refused(draft: Draft, event: Event, config: Config) -> Turn:
    """Answer and check nothing changed but a notice was given."""
    turn = answer(draft, event, config)
    assert turn.outcome is Outcome.CONTINUE
    assert turn.draft == draft
    assert turn.notice
    return turn


def at(draft: Draft, step: Step, **changes: object) -> Draft:
    return draft.model_copy(update={"step": step, **changes})


def feedback(config: Config, *, contact: bool = False, way: Way = "button") -> Draft:
    """A feedback written to its summary, with a typed place."""
    d = new_draft()
    d = go(d, choose(d, config, "feedback", way), config, Step.CATEGORY)
    d = go(d, choose(d, config, "moi-truong", way), config, Step.CONTENT)
    d = go(d, Text(CONTENT), config, Step.PHOTOS)
    d = go(d, PhotoSent("file-1", "unique-1"), config, Step.PHOTOS)
    d = go(d, choose(d, config, "done", way), config, Step.LOCATION)
    d = go(d, Text(PLACE), config, Step.CONTACT)
    if not contact:
        return go(d, choose(d, config, "no", way), config, Step.CONFIRM)
    d = go(d, choose(d, config, "yes", way), config, Step.NAME)
    d = go(d, Text(NAME), config, Step.PHONE)
    d = go(d, Text("0912 345 678"), config, Step.ADDRESS)
    return go(d, Text(ADDRESS), config, Step.CONFIRM)


def complaint(config: Config, kind: str = "complaint", way: Way = "button") -> Draft:
    d = new_draft()
    d = go(d, choose(d, config, kind, way), config, Step.CATEGORY)
    d = go(d, choose(d, config, "dat-dai", way), config, Step.CONTENT)
    d = go(d, Text(CONTENT), config, Step.PHOTOS)
    d = go(d, choose(d, config, "done", way), config, Step.LOCATION)
    d = go(d, LocationSent(20.25, 105.97), config, Step.NAME)
    d = go(d, Text(NAME), config, Step.PHONE)
    d = go(d, ContactSent("84912345678", is_own=True), config, Step.ADDRESS)
    return go(d, Text(ADDRESS), config, Step.CONFIRM)


def all_drafts(config: Config) -> dict[str, Draft]:
    return {
        "feedback": feedback(config),
        "feedback-contact": feedback(config, contact=True),
        "complaint": complaint(config),
        "denunciation": complaint(config, "denunciation"),
    }


def steps_of(draft: Draft, config: Config) -> list[Step]:
    """The steps this draft went through, read back from its summary with "Quay lại"."""
    steps = [Step.CONFIRM]
    while True:
        turn = answer(at(draft, steps[-1]), Choice(ref(steps[-1]), Nav.BACK), config)
        if turn.outcome is Outcome.LEFT:
            return list(reversed(steps))
        steps.append(turn.draft.step)


# Whole flows


@pytest.mark.parametrize("way", WAYS)
def test_feedback_with_photos_and_gps_without_contact(config: Config, way: Way) -> None:
    d = new_draft()
    assert d.step is Step.KIND
    d = go(d, choose(d, config, "feedback", way), config, Step.CATEGORY)
    d = go(d, choose(d, config, "moi-truong", way), config, Step.CONTENT)
    d = go(d, Text(f"  {CONTENT}\u200b  "), config, Step.PHOTOS)
    first = answer(d, PhotoSent("file-1", "unique-1"), config)
    assert first.notice == t("intake.photos.received", count=1, max=config.intake.max_photos)
    d = go(d, PhotoSent("file-1", "unique-1"), config, Step.PHOTOS)
    d = go(d, PhotoSent("file-2", "unique-2"), config, Step.PHOTOS)
    d = go(d, choose(d, config, "done", way), config, Step.LOCATION)
    assert prompt(d, config).request is None  # a question like any other, until asked
    d = go(d, choose(d, config, "map", way), config, Step.LOCATION)
    assert prompt(d, config).request is Request.LOCATION
    located = answer(d, LocationSent(20.25, 105.97), config)
    assert located.notice == t("intake.location.received")
    d = go(d, LocationSent(20.25, 105.97), config, Step.CONTACT)
    assert not d.keyboard
    d = go(d, choose(d, config, "no", way), config, Step.CONFIRM)

    turn = answer(d, choose(d, config, "send", way), config)

    assert turn.outcome is Outcome.SUBMIT
    sent = turn.draft
    assert sent.draft_id == d.draft_id
    assert sent.kind is Kind.FEEDBACK
    assert sent.category_id == "moi-truong"
    assert sent.content == CONTENT
    assert sent.photos == [
        Photo(file_id="file-1", file_unique_id="unique-1"),
        Photo(file_id="file-2", file_unique_id="unique-2"),
    ]
    assert (sent.latitude, sent.longitude, sent.place) == (20.25, 105.97, None)
    assert sent.wants_contact is False
    assert (sent.contact_name, sent.contact_phone, sent.contact_address) == (None, None, None)
    assert missing(sent) is None


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("kind", ["complaint", "denunciation"])
def test_complaint_asks_name_phone_and_address(config: Config, way: Way, kind: str) -> None:
    d = new_draft()
    d = go(d, choose(d, config, kind, way), config, Step.CATEGORY)
    d = go(d, choose(d, config, "dat-dai", way), config, Step.CONTENT)
    d = go(d, Text(CONTENT), config, Step.PHOTOS)
    d = go(d, choose(d, config, "done", way), config, Step.LOCATION)
    d = go(d, choose(d, config, "skip", way), config, Step.NAME)
    asked = prompt(d, config)
    assert t(f"intake.law.{kind}") in asked.text
    assert t("intake.ask.name") in asked.text
    d = go(d, Text(f" {NAME} "), config, Step.PHONE)
    assert prompt(d, config).request is None
    d = go(d, choose(d, config, "share", way), config, Step.PHONE)
    assert prompt(d, config).request is Request.CONTACT
    turn = refused(d, Text("123"), config)
    assert turn.notice == t("intake.phone.invalid")
    refused(d, ContactSent("12345", is_own=True), config)
    shared = answer(d, ContactSent("+84 912 345 678", is_own=True), config)
    assert shared.notice == t("intake.phone.received", phone="0912345678")
    d = go(d, ContactSent("+84 912 345 678", is_own=True), config, Step.ADDRESS)
    d = go(d, Text(ADDRESS), config, Step.CONFIRM)

    turn = answer(d, choose(d, config, "send", way), config)

    assert turn.outcome is Outcome.SUBMIT
    sent = turn.draft
    assert sent.kind is Kind(kind)
    assert sent.category_id == "dat-dai"
    assert sent.content == CONTENT
    assert sent.photos == []
    assert (sent.latitude, sent.longitude, sent.place) == (None, None, None)
    assert sent.wants_contact is None
    assert (sent.contact_name, sent.contact_phone, sent.contact_address) == (
        NAME,
        "0912345678",
        ADDRESS,
    )
    assert missing(sent) is None


@pytest.mark.parametrize("typed", ["0912345678", "091.234.5678", "+84912345678"])
def test_typed_phone_is_accepted(config: Config, typed: str) -> None:
    d = at(new_draft(), Step.PHONE, kind=Kind.COMPLAINT, contact_name=NAME)
    turn = answer(d, Text(typed), config)
    assert turn.draft.step is Step.ADDRESS
    assert turn.draft.contact_phone == "0912345678"
    assert turn.notice is None  # no keyboard of the phone's to take away: the next question


@pytest.mark.parametrize(
    "event",
    [Text("abc"), Text("09123"), Text("0912 345 678 9"), PhotoSent("f", "u"), LocationSent(1, 2)],
)
def test_bad_phone_repeats_the_step(config: Config, event: Event) -> None:
    d = at(new_draft(), Step.PHONE, kind=Kind.COMPLAINT, contact_name=NAME)
    assert refused(d, event, config).notice == t("intake.phone.invalid")


@pytest.mark.parametrize("way", WAYS)
def test_feedback_with_contact(config: Config, way: Way) -> None:
    d = feedback(config, contact=True, way=way)
    assert d.wants_contact is True
    assert (d.contact_name, d.contact_phone, d.contact_address) == (NAME, "0912345678", ADDRESS)
    assert d.place == PLACE
    assert answer(d, choose(d, config, "send", way), config).outcome is Outcome.SUBMIT


def test_name_and_address_must_be_sensible(config: Config) -> None:
    d = at(new_draft(), Step.NAME, kind=Kind.COMPLAINT)
    assert refused(d, Text("A"), config).notice == t("intake.name.invalid")
    assert refused(d, Text("Nguyễn\nVăn An"), config).notice == t("intake.name.invalid")
    assert refused(d, Text("x" * 101), config).notice == t("intake.name.invalid")
    assert refused(d, PhotoSent("f", "u"), config).notice == t("intake.name.invalid")
    d = at(d, Step.ADDRESS, contact_name=NAME, contact_phone="0912345678")
    assert refused(d, Text("xóm"), config).notice == t("intake.address.invalid")
    assert refused(d, Text("x" * 301), config).notice == t("intake.address.invalid")


# Content


def test_content_too_short_repeats_the_step(config: Config) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    short = "ấ" * (config.intake.content_min - 1)
    turn = refused(d, Text(short), config)
    assert turn.notice == t("intake.content.too_short", min=config.intake.content_min)
    # Spaces and invisible characters do not count towards the length.
    padded = " " * 20 + "\u200b" * 20 + short
    assert refused(d, Text(padded), config).notice == turn.notice
    exact = "ấ" * config.intake.content_min
    assert go(d, Text(exact), config, Step.PHOTOS).content == exact


def test_content_too_long_repeats_the_step(config: Config) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    longest = "a" * config.intake.content_max
    turn = refused(d, Text(longest + "b"), config)
    assert turn.notice == t(
        "intake.content.too_long",
        max=config.intake.content_max,
        length=config.intake.content_max + 1,
    )
    assert go(d, Text(longest), config, Step.PHOTOS).content == longest


def test_content_keeps_the_earlier_answer_when_refused(config: Config) -> None:
    d = at(feedback(config), Step.CONTENT)
    turn = refused(d, Text("ngắn"), config)
    assert turn.draft.content == CONTENT


@pytest.mark.parametrize("event", [LocationSent(1.0, 2.0), ContactSent("0912345678", is_own=True)])
def test_content_needs_text(config: Config, event: Event) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    assert refused(d, event, config).notice == t("intake.content.need_text")


def test_photo_with_caption_fills_content_and_first_photo(config: Config) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    d = go(d, PhotoSent("file-1", "unique-1", caption=CONTENT), config, Step.PHOTOS)
    assert d.content == CONTENT
    assert d.photos == [Photo(file_id="file-1", file_unique_id="unique-1")]
    assert t("intake.ask.photos", max=config.intake.max_photos, count=1) in prompt(d, config).text


def test_photo_without_caption_is_kept_and_content_asked(config: Config) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    turn = answer(d, PhotoSent("file-1", "unique-1"), config)
    assert turn.draft.step is Step.CONTENT
    assert turn.notice == t("intake.content.photo_first")
    assert turn.draft.photos == [Photo(file_id="file-1", file_unique_id="unique-1")]
    d = go(turn.draft, Text(CONTENT), config, Step.PHOTOS)
    assert len(d.photos) == 1


def test_photo_with_short_caption_keeps_the_photo_only(config: Config) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    turn = answer(d, PhotoSent("file-1", "unique-1", caption="ảnh"), config)
    assert turn.draft.step is Step.CONTENT
    assert turn.draft.content is None
    assert turn.notice == t("intake.content.too_short", min=config.intake.content_min)
    assert len(turn.draft.photos) == 1


# Photos


def test_photos_are_capped(config: Config) -> None:
    limit = config.intake.max_photos
    d = at(feedback(config), Step.PHOTOS, photos=[])
    for n in range(1, limit + 1):
        turn = answer(d, PhotoSent(f"file-{n}", f"unique-{n}"), config)
        assert turn.notice == t("intake.photos.received", count=n, max=limit)
        d = turn.draft
    assert len(d.photos) == limit
    turn = refused(d, PhotoSent("file-extra", "unique-extra"), config)
    assert turn.notice == t("intake.photos.full", max=limit)
    assert [p.file_unique_id for p in d.photos] == [f"unique-{n}" for n in range(1, limit + 1)]


def test_a_photo_sent_twice_is_kept_once(config: Config) -> None:
    d = at(feedback(config), Step.PHOTOS, photos=[])
    d = go(d, PhotoSent("file-1", "unique-1"), config, Step.PHOTOS)
    # The same picture forwarded again has a new file_id but the same file_unique_id.
    turn = answer(d, PhotoSent("file-1-again", "unique-1"), config)
    assert turn.draft.photos == [Photo(file_id="file-1", file_unique_id="unique-1")]
    assert turn.notice == t("intake.photos.received", count=1, max=config.intake.max_photos)


def test_a_caption_photo_already_sent_is_not_added_twice(config: Config) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    d = answer(d, PhotoSent("file-1", "unique-1"), config).draft
    d = go(d, PhotoSent("file-1", "unique-1", caption=CONTENT), config, Step.PHOTOS)
    assert len(d.photos) == 1


@pytest.mark.parametrize("way", WAYS)
def test_clear_empties_the_photos(config: Config, way: Way) -> None:
    d = at(feedback(config), Step.PHOTOS)
    d = go(d, PhotoSent("file-2", "unique-2"), config, Step.PHOTOS)
    assert len(d.photos) == 2
    turn = answer(d, choose(d, config, "clear", way), config)
    assert turn.draft.step is Step.PHOTOS
    assert turn.draft.photos == []
    assert turn.notice == t("intake.photos.cleared")
    assert [o.key for o in prompt(turn.draft, config).options] == ["done"]


def test_photos_step_options_follow_the_photos(config: Config) -> None:
    d = at(feedback(config), Step.PHOTOS, photos=[])
    assert [o.label for o in prompt(d, config).options] == [t("intake.photos.none")]
    d = go(d, PhotoSent("f", "u"), config, Step.PHOTOS)
    assert [o.label for o in prompt(d, config).options] == [
        t("intake.photos.done"),
        t("intake.photos.clear"),
    ]


@pytest.mark.parametrize("event", [Text("ảnh đây"), LocationSent(1.0, 2.0)])
def test_photos_step_explains_what_it_expects(config: Config, event: Event) -> None:
    d = at(feedback(config), Step.PHOTOS)
    assert refused(d, event, config).notice == t("intake.photos.expected")


# Location


@pytest.mark.parametrize("way", WAYS)
def test_typed_place_instead_of_gps(config: Config, way: Way) -> None:
    d = at(feedback(config), Step.LOCATION, place=None)
    assert prompt(d, config).request is None
    d = go(d, Text(f"  {PLACE} "), config, Step.CONTACT)
    assert d.place == PLACE
    assert (d.latitude, d.longitude) == (None, None)
    gps = go(at(d, Step.LOCATION), LocationSent(20.25, 105.97), config, Step.CONTACT)
    assert (gps.latitude, gps.longitude, gps.place) == (20.25, 105.97, None)
    again = at(gps, Step.LOCATION)
    skipped = go(again, choose(again, config, "skip", way), config, Step.CONTACT)
    assert (skipped.latitude, skipped.longitude, skipped.place) == (None, None, None)


@pytest.mark.parametrize("event", [Text("ab"), PhotoSent("f", "u")])
def test_unclear_place_repeats_the_step(config: Config, event: Event) -> None:
    d = at(feedback(config), Step.LOCATION)
    assert refused(d, event, config).notice == t("intake.location.expected")


def test_a_long_place_is_told_the_limit(config: Config) -> None:
    d = at(feedback(config), Step.LOCATION)
    notice = refused(d, Text("x" * 301), config).notice
    assert notice == t("intake.location.too_long", length=301, max=300)


# "Quay lại" and "Hủy"


BACK_EVENTS = ("button", "typed", "keyboard")


def back_event(step: Step, how: str) -> Event:
    events: dict[str, Event] = {
        "button": Choice(ref(step), Nav.BACK.value),
        "typed": Text("quay lai"),
        "keyboard": Text(t("nav.back")),
    }
    return events[how]


@pytest.mark.parametrize("how", BACK_EVENTS)
@pytest.mark.parametrize("name", ["feedback", "feedback-contact", "complaint", "denunciation"])
def test_back_from_every_step_loses_no_answer(config: Config, name: str, how: str) -> None:
    complete = all_drafts(config)[name]
    steps = steps_of(complete, config)
    expected_steps = {
        "feedback": [
            Step.KIND,
            Step.CATEGORY,
            Step.CONTENT,
            Step.PHOTOS,
            Step.LOCATION,
            Step.CONTACT,
            Step.CONFIRM,
        ],
        "feedback-contact": [
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
        ],
    }.get(
        name,
        [
            Step.KIND,
            Step.CATEGORY,
            Step.CONTENT,
            Step.PHOTOS,
            Step.LOCATION,
            Step.NAME,
            Step.PHONE,
            Step.ADDRESS,
            Step.CONFIRM,
        ],
    )
    assert steps == expected_steps
    answers = complete.model_dump(exclude={"step"})
    for index, step in enumerate(steps):
        turn = answer(at(complete, step), back_event(step, how), config)
        assert turn.draft.model_dump(exclude={"step"}) == answers, step
        if index == 0:
            assert turn.outcome is Outcome.LEFT
        else:
            assert turn.outcome is Outcome.CONTINUE
            assert turn.draft.step is steps[index - 1], step


CANCEL_WORDS = ("hủy", "HUY", "huỷ", "Hủy bỏ", "thôi", "✖️ Hủy")


@pytest.mark.parametrize("step", list(Step))
def test_cancel_from_every_step(config: Config, step: Step) -> None:
    for complete in all_drafts(config).values():
        d = at(complete, step)
        events: list[Event] = [Choice(ref(step), Nav.CANCEL.value)]
        events += [Text(word) for word in CANCEL_WORDS]
        for event in events:
            turn = answer(d, event, config)
            assert turn.outcome is Outcome.CANCELLED, event
            assert turn.draft == d


def test_saying_dung_meaning_right_at_confirm_does_not_cancel(config: Config) -> None:
    # "đúng" (that's right) must not be read as "dừng" (stop) and throw the draft away.
    d = feedback(config)
    assert refused(d, Text("Đúng"), config).notice == t("intake.not_understood")


@pytest.mark.parametrize("step", [Step.KIND, Step.CATEGORY, Step.CONTENT, Step.NAME])
def test_cancel_from_a_fresh_draft(config: Config, step: Step) -> None:
    d = at(new_draft(), step)
    assert answer(d, Text("hủy"), config).outcome is Outcome.CANCELLED


# Wrong input


def _some_option(step: Step) -> str:
    return {Step.KIND: "feedback", Step.CATEGORY: "moi-truong", Step.CONFIRM: "send"}.get(
        step, "feedback"
    )


@pytest.mark.parametrize("step", list(Step))
def test_a_button_of_another_step_changes_nothing(config: Config, step: Step) -> None:
    d = at(feedback(config, contact=True), step)
    stale = t("intake.stale_button")
    for other in Step:
        if other is step:
            continue
        for key in (_some_option(other), Nav.BACK.value, Nav.CANCEL.value):
            turn = answer(d, Choice(ref(other), key), config)
            assert turn.outcome is Outcome.CONTINUE
            assert turn.draft == d
            assert turn.notice == stale


@pytest.mark.parametrize("step", list(Step))
def test_an_unknown_key_on_this_step_changes_nothing(config: Config, step: Step) -> None:
    d = at(feedback(config), step)
    turn = refused(d, Choice(ref(step), "no-such-option"), config)
    assert turn.notice == t("intake.stale_button")


UNSUPPORTED = ("sticker", "video", "other")


@pytest.mark.parametrize("what", UNSUPPORTED)
@pytest.mark.parametrize("step", list(Step))
def test_unsupported_messages_get_a_kind_notice(config: Config, what: str, step: Step) -> None:
    d = at(complaint(config), step)
    assert refused(d, Unsupported(what), config).notice == t(f"unsupported.{what}")


@pytest.mark.parametrize("step", [Step.KIND, Step.CATEGORY, Step.CONTACT, Step.CONFIRM])
@pytest.mark.parametrize(
    "event",
    [
        Text("không hiểu gì cả"),
        Text("99"),
        PhotoSent("f", "u"),
        LocationSent(1.0, 2.0),
        ContactSent("0912345678", is_own=True),
    ],
)
def test_unclear_choice_repeats_the_step(config: Config, step: Step, event: Event) -> None:
    d = at(feedback(config), step)
    assert refused(d, event, config).notice == t("intake.not_understood")


# Editing


@pytest.mark.parametrize("way", WAYS)
def test_edit_content_returns_to_confirm(config: Config, way: Way) -> None:
    d = feedback(config, contact=True)
    before = d.model_dump(exclude={"step", "editing", "content"})
    d = go(d, choose(d, config, "edit", way), config, Step.EDIT)
    assert t("intake.ask.edit") in prompt(d, config).text
    d = go(d, choose(d, config, "content", way), config, Step.CONTENT)
    assert d.editing
    assert t("intake.current", value=CONTENT) in prompt(d, config).text
    new_content = "Đèn đường ở đầu ngõ 5 bị hỏng từ tuần trước."
    d = go(d, Text(new_content), config, Step.CONFIRM)
    assert d.content == new_content
    assert d.model_dump(exclude={"step", "editing", "content"}) == before
    assert new_content in prompt(d, config).text
    assert CONTENT not in prompt(d, config).text
    assert answer(d, choose(d, config, "send", way), config).outcome is Outcome.SUBMIT


@pytest.mark.parametrize("way", WAYS)
def test_edit_kind_to_complaint_asks_identity(config: Config, way: Way) -> None:
    d = feedback(config)
    assert d.wants_contact is False
    d = go(d, choose(d, config, "edit", way), config, Step.EDIT)
    d = go(d, choose(d, config, "kind", way), config, Step.KIND)
    d = go(d, choose(d, config, "complaint", way), config, Step.NAME)
    assert d.kind is Kind.COMPLAINT
    assert t("intake.law.complaint") in prompt(d, config).text
    d = go(d, Text(NAME), config, Step.PHONE)
    d = go(d, ContactSent("0912345678", is_own=True), config, Step.ADDRESS)
    d = go(d, Text(ADDRESS), config, Step.CONFIRM)
    assert missing(d) is None
    text = prompt(d, config).text
    assert t("kind.complaint.label") in text
    assert NAME in text
    assert t("intake.law.complaint") in text
    turn = answer(d, choose(d, config, "send", way), config)
    assert turn.outcome is Outcome.SUBMIT
    assert turn.draft.contact_phone == "0912345678"


def test_edit_kind_keeps_everything_else(config: Config) -> None:
    d = feedback(config, contact=True)
    d = go(d, choose(d, config, "edit"), config, Step.EDIT)
    d = go(d, choose(d, config, "kind"), config, Step.KIND)
    d = go(d, choose(d, config, "petition"), config, Step.CONFIRM)
    assert d.kind is Kind.PETITION
    assert (d.content, d.place, d.contact_name) == (CONTENT, PLACE, NAME)


@pytest.mark.parametrize("way", WAYS)
def test_edit_contact_walks_the_whole_chain(config: Config, way: Way) -> None:
    d = feedback(config, contact=True)
    d = go(d, choose(d, config, "edit", way), config, Step.EDIT)
    d = go(d, choose(d, config, "contact", way), config, Step.CONTACT)
    d = go(d, choose(d, config, "yes", way), config, Step.NAME)
    assert KEEP.key in [o.key for o in prompt(d, config).options]
    d = go(d, choose(d, config, "keep", way), config, Step.PHONE)
    d = go(d, choose(d, config, "keep", way), config, Step.ADDRESS)
    d = go(d, Text("Xóm Bắc, xã Sơn Ninh"), config, Step.CONFIRM)
    assert (d.contact_name, d.contact_phone, d.contact_address) == (
        NAME,
        "0912345678",
        "Xóm Bắc, xã Sơn Ninh",
    )


def test_edit_contact_to_no_forgets_it(config: Config) -> None:
    d = feedback(config, contact=True)
    d = go(d, choose(d, config, "edit"), config, Step.EDIT)
    d = go(d, choose(d, config, "contact"), config, Step.CONTACT)
    d = go(d, choose(d, config, "no"), config, Step.CONFIRM)
    assert d.wants_contact is False
    assert (d.contact_name, d.contact_phone, d.contact_address) == (None, None, None)
    assert t("summary.no_contact") in prompt(d, config).text


def test_edit_contact_of_a_complaint_starts_at_name(config: Config) -> None:
    d = complaint(config)
    d = go(d, choose(d, config, "edit"), config, Step.EDIT)
    d = go(d, choose(d, config, "contact"), config, Step.NAME)
    d = go(d, Text("Trần Thị Bình"), config, Step.PHONE)
    d = go(d, choose(d, config, "keep"), config, Step.ADDRESS)
    d = go(d, choose(d, config, "keep"), config, Step.CONFIRM)
    assert (d.contact_name, d.contact_phone) == ("Trần Thị Bình", "0912345678")


@pytest.mark.parametrize("way", WAYS)
def test_edit_location_can_keep_or_skip(config: Config, way: Way) -> None:
    d = feedback(config)
    d = go(d, choose(d, config, "edit", way), config, Step.EDIT)
    d = go(d, choose(d, config, "location", way), config, Step.LOCATION)
    # "Bỏ qua" is always 1 and the map 2, as the question says; keeping comes after them.
    assert [o.key for o in prompt(d, config).options] == ["skip", "map", KEEP.key]
    kept = go(d, choose(d, config, "keep", way), config, Step.CONFIRM)
    assert kept.place == PLACE
    skipped = go(d, choose(d, config, "skip", way), config, Step.CONFIRM)
    assert skipped.place is None


def test_edit_photos_returns_to_confirm(config: Config) -> None:
    d = feedback(config)
    d = go(d, choose(d, config, "edit"), config, Step.EDIT)
    d = go(d, choose(d, config, "photos"), config, Step.PHOTOS)
    d = go(d, PhotoSent("file-2", "unique-2"), config, Step.PHOTOS)
    d = go(d, choose(d, config, "done"), config, Step.CONFIRM)
    assert len(d.photos) == 2


def test_back_while_editing_returns_to_the_edit_menu_then_confirm(config: Config) -> None:
    d = feedback(config)
    d = go(d, choose(d, config, "edit"), config, Step.EDIT)
    d = go(d, choose(d, config, "category"), config, Step.CATEGORY)
    d = go(d, Choice(ref(Step.CATEGORY), Nav.BACK.value), config, Step.EDIT)
    assert d.editing
    d = go(d, Text("quay lại"), config, Step.CONFIRM)
    assert not d.editing
    assert d.category_id == "moi-truong"
    # Out of the edit, "Quay lại" walks the steps again.
    go(d, Text("quay lại"), config, Step.CONTACT)


def test_confirm_never_submits_an_incomplete_draft(config: Config) -> None:
    d = feedback(config)
    d = go(d, choose(d, config, "edit"), config, Step.EDIT)
    d = go(d, choose(d, config, "kind"), config, Step.KIND)
    d = go(d, choose(d, config, "complaint"), config, Step.NAME)
    d = go(d, Text("quay lại"), config, Step.EDIT)
    d = go(d, Text("quay lại"), config, Step.CONFIRM)
    assert missing(d) is Step.NAME
    turn = answer(d, choose(d, config, "send"), config)
    assert not (turn.outcome is Outcome.SUBMIT and missing(turn.draft) is not None)


# "Giữ nguyên" when going back


@pytest.mark.parametrize("way", WAYS)
def test_keep_content_when_going_back(config: Config, way: Way) -> None:
    d = at(feedback(config), Step.PHOTOS)
    d = go(d, Text("quay lại"), config, Step.CONTENT)
    asked = prompt(d, config)
    assert asked.options == (KEEP,)
    assert t("intake.current", value=CONTENT) in asked.text
    d = go(d, choose(d, config, "keep", way), config, Step.PHOTOS)
    assert d.content == CONTENT
    assert go(d, Text("giữ nguyên"), config, Step.PHOTOS) == d


@pytest.mark.parametrize("step", [Step.NAME, Step.PHONE, Step.ADDRESS])
def test_keep_identity_when_going_back(config: Config, step: Step) -> None:
    complete = feedback(config, contact=True)
    d = at(complete, step)
    assert KEEP in prompt(d, config).options
    after = answer(d, Choice(ref(step), KEEP.key), config).draft
    assert after.model_dump(exclude={"step"}) == complete.model_dump(exclude={"step"})
    assert after.step is not step


def test_no_keep_without_a_value(config: Config) -> None:
    d = at(new_draft(), Step.CONTENT, kind=Kind.FEEDBACK, category_id="khac")
    assert prompt(d, config).options == ()
    turn = refused(d, Choice(ref(Step.CONTENT), KEEP.key), config)
    assert turn.notice == t("intake.stale_button")


def test_going_back_to_kind_or_category_keeps_them_until_changed(config: Config) -> None:
    d = at(feedback(config), Step.CONTENT)
    d = go(d, Text("quay lại"), config, Step.CATEGORY)
    assert d.category_id == "moi-truong"
    d = go(d, Text("quay lại"), config, Step.KIND)
    assert d.kind is Kind.FEEDBACK
    d = go(d, Text("2"), config, Step.CATEGORY)
    assert d.kind is Kind.PETITION
    assert (d.category_id, d.content) == ("moi-truong", CONTENT)


def test_keep_location_when_going_back(config: Config) -> None:
    d = at(complaint(config), Step.NAME)
    d = go(d, Text("quay lại"), config, Step.LOCATION)
    assert d.latitude is not None
    assert KEEP in prompt(d, config).options
    d = go(d, Choice(ref(Step.LOCATION), KEEP.key), config, Step.NAME)
    assert (d.latitude, d.longitude) == (20.25, 105.97)


# Prompts


def drafts_at_every_step(config: Config) -> list[Draft]:
    bases = [
        new_draft(),
        *all_drafts(config).values(),
        feedback(config).model_copy(update={"editing": True}),
        feedback(config).model_copy(update={"photos": []}),
    ]
    at_steps = [at(base, step) for base in bases for step in Step]
    return [*at_steps, *(at(base, step, keyboard=True) for base in bases for step in PHONE_STEPS)]


def test_every_prompt_offers_back_and_cancel(config: Config) -> None:
    for d in drafts_at_every_step(config):
        asked = prompt(d, config)
        assert asked.back, d.step
        assert asked.cancel, d.step
        assert asked.text, d.step
        assert asked.ref == ref(d.step)


def test_the_phone_is_asked_only_once_the_citizen_chose_it(config: Config) -> None:
    for d in drafts_at_every_step(config):
        expected = {Step.LOCATION: Request.LOCATION, Step.PHONE: Request.CONTACT}.get(d.step)
        asked = prompt(d, config)
        assert asked.request is (expected if d.keyboard else None)
        chosen = {o.key for o in asked.options} & {"map", "share"}
        assert bool(chosen) == (d.step in PHONE_STEPS and not d.keyboard), d.step


@pytest.mark.parametrize("step", PHONE_STEPS)
def test_a_chat_that_cannot_send_from_the_phone_is_never_offered_it(
    config: Config, step: Step
) -> None:
    """Zalo: at the location "2" is no map (it was never shown), at the phone "1" no share."""
    d = at(complaint(config), step, place=None, latitude=None, contact_phone=None)
    d = d.model_copy(update={"phone_buttons": False})
    keys = [o.key for o in prompt(d, config).options]
    assert keys == (["skip"] if step is Step.LOCATION else [])
    for typed in ("1", "2"):
        assert not answer(d, Text(typed), config).draft.keyboard


@pytest.mark.parametrize(
    ("step", "event", "recorded"),
    [
        (Step.LOCATION, Text(PLACE), {"place": PLACE}),
        (Step.LOCATION, Text("1"), {"place": None}),
        (Step.LOCATION, LocationSent(21.0, 105.8), {"latitude": 21.0}),
        (Step.PHONE, Text("0912345678"), {"contact_phone": "0912345678"}),
        (Step.PHONE, ContactSent("+84912345678", is_own=True), {"contact_phone": "0912345678"}),
    ],
)
def test_without_the_phones_keyboard_the_next_question_follows_at_once(
    config: Config, step: Step, event: Event, recorded: dict[str, object]
) -> None:
    """Nothing to take away, so no message of its own: one message, the next question."""
    turn = answer(at(complaint(config), step, place=None, latitude=None), event, config)
    assert turn.draft.step is not step
    assert turn.notice is None
    assert {k: getattr(turn.draft, k) for k in recorded} == recorded


def test_option_keys_fit_a_button(config: Config) -> None:
    for d in drafts_at_every_step(config):
        asked = prompt(d, config)
        keys = [o.key for o in asked.options]
        assert len(keys) == len(set(keys)), d.step
        for key in [*keys, Nav.BACK.value, Nav.CANCEL.value]:
            assert 0 < len(key) <= 32, key
            # Telegram allows 64 bytes of callback data: "ref|key".
            assert len(f"{asked.ref}|{key}".encode()) <= 64, key


def test_kind_and_category_options(config: Config) -> None:
    d = new_draft()
    assert [o.key for o in prompt(d, config).options] == [k.value for k in CASE_KINDS]
    d = at(d, Step.CATEGORY)
    assert [o.key for o in prompt(d, config).options] == [c.id for c in config.categories]


def test_steps_are_referenced_distinctly() -> None:
    assert len({ref(step) for step in Step}) == len(Step)


def test_summary_contains_every_answer(config: Config) -> None:
    d = feedback(config, contact=True)
    d = go(at(d, Step.PHOTOS), PhotoSent("file-2", "unique-2"), config, Step.PHOTOS)
    text = prompt(at(d, Step.CONFIRM), config).text
    for part in (
        t("summary.title"),
        t("kind.feedback.label"),
        "Môi trường",
        CONTENT,
        t("summary.photos", count=2),
        PLACE,
        NAME,
        "0912345678",
        ADDRESS,
        t("summary.confirm_hint"),
    ):
        assert part in text, part


def test_summary_of_a_denunciation_with_gps(config: Config) -> None:
    d = complaint(config, "denunciation")
    text = prompt(d, config).text
    for part in (
        t("kind.denunciation.label"),
        "Đất đai, xây dựng",
        CONTENT,
        t("summary.photos", count=0),
        t("summary.place", value=t("summary.place_map")),
        f"{NAME}, 0912345678, {ADDRESS}",
        t("intake.law.denunciation"),
    ):
        assert part in text, part


def test_summary_without_contact_says_so(config: Config) -> None:
    text = prompt(feedback(config), config).text
    assert t("summary.sender", value=t("summary.no_contact")) in text


def test_new_drafts_are_distinct() -> None:
    first, second = new_draft(), new_draft()
    assert first.draft_id != second.draft_id
    assert first.step is Step.KIND


DEVICE_EXITS: list[tuple[str, Step, Event]] = [
    ("map", Step.LOCATION, LocationSent(21.0, 105.8)),
    ("place", Step.LOCATION, Text(PLACE)),
    ("skip", Step.LOCATION, Text("1")),
    ("keep place", Step.LOCATION, Text("2")),
    ("back from location", Step.LOCATION, Text("quay lại")),
    ("phone", Step.PHONE, Text("0912345678")),
    ("contact", Step.PHONE, ContactSent("+84912345678", is_own=True)),
    ("keep phone", Step.PHONE, Text("giữ nguyên")),
    ("back from phone", Step.PHONE, Choice(ref(Step.PHONE), Nav.BACK.value)),
]


@pytest.mark.parametrize(("name", "step", "event"), DEVICE_EXITS, ids=[e[0] for e in DEVICE_EXITS])
def test_leaving_a_step_that_asked_the_phone_says_what_was_recorded(
    config: Config, name: str, step: Step, event: Event
) -> None:
    """The channel takes the phone's keyboard away with that message: never an empty one.
    "Quay lại" from the keyboard is the same step, asked as before the phone was chosen."""
    d = at(complaint(config), step, keyboard=True)
    turn = answer(d, event, config)
    assert (turn.draft.step is step) == name.startswith("back")
    assert not turn.draft.keyboard
    assert prompt(turn.draft, config).request is None
    assert turn.notice
    assert turn.notice != "Đã ghi nhận."
    if name == "place":
        assert turn.notice == t("intake.location.place", place=PLACE)
    if name == "skip":
        assert turn.notice == t("intake.location.skipped")
    if name.startswith("back"):
        assert turn.notice == t("intake.went_back")
