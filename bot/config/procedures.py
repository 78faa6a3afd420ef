"""The procedure catalog: the administrative procedures a citizen can be guided through, in a
TOML file of its own that the commune edits (`[procedures] catalog` in config.toml).

Kept out of config.toml because it is long, changes with the province's list of procedures
rather than with the bot's settings, and is written by the justice officer rather than the IT
officer. A starter catalog ships with the bot (procedures.example.toml beside this module).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.texts import t

STARTER_CATALOG = Path(__file__).resolve().parent / "procedures.example.toml"

_ID = r"^[a-z0-9][a-z0-9_-]{0,31}$"
Line = Annotated[str, Field(min_length=1, max_length=300)]
Paragraph = Annotated[str, Field(min_length=1, max_length=600)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Document(_Entry):
    """A paper to bring: "original" (bản chính), "copy" (bản sao), "certified_copy" (bản sao
    có chứng thực) or "show" (xuất trình: shown at the desk, not left there)."""

    name: Line
    form: Literal["original", "copy", "certified_copy", "show"] = "original"
    count: Annotated[int, Field(ge=1, le=20)] = 1
    note: Annotated[str, Field(max_length=300)] = ""


class Source(_Entry):
    """A legal text the catalog was written from, with the date it was issued."""

    name: Line
    issued: date


class Procedure(_Entry):
    id: Annotated[str, Field(pattern=_ID)]
    name: Line
    aliases: tuple[Line, ...] = ()
    for_whom: Paragraph
    documents: Annotated[tuple[Document, ...], Field(min_length=1)]
    fee: Paragraph
    duration: Paragraph
    # Where and when, if not the catalog's desk.
    place: Annotated[str, Field(max_length=300)] = ""
    hours: Annotated[str, Field(max_length=300)] = ""
    legal_basis: Annotated[tuple[Line, ...], Field(min_length=1)]
    portal: Annotated[str, Field(pattern=r"^(?:|https://dichvucong\.gov\.vn(?:/\S*)?)$")] = ""
    # Whether the citizen is offered "📅 Đặt lịch nộp hồ sơ" (the reception booking).
    booking: bool = False
    # Shown in the short list of the menu's "📋 Hướng dẫn thủ tục".
    common: bool = False


class ProcedureCatalog(_Entry):
    """The file: a note the citizen is shown (that the commune checks the catalog against the
    province's current list), the one-stop desk's place and hours, the legal texts it was
    written from, and the procedures."""

    note: Paragraph
    place: Line
    hours: Line
    sources: Annotated[tuple[Source, ...], Field(min_length=1)]
    procedures: Annotated[tuple[Procedure, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _one_id_each(self) -> ProcedureCatalog:
        ids = [p.id for p in self.procedures]
        if repeated := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(t("config.duplicate", value=repeated[0]))
        return self

    def procedure(self, procedure_id: str) -> Procedure | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)


def _where(raw: object, loc: tuple[int | str, ...]) -> str:
    """procedures[2] (khai-sinh).documents[0].name: the procedure's id where it has one, so
    the justice officer finds it in a long file."""
    text = ""
    for n, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
            if n == 1 and loc[0] == "procedures":
                text += _procedure_id(raw, part)
        else:
            text += f".{part}" if text else part
    return text


def _procedure_id(raw: object, place: int) -> str:
    entries = raw.get("procedures") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or place >= len(entries):
        return ""
    entry = entries[place]
    found = entry.get("id") if isinstance(entry, dict) else None
    return f" ({found})" if isinstance(found, str) else ""


def read_catalog(
    path: Path, words: Callable[[Any], str]
) -> tuple[ProcedureCatalog | None, list[tuple[str, str]]]:
    """The catalog in `path`, or every problem in it as (where, what): where names the file,
    the procedure (by its id) and the field; `words` says a pydantic error as config.toml's
    problems are said."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [(str(path), t("procedures.catalog_missing", path=path))]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return None, [(str(path), t("procedures.catalog_not_toml", detail=error))]
    try:
        return ProcedureCatalog.model_validate(raw), []
    except ValidationError as error:
        return None, [(f"{path}: {_where(raw, e['loc'])}", words(e)) for e in error.errors()]


class ProceduresConfig(BaseModel):
    """`[procedures]` in config.toml: which catalog file (a relative path is taken from the
    config file's folder; none means the starter catalog shipped with the bot).

    `content` is never written in config.toml: loading fills it from the catalog file, once,
    so every look-up reads the catalog from memory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    catalog: Path | None = None
    content: ProcedureCatalog | None = None

    @property
    def file(self) -> Path:
        return self.catalog or STARTER_CATALOG
