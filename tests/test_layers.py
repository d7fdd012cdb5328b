"""The layer contracts of docs/architecture.md ("Layers", "Rules"), checked over the source.

Every import counts, at module level or inside a function (a lazy import still couples the
layers; it only defers the cost), except those under `if TYPE_CHECKING:`. Exceptions are
listed below with their reason; the allow-lists may only shrink (an entry that no longer
applies fails the test, so it is removed with the fix).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREES = ("kiosk", "drivers", "sync")

QT = ("PySide6", "shiboken6")
SQLITE = ("sqlite3", "sqlite_utils")

# Domain logic (docs/architecture.md): plain Python, no Qt and no SQLite, also through what it
# imports from the project. kiosk/stats/compute.py is not on the list: it reads the event log
# from the database by design ("statistics from the event log").
DOMAIN = (
    "kiosk.tickets",
    "kiosk.queue.model",
    "kiosk.queue.catalog",
    "kiosk.queue.numbering",
    "kiosk.queue.priority",
    "kiosk.scanning",
    "kiosk.calendar",
    "kiosk.announce",
    "kiosk.printout",
)

# Qt outside kiosk/ui, each with its reason. (kiosk/commands and kiosk/supervisor start the
# GUI by importing kiosk.ui modules, never PySide6 itself, so they need no entry.)
QT_ELSEWHERE = {
    # The Qt face of the scanner drivers (signals, QImage previews); imported by the UI only.
    "drivers.scanners.qt_adapters",
    # The keyboard-wedge scanner is a Qt event filter on the application's key events.
    "drivers.scanners.wedge",
}

# drivers -> kiosk imports left (issue "One foundation under every screen", item 4): none.
DRIVERS_KIOSK_ALLOWED: dict[str, set[str]] = {}

# UI modules that import the store or SQLite themselves (issue "One foundation under every
# screen", "UI foundation": screens get their data through services on worker threads). This
# list may only shrink.
UI_STORE_ALLOWED: dict[str, set[str]] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    out = {}
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            out[_module_name(path)] = path
    return out


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


@cache
def imports(module: str) -> frozenset[str]:
    """The absolute names `module` imports anywhere in its source (not under TYPE_CHECKING)."""
    path = _modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            # `from kiosk.scanning import parse`: a submodule as well as a name.
            for alias in node.names:
                if f"{name}.{alias.name}" in _modules():
                    found.add(f"{name}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return frozenset(found)


def _project_modules_run_by(name: str) -> list[str]:
    """The project modules importing `name` executes: its packages' __init__ and itself."""
    parts = name.split(".")
    return [m for m in (".".join(parts[:i]) for i in range(1, len(parts) + 1))
            if m in _modules()]


def closure(module: str) -> dict[str, str]:
    """Every module `module` pulls in from the project, each with the module that imports it."""
    seen = {m: "" for m in _project_modules_run_by(module)}
    todo = list(seen)
    while todo:
        current = todo.pop()
        for name in imports(current):
            for m in _project_modules_run_by(name):
                if m not in seen:
                    seen[m] = current
                    todo.append(m)
    return seen


def _is(name: str, roots: tuple[str, ...]) -> bool:
    return any(name == r or name.startswith(r + ".") for r in roots)


def _under(module: str, root: str) -> bool:
    return module == root or module.startswith(root + ".")


def _chain(pulled: dict[str, str], module: str) -> str:
    chain = [module]
    while pulled.get(chain[-1]):
        chain.append(pulled[chain[-1]])
    return " <- ".join(chain)


def test_the_walk_sees_the_tree():
    assert "kiosk.ui.ticket_screen" in _modules()
    assert "kiosk.store" in imports("kiosk.ticketing") or "kiosk.store.db" in imports(
        "kiosk.ticketing")
    # Lazy imports inside functions count.
    assert "kiosk.queue.local" in imports("kiosk.queue.service")


def test_domain_imports_no_qt_and_no_sqlite():
    problems = []
    for root in DOMAIN:
        starts = [m for m in _modules() if _under(m, root)]
        assert starts, root
        for start in starts:
            pulled = closure(start)
            for module in pulled:
                bad = sorted(n for n in imports(module) if _is(n, QT + SQLITE))
                if bad:
                    problems.append(f"{_chain(pulled, module)} imports {', '.join(bad)}")
    assert not problems, "\n".join(sorted(set(problems)))


def _check_allowed(scope: str, forbidden: tuple[str, ...],
                   allowed_lists: dict[str, set[str]]) -> list[str]:
    problems = []
    for m in _modules():
        if not _under(m, scope):
            continue
        bad = {n for n in imports(m) if _is(n, forbidden)}
        allowed = allowed_lists.get(m, set())
        if bad - allowed:
            problems.append(f"{m} imports {', '.join(sorted(bad - allowed))}")
        if allowed - bad:
            problems.append(f"{m} no longer imports {', '.join(sorted(allowed - bad))}: "
                            "shrink the allow-list")
    return problems


def test_drivers_import_nothing_from_kiosk():
    problems = _check_allowed("drivers", ("kiosk",), DRIVERS_KIOSK_ALLOWED)
    assert not problems, "\n".join(problems)


def test_qt_only_in_the_ui():
    problems = [f"{m} imports {n}" for m in _modules()
                if not _under(m, "kiosk.ui") and m not in QT_ELSEWHERE
                for n in sorted(imports(m)) if _is(n, QT)]
    assert not problems, "\n".join(problems)
    for m in QT_ELSEWHERE:
        assert any(_is(n, QT) for n in imports(m)), f"{m} no longer imports Qt: unlist it"


def test_ui_opens_no_database_itself():
    problems = _check_allowed("kiosk.ui", SQLITE + ("kiosk.store",), UI_STORE_ALLOWED)
    assert not problems, "\n".join(problems)


def test_shipped_packages_import_no_developer_code():
    """kiosk, drivers and sync import nothing from tools/ (the screenshot scripts), tests/ or
    benchmarks/: none of those is installed or in the frozen build."""
    problems = sorted(f"{module} imports {name}" for module in _modules()
                      for name in imports(module) if _is(name, ("tools", "tests", "benchmarks")))
    assert problems == []
