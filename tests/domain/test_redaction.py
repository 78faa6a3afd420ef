"""Masking what citizens type about themselves before supervisors read it."""

from __future__ import annotations

import pytest

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


def test_a_known_value_is_masked_as_a_whole_word_only() -> None:
    assert mask_personal("Hoa màu bị hỏng; chị Hoa báo.", ("Hoa",), mask=M) == (
        "[x] màu bị hỏng; chị [x] báo."
    )
    assert mask_personal("Hoàng hôn", ("Hoàng",), mask=M) == "[x] hôn"
    assert mask_personal("Thoại", ("Hoa",), mask=M) == "Thoại"
