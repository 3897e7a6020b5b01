"""The house's arrows point one way: digest -> {stories, meetings, metrics} -> people, no cycles.

Read from the code's own imports (imports inside functions count too), so a late import cannot
hide a cycle, and kept in `make test` so that what is added later keeps to it.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("insightboard", "stories", "meetings")
# A Python file longer than this is doing more than one thing; data files are exempt.
LONGEST_FILE = 420
DATA_FOLDERS = ("migrations", "data")

# What each area may never import (by module prefix).
NEVER = {
    "stories": ("meetings", "insightboard.metrics", "insightboard.digest", "insightboard.api"),
    "meetings": ("insightboard.metrics", "insightboard.digest", "insightboard.api"),
    "insightboard.metrics": ("stories", "meetings", "insightboard.digest", "insightboard.api"),
    "insightboard.people": (
        "stories",
        "meetings",
        "insightboard.metrics",
        "insightboard.digest",
        "insightboard.api",
    ),
}


def product_files() -> Iterator[Path]:
    for root in PRODUCT:
        for path in sorted((ROOT / root).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> Iterator[str]:
    """Every module name an import in the file refers to, relative imports resolved."""
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """Module -> the product modules it imports."""
    files = {module_of(path): path for path in product_files()}

    def owner(name: str) -> str | None:
        while name and name not in files:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets = {owner(name) for name in imported_names(path)}
        graph[module] = {target for target in targets if target and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each set of modules that import one another in a loop (strongly connected, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            loop = []
            while True:
                member = stack.pop()
                loop.append(member)
                if member == module:
                    break
            if len(loop) > 1:
                found.append(sorted(loop))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_it_finds_a_cycle_when_there_is_one():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert cycles(graph) == [["a", "b", "c"]]


def test_it_has_no_import_cycle():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("area", sorted(NEVER))
def test_it_keeps_the_arrows_one_way(area):
    wrong = [
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if module == area or module.startswith(f"{area}.")
        for target in sorted(targets)
        if any(target == never or target.startswith(f"{never}.") for never in NEVER[area])
    ]

    assert wrong == []


def test_it_keeps_every_python_file_short():
    files = [*product_files(), *sorted((ROOT / "tests").rglob("*.py"))]
    long_files = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in files
        if not set(DATA_FOLDERS) & set(path.parts)
        if (lines := len(path.read_text().splitlines())) > LONGEST_FILE
    ]

    assert long_files == []
