"""Masking what citizens type about themselves before supervisors read it."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.redaction import mask_personal

M = "[x]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gọi tôi 0912345678 nhé", "Gọi tôi [x] nhé"),
        ("Gọi 0912 345 678.", "Gọi [x]."),
        ("Gọi 0912.345.678 hoặc 0912-345-678", "Gọi [x] hoặc [x]"),
        ("Số +84 912 345 678", "Số [x]"),
        ("Máy bàn 0239 3800 000", "Máy bàn [x]"),
        ("CCCD 001085012345, CMND 123456789", "CCCD [x], CMND [x]"),
        ("Thư: an.nguyen+xa@gmail.com.vn nhé", "Thư: [x] nhé"),
        # Not personal: dates, house numbers, decision numbers, amounts of money.
        ("Từ 28/11/2026, nhà số 15", "Từ 28/11/2026, nhà số 15"),
        ("Quyết định số 12/QĐ-UBND", "Quyết định số 12/QĐ-UBND"),
        ("Bồi thường 150.000.000 đồng", "Bồi thường 150.000.000 đồng"),
        ("Giá 1.500.000 đồng", "Giá 1.500.000 đồng"),
    ],
)
def test_numbers_and_addresses_that_reach_a_person(text: str, expected: str) -> None:
    assert mask_personal(text, mask=M) == expected


def test_the_citizens_own_words_about_themselves() -> None:
    text = "Tôi là HOÀNG VĂN KHẢI, ở Số 7, xóm Chùa. Ông Khải Hoàng không liên quan."
    known = ("Hoàng Văn Khải", "Số 7, xóm Chùa", None, "", "An")
    assert mask_personal(text, known, mask=M) == (
        "Tôi là [x], ở [x]. Ông Khải Hoàng không liên quan."
    )


def test_a_single_word_is_never_taken_for_the_person() -> None:
    """A Telegram first name or a one-word address is also an ordinary word or a place: hiding
    it garbles the sentence and tells the reader what the hidden name is."""
    assert mask_personal("Tôi khiếu nại việc thu hồi đất.", ("Khiếu",), mask=M) == (
        "Tôi khiếu nại việc thu hồi đất."
    )
    assert mask_personal("Hoa màu bị hỏng; chị Hoa báo.", ("Hoa",), mask=M) == (
        "Hoa màu bị hỏng; chị Hoa báo."
    )
    assert mask_personal("Xóm Đông, xã Nam Sơn", ("Đông", "Nam", "Sơn"), mask=M) == (
        "Xóm Đông, xã Nam Sơn"
    )


def test_the_name_as_given_is_masked_as_a_whole_phrase_only() -> None:
    assert mask_personal("Chị Lê Thị Hoa báo; hoa màu hỏng.", ("Lê Thị Hoa",), mask=M) == (
        "Chị [x] báo; hoa màu hỏng."
    )
    assert mask_personal("Lê Thị Hoàng", ("Lê Thị Hoa",), mask=M) == "Lê Thị Hoàng"
    assert mask_personal("Thoại", ("Hoa",), mask=M) == "Thoại"


@pytest.mark.parametrize(
    "typed",
    [
        "Đặng Văn Xoá",
        "Đặng Văn Xóa",  # the tone mark on the other vowel, as many keyboards put it
        "ĐẶNG VĂN XOÁ",
        "Dang Van Xoa",
        "dang van xoa",
        "Đặng Van Xoa",
        "Dang Văn Xoá",
        unicodedata.normalize("NFD", "Đặng Văn Xoá"),  # decomposed, as some keyboards send
    ],
)
def test_the_full_name_with_or_without_diacritics(typed: str) -> None:
    assert mask_personal(f"Tôi là {typed}, khiếu nại.", ("Đặng Văn Xoá",), mask=M) == (
        "Tôi là [x], khiếu nại."
    )


def test_other_marks_make_another_word() -> None:
    assert mask_personal("Lễ Văn Tân", ("Lê Văn Tân",), mask=M) == "Lễ Văn Tân"
    assert mask_personal("Tôi là Le Van Tan", ("Lê Văn Tân",), mask=M) == "Tôi là [x]"
    assert mask_personal("Tôi là Lê Văn Tân", ("Le Van Tan",), mask=M) == "Tôi là [x]"


def test_a_phone_given_as_one_word_is_masked_even_when_short() -> None:
    assert mask_personal("Gọi 113 hoặc 3800", ("3800",), mask=M) == "Gọi 113 hoặc [x]"


def _words(*lines: str) -> list[str]:
    return " ".join(lines).split()


# The commonest given names, which are also words, and the words of place names.
GIVEN = _words(
    "Anh Bình Cúc Dung Đông Đất Hải Hà Hạnh Hoa Hòa Hùng Hương Hưng Khải Khiếu Lan Linh",
    "Long Mai Minh Nam Nga Ngọc Nhung Phúc Phương Quang Sơn Tâm Thanh Thảo Thu Thủy Trung",
    "Tuấn Vân Việt Xuân Yến Bắc Tây Đoài Chùa Làng Đồng Bãi Cầu",
)
WORDS = _words(
    "tôi khiếu nại việc thu hồi đất nhà bên xây lấn sang hoa màu bị hỏng nước tràn vào cống",
    "thôn xóm xã huyện phía nam bắc đông tây sơn núi cầu đồng bãi làng chùa ngõ đường đèn",
    "mong cán bộ xem xét giải quyết sớm cho gia đình hương lúa thu hoạch an toàn",
)
SURNAMES = _words("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
MIDDLES = _words("Văn Thị Hữu Đức Minh Ngọc Thanh Xuân")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _cased(word: str, how: int) -> str:
    return (word, word.lower(), word.upper(), word.capitalize())[how]


sentences = st.lists(
    st.tuples(
        st.sampled_from((*WORDS, *GIVEN)), st.integers(0, 3), st.sampled_from((" ", ", ", ". "))
    ),
    min_size=1,
    max_size=30,
).map(lambda parts: "".join(_cased(w, how) + gap for w, how, gap in parts).strip())


@given(sentences, st.sampled_from(GIVEN), st.integers(0, 3))
def test_ordinary_words_never_change_for_a_one_word_name(
    sentence: str, name: str, how: int
) -> None:
    assert mask_personal(sentence, (_cased(name, how), None, ""), mask=M) == sentence


@given(
    sentences,
    sentences,
    st.sampled_from(SURNAMES),
    st.lists(st.sampled_from(MIDDLES), max_size=2),
    st.sampled_from(GIVEN),
    st.booleans(),
    st.integers(0, 3),
)
def test_the_full_name_as_given_is_always_masked(
    before: str,
    after: str,
    surname: str,
    middles: list[str],
    given_name: str,
    plain: bool,
    how: int,
) -> None:
    name = " ".join((surname, *middles, given_name))
    typed = _cased(_plain(name) if plain else name, how)
    masked = mask_personal(f"{before} {typed} {after}", (name,), mask=M)
    assert _plain(name).lower() not in _plain(masked).lower()
    assert masked.startswith(before)
    assert masked.endswith(after)
