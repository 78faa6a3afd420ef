"""Choices understood from a button's words, a number or a word typed without diacritics."""

from __future__ import annotations

import unicodedata

import pytest

from bot.domain.choices import Nav, Option, match_nav, match_option, normalize

CATEGORIES = (
    Option("dat-dai", "Đất đai, xây dựng"),
    Option("moi-truong", "Môi trường"),
    Option("giao-thong", "Giao thông, hạ tầng"),
    Option("giao-duc", "Giáo dục, y tế, văn hóa"),
    Option("khac", "Việc khác", ("linh tinh",)),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Môi trường", "moi truong"),
        ("MÔI TRƯỜNG", "moi truong"),
        ("Đất đai", "dat dai"),
        ("đường ĐI", "duong di"),
        ("📝 Gửi phản ánh, kiến nghị", "gui phan anh kien nghi"),
        ("↩️ Quay lại", "quay lai"),
        ("  Giao   thông,\thạ\ntầng!!! ", "giao thong ha tang"),
        ("Số 2.", "so 2"),
        ("Nguyễn Văn An", "nguyen van an"),
        ("Hộ tịch – chứng thực", "ho tich chung thuc"),
        ("", ""),
        ("🙏🙏", ""),
        ("...", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_reads_composed_and_decomposed_text_alike() -> None:
    word = "Khiếu nại"
    assert normalize(unicodedata.normalize("NFD", word)) == normalize(word) == "khieu nai"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1", "dat-dai"),
        ("2", "moi-truong"),
        ("5", "khac"),
        (" 2 ", "moi-truong"),
        ("2.", "moi-truong"),
        ("số 2", "moi-truong"),
        ("So 2", "moi-truong"),
        ("số2", "moi-truong"),
        ("chọn 3", "giao-thong"),
        ("mục 4", "giao-duc"),
    ],
)
def test_match_option_by_number(text: str, key: str) -> None:
    option = match_option(text, CATEGORIES)
    assert option is not None
    assert option.key == key


@pytest.mark.parametrize("text", ["0", "6", "số 6", "số 0", "99", "123"])
def test_match_option_number_out_of_range_is_none(text: str) -> None:
    assert match_option(text, CATEGORIES) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Môi trường", "moi-truong"),
        ("môi trường", "moi-truong"),
        ("moi truong", "moi-truong"),
        ("MOI TRUONG", "moi-truong"),
        ("Đất đai, xây dựng", "dat-dai"),
        ("dat dai xay dung", "dat-dai"),
        ("linh tinh", "khac"),
        ("🌳 Môi trường!", "moi-truong"),
    ],
)
def test_match_option_by_exact_word(text: str, key: str) -> None:
    option = match_option(text, CATEGORIES)
    assert option is not None
    assert option.key == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("dat dai", "dat-dai"),
        ("xây dựng", "dat-dai"),
        ("giao thong", "giao-thong"),
        ("ha tang", "giao-thong"),
        ("y te", "giao-duc"),
        ("khac", "khac"),
    ],
)
def test_match_option_by_unique_partial_word(text: str, key: str) -> None:
    option = match_option(text, CATEGORIES)
    assert option is not None
    assert option.key == key


def test_match_option_ambiguous_partial_is_none() -> None:
    # "giao" starts both "Giao thông" and "Giáo dục".
    assert match_option("giao", CATEGORIES) is None


def test_match_option_partial_needs_whole_words() -> None:
    # "truo" is part of a word, not a word: guessing would pick by accident.
    assert match_option("truo", CATEGORIES) is None
    assert match_option("ai", CATEGORIES) is None


def test_match_option_exact_word_wins_over_partial() -> None:
    options = (Option("a", "Nông nghiệp"), Option("b", "Nông nghiệp công nghệ cao"))
    option = match_option("nong nghiep", options)
    assert option is not None
    assert option.key == "a"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "😀", "xyz", "không biết"])
def test_match_option_unclear_is_none(text: str) -> None:
    assert match_option(text, CATEGORIES) is None


def test_match_option_without_options_is_none() -> None:
    assert match_option("1", ()) is None
    assert match_option("moi truong", ()) is None


@pytest.mark.parametrize(
    "text", ["quay lại", "Quay lại", "quay lai", "QUAY LAI", "↩️ Quay lại", "trở lại", "lùi"]
)
def test_match_nav_back(text: str) -> None:
    assert match_nav(text) is Nav.BACK


@pytest.mark.parametrize(
    "text",
    [
        "hủy",
        "Hủy",
        "HUY",
        "huy",
        "✖️ Hủy",
        "hủy bỏ",
        "thôi",
        "cancel",
        # The older accent placement: "ỷ" carries the mark instead of "u".
        "huỷ",
        "HUỶ",
        # Decomposed forms, as some keyboards and copy-paste produce them.
        "hu\u0309y",
        "huy\u0309",
        unicodedata.normalize("NFD", "hủy bỏ"),
    ],
)
def test_match_nav_cancel(text: str) -> None:
    assert match_nav(text) is Nav.CANCEL


def test_the_two_accent_placements_of_huy_are_different_strings() -> None:
    # Guard: the test above really covers two spellings, not the same one twice.
    assert unicodedata.normalize("NFC", "huỷ") != unicodedata.normalize("NFC", "hủy")


@pytest.mark.parametrize(
    "text", ["", "quay", "lại", "huyện", "hủy đơn này đi", "1", "Môi trường", "xong"]
)
def test_match_nav_other_text_is_none(text: str) -> None:
    assert match_nav(text) is None


@pytest.mark.parametrize("text", ["đúng", "Đúng", "ĐÚNG", "dung"])
def test_match_nav_does_not_read_dung_meaning_correct_as_cancel(text: str) -> None:
    # Without diacritics "đúng" (right, yes) and "dừng" (stop) are the same word.
    assert match_nav(text) is None


SKIP_OR_KEEP = (Option("skip", "Bỏ qua", ("bo qua",)), Option("keep", "Giữ nguyên"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. Bỏ qua", "skip"),  # a pressed reply button: its number and its label
        ("2. Giữ nguyên", "keep"),
        ("2. Bỏ qua", None),  # number and label disagree: neither is guessed
        ("12. Lê Lợi", None),  # a place that starts with a number
    ],
)
def test_a_pressed_numbered_reply_button_picks_its_option(text: str, expected: str | None) -> None:
    option = match_option(text, SKIP_OR_KEEP)
    assert (option.key if option else None) == expected
