"""How a procedure reads in chat: a short answer an elderly person can take in at once (what,
who, fee, how long, where and when), the documents to bring on request, and short numbered
lists to choose from. Every button carries only the procedure's short id."""

from __future__ import annotations

from enum import StrEnum

from bot.config.procedures import Document, Procedure, ProcedureCatalog
from bot.domain.choices import Option
from bot.messages import Prompt
from bot.texts import t

GUIDE_REF = "gd"
SEPARATOR = "."


class Action(StrEnum):
    PICK = "p"
    DOCUMENTS = "d"
    # "📅 Đặt lịch nộp hồ sơ" opens the reception booking (handlers.citizen.booking).
    BOOK = "b"
    MENU = "m"
    # "❓ Không đúng ý, hỏi cán bộ xã": a search can find a procedure the citizen did not mean;
    # this opens "❓ Hỏi xã" (handlers.citizen.questions) instead of leaving only the menu.
    ASK = "q"


def action_key(action: Action, procedure_id: str = "") -> str:
    return f"{action.value}{SEPARATOR}{procedure_id}"


def read_action(key: str) -> tuple[Action, str] | None:
    """The action and procedure id a pressed button names, or None for a key never made."""
    action, _, procedure_id = key.partition(SEPARATOR)
    found = next((a for a in Action if a.value == action), None)
    return (found, procedure_id) if found is not None else None


def _menu_option() -> Option:
    return Option(action_key(Action.MENU), t("procedures.menu"), _aliases("menu"))


def _ask_option() -> Option:
    return Option(action_key(Action.ASK), t("procedures.ask_commune"), _aliases("ask_commune"))


def _aliases(name: str) -> tuple[str, ...]:
    return tuple(t(f"procedures.{name}_aliases").split("|"))


def _pick(procedure: Procedure) -> Option:
    return Option(action_key(Action.PICK, procedure.id), procedure.name)


def choose_prompt(procedures: tuple[Procedure, ...], *, asking: bool) -> Prompt:
    """The menu item's question with the commonest procedures, or (`asking` False) the
    several a search found close to one another."""
    text = t("procedures.ask" if asking else "procedures.several")
    options = (*(_pick(p) for p in procedures), _ask_option(), _menu_option())
    return Prompt(text=text, ref=GUIDE_REF, options=options)


def _footer(catalog: ProcedureCatalog) -> str:
    return t("procedures.footer", note=catalog.note)


def answer_prompt(procedure: Procedure, catalog: ProcedureCatalog) -> Prompt:
    """The short answer, with the documents, the booking (where it applies) and the menu."""
    lines = [
        t(
            "procedures.answer",
            name=procedure.name,
            for_whom=procedure.for_whom,
            fee=procedure.fee,
            duration=procedure.duration,
            place=procedure.place or catalog.place,
            hours=procedure.hours or catalog.hours,
        )
    ]
    if procedure.portal:
        lines.append(t("procedures.portal", link=procedure.portal))
    lines += ["", _footer(catalog)]
    documents = Option(
        action_key(Action.DOCUMENTS, procedure.id),
        t("procedures.show_documents"),
        _aliases("show_documents"),
    )
    options = (documents, *_booking(procedure), _ask_option(), _menu_option())
    return Prompt(text="\n".join(lines), ref=GUIDE_REF, options=options)


def _booking(procedure: Procedure) -> tuple[Option, ...]:
    """Offered only where the catalog says booking the desk applies to the procedure."""
    if not procedure.booking:
        return ()
    return (Option(action_key(Action.BOOK, procedure.id), t("procedures.book"), _aliases("book")),)


def _document_line(number: int, document: Document) -> str:
    form = t(f"procedures.form.{document.form}")
    values = {"number": number, "name": document.name, "form": form, "count": document.count}
    line = t("procedures.document_count" if document.count > 1 else "procedures.document", **values)
    return f"{line}\n{t('procedures.document_note', note=document.note)}" if document.note else line


def documents_prompt(procedure: Procedure, catalog: ProcedureCatalog) -> Prompt:
    lines = [t("procedures.documents_title", name=procedure.name)]
    lines += [_document_line(n, d) for n, d in enumerate(procedure.documents, start=1)]
    lines += [
        "",
        t("procedures.legal_basis", basis="; ".join(procedure.legal_basis)),
        _footer(catalog),
        "",
        t("procedures.next"),
    ]
    options = (*_booking(procedure), _menu_option())
    return Prompt(text="\n".join(lines), ref=GUIDE_REF, options=options)
