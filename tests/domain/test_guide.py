"""Finding a procedure from what a citizen types (bot.domain.guide), against the starter
catalog: without diacritics, with typos, in any word order, wrapped in filler words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.config.procedures import STARTER_CATALOG, read_catalog
from bot.domain.guide import EntryKind, GuideEntry, GuideIndex, Lookup, key_words

catalog, problems = read_catalog(STARTER_CATALOG, str)
assert catalog is not None, problems
INDEX = GuideIndex(
    tuple(GuideEntry(EntryKind.PROCEDURE, p.id, p.name, p.aliases) for p in catalog.procedures)
)

FOUND = [
    ("lam giay khai sinh", "khai-sinh"),
    ("khai sinh cho con", "khai-sinh"),
    ("lam giay khai sinh can gi", "khai-sinh"),
    ("dang ky khai sinh", "khai-sinh"),
    ("Đăng ký khai sinh", "khai-sinh"),
    ("khai sihn cho be", "khai-sinh"),
    ("giay khai sin", "khai-sinh"),
    ("con moi sinh lam giay to gi", "khai-sinh"),
    ("lam khai sinh cho chau", "khai-sinh"),
    ("khaisinh", "khai-sinh"),
    ("dang ky ket hon can giay to gi", "ket-hon"),
    ("dang ki ket hon", "ket-hon"),
    ("ket hon", "ket-hon"),
    ("lam giay ket hon", "ket-hon"),
    ("hon ket dang ky", "ket-hon"),
    ("dang ky ket hun", "ket-hon"),
    ("giay dang ky ket hon o dau", "ket-hon"),
    ("cuoi vo can thu tuc gi", "ket-hon"),
    ("xac nhan doc than", "xac-nhan-hon-nhan"),
    ("giay xac nhan doc than", "xac-nhan-hon-nhan"),
    ("xac nhan tinh trang hon nhan", "xac-nhan-hon-nhan"),
    ("xin giay doc than", "xac-nhan-hon-nhan"),
    ("xac nhan doc tan", "xac-nhan-hon-nhan"),
    ("tinh trang hon nhan", "xac-nhan-hon-nhan"),
    ("chung thuc ban sao", "chung-thuc-ban-sao"),
    ("sao y ban chinh", "chung-thuc-ban-sao"),
    ("cong chung giay to", "chung-thuc-ban-sao"),
    ("photo cong chung", "chung-thuc-ban-sao"),
    ("chung thuc ban sao y", "chung-thuc-ban-sao"),
    ("ban sao chung thuc", "chung-thuc-ban-sao"),
    ("chung thuc chu ky", "chung-thuc-chu-ky"),
    ("cong chung chu ky", "chung-thuc-chu-ky"),
    ("xac nhan chu ky", "chung-thuc-chu-ky"),
    ("chung thuc chu ki", "chung-thuc-chu-ky"),
    ("lam giay chung tu", "khai-tu"),
    ("khai tu", "khai-tu"),
    ("dang ky khai tu cho bo", "khai-tu"),
    ("bao tu", "khai-tu"),
    ("nguoi nha mat lam giay gi", "khai-tu"),
    ("giay chung tu", "khai-tu"),
    ("tro cap nguoi gia", "tro-cap-xa-hoi"),
    ("tro cap nguoi cao tuoi", "tro-cap-xa-hoi"),
    ("tien tro cap hang thang", "tro-cap-xa-hoi"),
    ("tro cap nguoi khuyet tat", "tro-cap-xa-hoi"),
    ("tro cap nguoi gai", "tro-cap-xa-hoi"),
    ("bao tro xa hoi", "tro-cap-xa-hoi"),
    ("dang ky giam ho", "giam-ho"),
    ("giam ho cho chau", "giam-ho"),
    ("lam nguoi giam ho", "giam-ho"),
    ("nhan cha me con", "nhan-cha-me-con"),
    ("nhan con", "nhan-cha-me-con"),
    ("lam thu tuc nhan con", "nhan-cha-me-con"),
    ("nhan cha cho con", "nhan-cha-me-con"),
    ("Cho tôi hỏi làm giấy khai sinh cần giấy tờ gì ạ?", "khai-sinh"),
    ("ĐĂNG KÝ KẾT HÔN", "ket-hon"),
    ("toi muon sao y ban chinh so ho khau", "chung-thuc-ban-sao"),
]

NOTHING = [
    "duong bi ngap nuoc",
    "den duong bi hong",
    "hang xom lan chiem dat",
    "rac thai o cho",
    "xin chao",
    "cam on",
    "toi muon gui don",
    "bao lau thi xong",
    "co ai khong",
    "xe cho cat lam hong duong",
    "tieng on karaoke",
]


def test_there_are_forty_phrasings_at_least() -> None:
    assert len(FOUND) >= 40


@pytest.mark.parametrize(("typed", "procedure"), FOUND)
def test_a_typed_phrase_finds_its_procedure(typed: str, procedure: str) -> None:
    winner = INDEX.search(typed).winner
    assert winner is not None
    assert winner.id == procedure


@pytest.mark.parametrize("typed", NOTHING)
def test_what_is_no_procedure_finds_nothing(typed: str) -> None:
    assert INDEX.search(typed).entries == ()


@pytest.mark.parametrize(
    ("typed", "procedures"),
    [
        ("chung thuc", {"chung-thuc-ban-sao", "chung-thuc-chu-ky"}),
        ("xác nhận", {"chung-thuc-chu-ky", "xac-nhan-hon-nhan"}),
    ],
)
def test_a_word_several_procedures_share_lists_them_all(typed: str, procedures: set[str]) -> None:
    found = INDEX.search(typed)
    assert found.winner is None
    assert procedures <= {e.id for e in found.entries}


def test_filler_and_diacritics_are_dropped() -> None:
    assert key_words("Làm giấy khai sinh cho con cần giấy tờ gì ạ?") == "khai sinh con"
    assert key_words("Chứng thực chữ ký") == key_words("chung thuc chu ki")


def test_a_lookup_keeps_no_long_number_and_is_cut() -> None:
    found = INDEX.search("khai sinh 0912345678")
    lookup = Lookup.of(found, datetime(2026, 5, 4, tzinfo=UTC), "telegram", 12)
    assert lookup.query == "khai sinh #"
    assert lookup.entry_id == "khai-sinh"
    assert Lookup.of(INDEX.search("x" * 50), lookup.at, "zalo", 12).query == "x" * 12


def test_a_list_is_five_at_most() -> None:
    many = tuple(GuideEntry(EntryKind.PROCEDURE, f"p{n}", f"chung thuc loai {n}") for n in range(9))
    assert len(GuideIndex(many).search("chung thuc loai").entries) == 5
