"""The layer contracts of docs/architecture.md ("Layers", "Rules"), checked over the source.

Every import counts, at module level or inside a function (a lazy import still couples the
layers; it only defers the cost), except those under `if TYPE_CHECKING:`. A package that hands
out its names lazily (`_EXPORTS = {name: module}` and a module `__getattr__`) counts as
importing the module a name comes from. Exceptions are listed below with their reason; the
allow-lists may only shrink (an entry that no longer applies fails the test, so it is removed
with the fix).

Import cycles among the project's modules are refused (test_no_import_cycles): importing a
module runs the packages above it too, so `from kiosk.dossiers.schema import X` depends on
kiosk/dossiers/__init__.py as well.
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
def _lazy_exports(package: str) -> dict[str, str]:
    """A package's `_EXPORTS = {"Name": "module", ...}` (names its __getattr__ imports on
    first use), or {}."""
    path = _modules().get(package)
    if path is None or path.name != "__init__.py":
        return {}
    for node in ast.parse(path.read_text(encoding="utf-8"), str(path)).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "_EXPORTS"):
            value = ast.literal_eval(node.value)
            return value if isinstance(value, dict) else {}
    return {}


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
            lazy = _lazy_exports(name)
            # `from kiosk.scanning import parse`: a submodule as well as a name.
            for alias in node.names:
                if f"{name}.{alias.name}" in _modules():
                    found.add(f"{name}.{alias.name}")
                elif alias.name in lazy:
                    found.add(lazy[alias.name])
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
    assert "kiosk.queue.local" in imports("kiosk.station")
    # So do names a package hands out lazily (kiosk/store/__init__.py _EXPORTS).
    assert "kiosk.store.db" in imports("kiosk.ticketing")


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
        # An allowed package covers its modules (`kiosk.store` also names kiosk.store.db).
        unexpected = {n for n in bad if not _is(n, tuple(allowed))}
        unused = {a for a in allowed if not any(_is(n, (a,)) for n in bad)}
        if unexpected:
            problems.append(f"{m} imports {', '.join(sorted(unexpected))}")
        if unused:
            problems.append(f"{m} no longer imports {', '.join(sorted(unused))}: "
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


# Import cycles left, each with its reason. This list may only shrink.
CYCLES_ALLOWED: dict[frozenset[str], str] = {}


def _project_module_of(name: str) -> str | None:
    """The project module an imported name lives in (`kiosk.store.connect` -> kiosk.store)."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i])
        if candidate in _modules():
            return candidate
    return None


def _import_graph() -> dict[str, set[str]]:
    """Module -> the project modules importing it runs: what it imports, and the packages
    above those (not its own packages: they are already running when it is)."""
    graph: dict[str, set[str]] = {}
    for module in _modules():
        own = set(_project_modules_run_by(module))
        edges: set[str] = set()
        for name in imports(module):
            target = _project_module_of(name)
            if target is not None:
                edges.update(m for m in _project_modules_run_by(target) if m not in own)
        graph[module] = edges
    return graph


def import_cycles() -> list[frozenset[str]]:
    """The strongly connected groups of more than one module in the import graph (Tarjan)."""
    graph = _import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[frozenset[str]] = []

    def visit(start: str) -> None:
        # Iterative, so a deep import chain cannot hit the recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(frozenset(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def _cycle_path(group: frozenset[str]) -> str:
    """One cycle through the group, as a readable chain."""
    graph = _import_graph()
    start = min(group)
    path, seen = [start], {start}
    while True:
        nxt = sorted(n for n in graph[path[-1]] if n in group)
        back = [n for n in nxt if n == start]
        if back and len(path) > 1:
            return " -> ".join(path + [start])
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return " -> ".join(path + [nxt[0]])
        path.append(fresh[0])
        seen.add(fresh[0])


def test_the_cycle_finder_sees_a_cycle(monkeypatch):
    import sys

    fake = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    monkeypatch.setattr(sys.modules[__name__], "_import_graph", lambda: fake)
    assert import_cycles() == [frozenset({"a", "b", "c"})]
    assert _cycle_path(frozenset({"a", "b", "c"})) == "a -> b -> c -> a"


def test_no_import_cycles():
    found = import_cycles()
    problems = [f"import cycle: {_cycle_path(group)}" for group in found
                if group not in CYCLES_ALLOWED]
    problems += [f"the cycle {sorted(group)} is gone: shrink CYCLES_ALLOWED"
                 for group in CYCLES_ALLOWED if group not in found]
    assert not problems, "\n".join(problems)
