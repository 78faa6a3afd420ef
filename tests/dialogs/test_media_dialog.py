"""Voice notes and documents in the intake dialog: a voice note stands for the written content or
joins it, a document is an attachment, and a file over a limit is refused with the limit named
while the draft stays exactly as it was."""

from __future__ import annotations

import pytest

from bot.config import Config
from bot.dialogs.intake import Outcome, answer, prompt
from bot.dialogs.intake import new_draft as fresh
from bot.dialogs.summary import summary
from bot.domain.draft import Draft, Step, missing
from bot.messages import DocumentSent, PhotoSent, Text, VoiceSent
from bot.texts import t
from tests.dialogs.test_intake_dialog import CONTENT, at, choose, feedback, go, refused

VOICE = VoiceSent("voice-1", "uv1", duration=45, size=90_000, media_type="audio/ogg")
PDF = DocumentSent("doc-1", "ud1", "don-khieu-nai.pdf", "application/pdf", 300_000)
SCAN = DocumentSent("doc-2", "ud2", "IMG_2031.jpg", "image/jpeg", 2_000_000)


def at_content(config: Config) -> Draft:
    d = fresh()
    d = go(d, choose(d, config, "feedback"), config, Step.CATEGORY)
    return go(d, choose(d, config, "moi-truong"), config, Step.CONTENT)


def test_a_voice_note_alone_is_enough_content(config: Config) -> None:
    turn = answer(at_content(config), VOICE, config)
    assert turn.draft.step is Step.PHOTOS
    assert turn.notice == t("intake.media.voice_received", seconds=45)
    assert turn.draft.content is None
    assert [(m.kind, m.duration) for m in turn.draft.media] == [("voice", 45)]
    assert missing(turn.draft.model_copy(update={"wants_contact": False})) is None


def test_a_voice_notes_caption_is_the_written_content(config: Config) -> None:
    turn = answer(at_content(config), VoiceSent("v", "uv", 20, caption=CONTENT), config)
    assert (turn.draft.step, turn.draft.content) == (Step.PHOTOS, CONTENT)


def test_text_and_voice_together_read_back_with_the_count_and_seconds(config: Config) -> None:
    d = go(at_content(config), Text(CONTENT), config, Step.PHOTOS)
    d = go(d, VOICE, config, Step.PHOTOS)
    d = go(d, VoiceSent("voice-2", "uv2", 15), config, Step.PHOTOS)
    d = go(d, SCAN, config, Step.PHOTOS)
    d = go(d, choose(d, config, "done"), config, Step.LOCATION)
    read_back = summary(d.model_copy(update={"step": Step.CONFIRM}), config)
    assert "• 🎤 2 tin nhắn thoại (60 giây)" in read_back
    assert "• 📄 1 tệp tài liệu" in read_back
    assert CONTENT in read_back


def test_a_voice_only_draft_reads_back_that_the_content_is_in_the_voice(config: Config) -> None:
    d = answer(at_content(config), VoiceSent("v", "uv", 45), config).draft
    read_back = summary(d, config)
    assert "• 🎤 1 tin nhắn thoại (45 giây)" in read_back
    assert t("summary.media.voice_content") in read_back


def test_a_voice_note_over_the_limit_names_it_and_keeps_the_draft(config: Config) -> None:
    limit = config.intake.voice_max_seconds
    d = go(at_content(config), Text(CONTENT), config, Step.PHOTOS)
    d = go(d, PhotoSent("p", "up"), config, Step.PHOTOS)
    turn = refused(d, VoiceSent("long", "ul", limit + 1), config)
    assert turn.notice == t("intake.media.voice_too_long", seconds=limit + 1, max=limit)
    assert f"{limit} giây" in (turn.notice or "")


