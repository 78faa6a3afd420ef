"""The message catalog: every key the code names exists, and no user-facing Vietnamese hides
in the code instead of the catalog."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from bot.texts import catalog

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "localapi", "storage")
SOURCES = sorted(p for d in PACKAGES for p in (ROOT / d).rglob("*.py"))
VIETNAMESE = re.compile(
    r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạầấẩẫậằắẳẵặèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]"
)


def _literal_keys() -> set[tuple[str, str]]:
    found = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((str(path.relative_to(ROOT)), node.args[0].value))
    return found


@pytest.mark.parametrize(("where", "key"), sorted(_literal_keys()))
def test_every_key_the_code_names_exists(where: str, key: str) -> None:
    assert key in catalog(), f"{where} uses a missing key {key!r}"


PRODUCT = "Nghe Dân"  # the product's name may appear anywhere, e.g. in logs


def _is_sentence(text: str) -> bool:
    """Vietnamese words (not a lone letter the code processes, not the product's name)."""
    rest = text.replace(PRODUCT, "")
    return " " in rest.strip() and bool(VIETNAMESE.search(rest))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_vietnamese_sentences_outside_the_catalog(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    strays = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and _is_sentence(node.value)
    ]
    assert strays == []


def test_every_sentence_is_written_and_placeholders_are_named() -> None:
    for key, text in catalog().items():
        assert text.strip(), key
        for _, field, _, _ in string.Formatter().parse(text):
            assert field is None or field.isidentifier(), (key, field)
