"""The house as ARCHITECTURE.md draws it: which folder may import which, read from the code.

ruff's banned-API rule keeps Telegram and HTTP out of the core; this test keeps the project's
own folders in their places, so a shortcut (a handler writing SQL, the core reaching for the
edge) fails `make test` instead of waiting for a reviewer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage", "localapi")
MESSAGE_TYPES = frozenset(
    name
    for name, value in vars(__import__("bot.messages", fromlist=["_"])).items()
    if isinstance(value, type) and getattr(value, "__module__", "") == "bot.messages"
)


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _module_of(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
}


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """Imports under `if TYPE_CHECKING:`, which name a type for the checker and run never."""
    hidden: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            hidden.update(inner for stmt in node.body for inner in ast.walk(stmt))
    return hidden


def _imports(module: str, *, at_run_time: bool = False) -> Iterator[tuple[str, str, int]]:
    """(imported module, imported name or "", line) for each project import of `module`."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    hidden = _type_checking_only(tree) if at_run_time else set()
    for node in ast.walk(tree):
        if node in hidden:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, "", node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in MODULES:
                    yield full, "", node.lineno
                else:
                    yield node.module, alias.name, node.lineno


def _edges(*, at_run_time: bool = False) -> dict[str, set[str]]:
    return {
        module: {
            target
            for target, _, _ in _imports(module, at_run_time=at_run_time)
            if target.split(".")[0] in PACKAGES
        }
        for module in MODULES
    }


def _under(module: str, *prefixes: str) -> bool:
    return any(module == p or module.startswith(f"{p}.") for p in prefixes)


def _violations(source: tuple[str, ...], target: tuple[str, ...], allowed: set[str]) -> list[str]:
    return sorted(
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {imported}"
        for module in MODULES
        if _under(module, *source) and module not in allowed
        for imported, _, line in _imports(module)
        if _under(imported, *target)
    )


def test_the_core_imports_no_edge_but_the_command_line_that_starts_it() -> None:
    assert _violations(("bot",), ("handlers", "localapi"), {"bot.__main__"}) == []


def test_storage_knows_only_the_domain_models_and_the_seal() -> None:
    found = _violations(("storage",), ("handlers", "localapi", "bot"), set())
    assert [
        v for v in found if not v.endswith((" imports bot.sealing",)) and " bot.domain" not in v
    ] == []


def test_the_domain_is_pure() -> None:
    """Rules and values only: no storage, no services, no wording, no channel."""
    found = _violations(("bot.domain",), ("storage", "handlers", "localapi", "bot"), set())
    assert [v for v in found if " imports bot.domain" not in v] == []


def test_services_reach_no_channel() -> None:
    assert _violations(("bot.services",), ("handlers", "localapi"), set()) == []


def test_the_edge_reaches_storage_only_for_the_database_handle() -> None:
    """Handlers go through services; the one exception is the database handle: its type and
    is_disk_full (storage.database), its opening (storage.backends) and the connection type a
    stored conversation is written with (storage.connection)."""
    handle = (
        " imports storage.database",
        " imports storage.backends",
        " imports storage.connection",
    )
    found = _violations(("handlers",), ("storage",), set())
    assert [v for v in found if not v.endswith(handle)] == []


def test_message_types_come_from_their_own_module() -> None:
    """Notice, Prompt, Delivery and the events live in bot.messages, not in a dialog."""
    wrong = sorted(
        f"{MODULES[module].relative_to(ROOT)}:{line} takes {name} from {imported}"
        for module in MODULES
        for imported, name, line in _imports(module)
        if name in MESSAGE_TYPES and imported != "bot.messages"
    )
    assert wrong == []


def _cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the modules around it, or [] (depth-first, colouring)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_no_module_imports_itself_round_a_circle() -> None:
    """In the bot also through `if TYPE_CHECKING:`, since a circle there is one a reader still
    has to untangle; the local emulators (localapi), test equipment, only at run time."""
    edges = {
        module: {
            target
            for target, _, _ in _imports(module, at_run_time=_under(module, "localapi"))
            if target in MODULES
        }
        for module in MODULES
    }
    assert _cycle(edges) == []


def _layer(module: str) -> str:
    """The folder a module belongs to: handlers' and bot's sub-packages, storage, localapi."""
    parts = module.split(".")
    if parts[0] in ("bot", "handlers") and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def test_no_two_folders_import_each_other() -> None:
    """Folders form layers (ARCHITECTURE.md). The entry points sit on top of everything and are
    left out: the command line, which starts the bot, and localapi's demo, which runs it."""
    layers: dict[str, set[str]] = {}
    for module, targets in _edges(at_run_time=True).items():
        if _under(module, "bot.__main__", "localapi"):
            continue
        for target in targets:
            if target in MODULES and _layer(target) != _layer(module):
                layers.setdefault(_layer(module), set()).add(_layer(target))
    assert _cycle(layers) == []