def test_a_document_at_the_content_step_still_asks_for_the_words(config: Config) -> None:
    turn = answer(at_content(config), PDF, config)
    assert turn.draft.step is Step.CONTENT
    assert turn.notice == t("intake.media.document_first", name="don-khieu-nai.pdf")
    after = go(turn.draft, Text(CONTENT), config, Step.PHOTOS)
    assert [m.file_name for m in after.media] == ["don-khieu-nai.pdf"]


def test_a_document_with_a_caption_is_content_and_attachment(config: Config) -> None:
    with_words = DocumentSent("d", "ud", "don.pdf", "application/pdf", 10, caption=CONTENT)
    turn = answer(at_content(config), with_words, config)
    assert (turn.draft.step, turn.draft.content, len(turn.draft.media)) == (
        Step.PHOTOS,
        CONTENT,
        1,
    )


TYPES = "application/pdf, image/jpeg, image/png"


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            DocumentSent("x", "ux", "virus.exe", "application/x-msdownload", 100),
            t("intake.media.document_type", name="virus.exe", types=TYPES),
        ),
        (
            DocumentSent("x", "ux", None, None, 100),
            t("intake.media.document_type", name="không tên", types=TYPES),
        ),
        (
            DocumentSent("x", "ux", "to.pdf", "application/pdf", 11 * 1024 * 1024),
            t("intake.media.document_too_big", name="to.pdf", size="11,0", max=10),
        ),
        (
            DocumentSent("x", "ux", "am.pdf", "application/pdf", -5),
            t("intake.media.unreadable"),
        ),
    ],
)
def test_a_refused_document_names_the_limit_and_keeps_the_draft(
    config: Config, document: DocumentSent, expected: str
) -> None:
    d = go(at_content(config), Text(CONTENT), config, Step.PHOTOS)
    assert refused(d, document, config).notice == expected


def test_a_forged_negative_voice_length_is_unreadable(config: Config) -> None:
    turn = refused(at_content(config), VoiceSent("v", "uv", -3), config)
    assert turn.notice == t("intake.media.unreadable")


def test_files_past_max_files_are_refused(config: Config) -> None:
    d = go(at_content(config), Text(CONTENT), config, Step.PHOTOS)
    for n in range(config.intake.max_files):
        d = go(d, VoiceSent(f"v{n}", f"uv{n}", 5), config, Step.PHOTOS)
    turn = refused(d, SCAN, config)
    assert turn.notice == t("intake.media.too_many", max=config.intake.max_files)


def test_the_same_voice_note_twice_is_kept_once(config: Config) -> None:
    d = go(at_content(config), Text(CONTENT), config, Step.PHOTOS)
    d = go(d, VOICE, config, Step.PHOTOS)
    d = go(d, VOICE, config, Step.PHOTOS)
    assert len(d.media) == 1


@pytest.mark.parametrize("step", [Step.LOCATION, Step.CONTACT, Step.CONFIRM])
def test_a_voice_note_at_a_later_step_is_attached_and_the_step_asked_again(
    config: Config, step: Step
) -> None:
    d = at(feedback(config), step)
    turn = answer(d, VOICE, config)
    assert turn.outcome is Outcome.CONTINUE
    assert turn.draft.step is step
    assert [m.file_id for m in turn.draft.media] == ["voice-1"]


@pytest.mark.parametrize("step", [Step.KIND, Step.CATEGORY])
def test_a_voice_note_before_the_content_step_is_asked_to_wait(config: Config, step: Step) -> None:
    turn = refused(at(fresh(), step), VOICE, config)
    assert turn.notice == t("intake.media.too_early")


def test_the_photo_step_offers_to_go_on_once_a_voice_note_came(config: Config) -> None:
    d = answer(at_content(config), VOICE, config).draft
    assert [o.key for o in prompt(d, config).options] == ["done"]
    assert prompt(d, config).options[0].label == t("intake.photos.done")


def test_a_draft_kept_before_voice_notes_loads_with_none() -> None:
    old = {"draft_id": "abc", "step": "photos", "content": CONTENT, "photos": []}
    assert Draft.model_validate(old).media == []
