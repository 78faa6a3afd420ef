"""The procedure catalog: the starter one loads, its problems are named by file, procedure and
field, and check-config says how many procedures it read."""

from __future__ import annotations

from pathlib import Path

from bot.__main__ import summary
from bot.config import load_config
from bot.config.procedures import STARTER_CATALOG
from bot.texts import t
from tests.support.config_files import ENV, problems, write

STARTER = STARTER_CATALOG.read_text(encoding="utf-8")
CATALOG_LINE = '# catalog = "procedures.toml"'
REQUIRED = {
    "khai-sinh",
    "khai-tu",
    "ket-hon",
    "nhan-cha-me-con",
    "xac-nhan-hon-nhan",
    "chung-thuc-ban-sao",
    "chung-thuc-chu-ky",
    "giam-ho",
    "tro-cap-xa-hoi",
}


def _own_catalog(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = STARTER
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "procedures.toml").write_text(text, encoding="utf-8")
    return write(tmp_path, (CATALOG_LINE, 'catalog = "procedures.toml"'))


def test_the_starter_catalog_is_read_by_default(tmp_path: Path) -> None:
    procedures = load_config(write(tmp_path), environ=ENV).procedures
    assert procedures.content is not None
    assert {p.id for p in procedures.content.procedures} >= REQUIRED
    assert procedures.catalog == STARTER_CATALOG
    # Each source is named and dated, and the citizen is told the commune checks the list.
    assert all(s.issued.year >= 2014 for s in procedures.content.sources)
    assert "tỉnh" in procedures.content.note


def test_a_relative_catalog_is_taken_from_the_config_folder(tmp_path: Path) -> None:
    edit = ('name = "Đăng ký khai sinh"', 'name = "Khai sinh cho trẻ"')
    procedures = load_config(_own_catalog(tmp_path, edit), environ=ENV).procedures
    assert procedures.catalog == tmp_path / "procedures.toml"
    assert procedures.content is not None
    assert procedures.content.procedures[0].name == "Khai sinh cho trẻ"


def test_a_problem_names_the_file_the_procedure_and_the_field(tmp_path: Path) -> None:
    edits = (
        (
            'form = "show"\n\n[[procedures]]\nid = "khai-tu"',
            'form = "mang"\n\n[[procedures]]\nid = "khai-tu"',
        ),
        ('id = "ket-hon"\nname = "Đăng ký kết hôn"', 'id = "ket-hon"\nname = ""'),
    )
    found = problems(_own_catalog(tmp_path, *edits))
    file = tmp_path / "procedures.toml"
    assert [p.path for p in found] == [
        f"procedures.catalog ({file}: procedures[0] (khai-sinh).documents[3].form)",
        f"procedures.catalog ({file}: procedures[2] (ket-hon).name)",
    ]
    assert found[0].message == t(
        "config.not_one_of", expected="'original', 'copy', 'certified_copy', 'show'"
    )


def test_a_missing_catalog_and_a_repeated_id_are_told(tmp_path: Path) -> None:
    missing = write(tmp_path, (CATALOG_LINE, 'catalog = "khong-co.toml"'))
    [problem] = problems(missing)
    assert problem.message == t("procedures.catalog_missing", path=tmp_path / "khong-co.toml")
    repeated = _own_catalog(tmp_path, ('id = "khai-tu"', 'id = "khai-sinh"'))
    [problem] = problems(repeated)
    assert problem.message == t("config.duplicate", value="khai-sinh")


def test_the_content_is_never_written_in_config(tmp_path: Path) -> None:
    path = write(tmp_path, (CATALOG_LINE, "content = {}"))
    assert [p.path for p in problems(path)] == ["procedures.content"]


def test_check_config_counts_the_procedures(tmp_path: Path) -> None:
    config = load_config(write(tmp_path), environ=ENV)
    assert t("procedures.summary", count=9, file=STARTER_CATALOG) in summary(config)
