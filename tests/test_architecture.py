"""Layering (docs/architecture.md): core/ never imports Qt; core's imports point down its layers (folders);
the UI never imports the storage (it holds the database through `core.ops.handles`); no import circles
among the product's modules; every module has a docstring. The rules are general: a module added anywhere
is held to them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("core", "ui")
# Circles known when this test was written, each to be untangled by the owner of its modules; a new
# circle fails. (ui.smoke runs the app's own start-up, which offers the self-test.)
KNOWN_CIRCLES = [{"ui.app", "ui.smoke"}]
# core's folders from the bottom (docs/architecture.md): a module imports its own layer and those below
LAYERS = (
    ("core",),  # cross-cutting: errors, paths, logs, kept, lazy_imports
    ("core.format",),
    ("core.model",),
    ("core.rules",),
    ("core.documents",),
    ("core.storage",),
    ("core.ops",),
    ("core.desk", "core.register"),
    ("core.cli",),
)
# The imports that point up, each with its reason; a new one fails the test.
KNOWN_UPWARD = {
    ("core.model.cell_input", "core.rules.table"): "a typed value is refused by the rule that checks it",
    ("core.model.vocabulary", "core.rules.findings"): "a dismissal's field names the rules' finding key",
    ("core.ops.session", "core.register.sentence"): "根据表格生成 adds the register's sentence when drafting",
    ("core.storage.register", "core.register.calendar"): "storage takes and returns the register's records",
    ("core.storage.register", "core.register.model"): "storage takes and returns the register's records",
}


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _product_modules() -> dict[str, Path]:
    modules = {_module_name(p): p for folder in PRODUCT for p in _python_files(folder)}
    modules["main"] = ROOT / "main.py"
    return modules


def _type_only(tree: ast.Module) -> set[int]:
    """The nodes under `if TYPE_CHECKING:` (annotations only: nothing is imported when the app runs)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    return skipped


def _imports(name: str, path: Path, runtime_only: bool = True) -> Iterator[str]:
    """Every module `name` imports, at the top or inside a function (`runtime_only`: not type-only);
    `from package import x` gives package.x when x is a module of ours, else the package."""
    modules = _product_modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_only(tree) if runtime_only else set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base


def _graph() -> dict[str, set[str]]:
    """Module → the product modules it imports when running."""
    modules = _product_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for target in _imports(name, path):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                deps.add(target)
        graph[name] = deps
    return graph


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in graph[node]:
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_core_never_imports_qt_or_the_ui() -> None:
    offenders = [
        f"{name}: {target}"
        for name, path in _product_modules().items()
        if name.startswith("core")
        for target in _imports(name, path, runtime_only=False)
        if target.split(".")[0] in {"PySide6", "ui", "shiboken6"}
    ]
    assert offenders == []


def test_the_ui_never_imports_storage() -> None:
    """Not even for a type: the window holds the database handle through `core.ops.handles`, and the
    app's wiring (ui.app, ui.safety, ui.smoke) opens the file through it too."""
    offenders = sorted(
        f"{name}: {target}"
        for name, path in _product_modules().items()
        if name.startswith("ui.")
        for target in _imports(name, path, runtime_only=False)
        if target == "core.storage" or target.startswith("core.storage.")
    )
    assert offenders == []


def _layer(module: str) -> int | None:
    """The rank of a core module's layer (None outside core)."""
    if not module.startswith("core"):
        return None
    folder = ".".join(module.split(".")[:2])
    return next((rank for rank, names in enumerate(LAYERS) if folder in names), 0)


def test_core_imports_point_down_the_layers() -> None:
    upward = set()
    for name, deps in _graph().items():
        here = _layer(name)
        upward |= {
            (name, dep)
            for dep in deps
            if here is not None and (there := _layer(dep)) is not None and there > here
        }
    assert sorted(upward - KNOWN_UPWARD.keys()) == []
    assert sorted(KNOWN_UPWARD.keys() - upward) == []  # a mended exception leaves the list


def test_no_import_circles_among_product_modules() -> None:
    circles = [c for c in _circles(_graph()) if c not in KNOWN_CIRCLES]
    assert circles == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [{"a", "b", "c"}]


def test_every_module_has_a_docstring() -> None:
    missing = [
        str(p.relative_to(ROOT))
        for folder in ("core", "ui", "tests", "benchmarks")
        for p in _python_files(folder)
        if ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert missing == []
