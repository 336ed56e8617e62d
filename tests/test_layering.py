"""The package's layering, read from the source with `ast` (every import, at module level or
inside a function; relative imports resolved to absolute names):

- extraction (`conflictwire/extract/`) imports no store, server, alerts or command line;
- the store's library modules (all of `conflictwire/store/` but its `cli.py`) import no
  server, alerts or command line: the alerts hook into the store (`Store.on_change`);
- the top-level parts import each other one way only (no import circle between them).

The command-line modules (`conflictwire/cli.py` and each part's `cli.py`) are one layer above
every part: they may import any part and each other, and no part may import them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "conflictwire"
ROOT = PACKAGE.name
COMMAND_LINE = "command line"  # the part every `cli` module belongs to


def module_name(path: Path) -> str:
    """`conflictwire/store/db.py` -> `conflictwire.store.db`; a package's `__init__.py` is the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_names(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute dotted name) of everything `module` imports, wherever the import sits.
    A `from X import y` gives `X.y`, which names the module `X.y` when `y` is one (`from .
    import toll`) and otherwise starts with `X`, so a prefix test catches both."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = resolve(package, node.module, node.level)
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def resolve(package: str, name: str | None, level: int) -> str:
    """The absolute name of `from <level dots><name> import ...` in `package`."""
    if level == 0:
        return name or ""
    anchor = package.split(".")
    base = anchor[: len(anchor) - (level - 1)]
    assert base, f"relative import beyond the top of {package!r}"
    return ".".join([*base, name] if name else base)


def is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def is_command_line(name: str) -> bool:
    """A name in a `cli` module of conflictwire (the root one or a part's)."""
    return is_under(name, ROOT) and "cli" in name.split(".")[1:]


def own_imports(module: str, path: Path) -> Iterator[tuple[int, str]]:
    """The imports of conflictwire's own modules only."""
    return ((line, name) for line, name in imported_names(module, path) if is_under(name, ROOT))


def forbidden_imports(package: str, forbidden: tuple[str, ...], *, skip_cli: bool) -> list[str]:
    """"module:line imports name" for each import of `package`'s modules from a `forbidden`
    package or a command-line module (the package's own `cli` modules left out if `skip_cli`)."""
    found = []
    for module, path in modules().items():
        if not is_under(module, package) or (skip_cli and is_command_line(module)):
            continue
        for line, name in own_imports(module, path):
            if is_command_line(name) or any(is_under(name, f) for f in forbidden):
                found.append(f"{module}:{line} imports {name}")
    return found


def test_extraction_imports_no_store_server_alerts_or_command_line():
    forbidden = (f"{ROOT}.store", f"{ROOT}.serve", f"{ROOT}.alerts")
    assert forbidden_imports(f"{ROOT}.extract", forbidden, skip_cli=False) == []


def test_the_store_library_imports_no_server_alerts_or_command_line():
    forbidden = (f"{ROOT}.serve", f"{ROOT}.alerts")
    assert forbidden_imports(f"{ROOT}.store", forbidden, skip_cli=True) == []


def part_of(name: str, known: dict[str, Path]) -> str:
    """The top-level part a module (or a name in one) belongs to: a subpackage (`store`), a
    root module (`models`), the package itself (`__version__`), or the command line."""
    if is_command_line(name):
        return COMMAND_LINE
    while name not in known:  # `conflictwire.store.db.Store` -> `conflictwire.store.db`
        name = name.rpartition(".")[0]
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def part_graph() -> dict[str, set[str]]:
    """Which parts each part imports (itself left out)."""
    known = modules()
    graph: dict[str, set[str]] = {}
    for module, path in known.items():
        part = part_of(module, known)
        graph.setdefault(part, set()).update(
            other for _, name in own_imports(module, path) if (other := part_of(name, known)) != part)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle between parts (`[a, b, a]`), or [] when the graph has none."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node):], node]
        if node in done:
            return []
        for nxt in sorted(graph.get(node, ())):
            if cycle := visit(nxt, [*path, node]):
                return cycle
        done.add(node)  # everything reachable from here is free of circles
        return []

    return next((c for node in sorted(graph) if (c := visit(node, []))), [])


def test_the_parts_import_each_other_one_way():
    graph = part_graph()
    assert {"extract", "store", "serve", "alerts", COMMAND_LINE} <= set(graph)  # the walk saw them
    assert find_cycle(graph) == [], graph
    assert not any(COMMAND_LINE in imported for imported in graph.values())  # nothing imports the CLI


def test_the_checks_see_relative_imports_and_circles():
    assert resolve(f"{ROOT}.extract", "console", 2) == f"{ROOT}.console"
    assert resolve(f"{ROOT}.extract.places", None, 1) == f"{ROOT}.extract.places"
    assert resolve(f"{ROOT}.store", "cli", 2) == f"{ROOT}.cli"
    assert is_command_line(f"{ROOT}.alerts.cli.notifier_from") and not is_command_line(f"{ROOT}.console")
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
