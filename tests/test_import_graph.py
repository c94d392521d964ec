"""The package's modules import each other without cycles, so its layers read in one direction.

Every import counts, at module level, inside a function or under `if TYPE_CHECKING:`: an import
deferred to keep start-up cheap is still a dependency, and a module that needs another's type
depends on it as much as one that calls it. A cycle hidden in a function or a type annotation is the
one a newcomer trips over.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "linter"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every linter.* name that `module` imports."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            # `from linter.report import registry` names a module; `from linter.x import f` does not.
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return {name for name in found if name == "linter" or name.startswith("linter.")}


def import_graph() -> dict[str, set[str]]:
    """module -> the linter modules it imports."""
    paths = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        targets = _imported(tree, name, path.name == "__init__.py")
        graph[name] = {target for target in targets if target in paths and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_graph_sees_function_level_and_from_imports() -> None:
    graph = import_graph()
    assert "linter.report.registry" in graph["linter.report.outputs"]  # `from linter.report import registry`
    assert "linter.report.github" in graph["linter.report.outputs"]  # imported inside a function
    assert "linter.commands.check_msg" in graph["linter.cli"]  # `from linter.commands.check_msg import run_check`
    assert "linter.report.outcome" in graph["linter.report.outputs"]  # under TYPE_CHECKING
    assert "linter.errors" not in graph["linter.report.registry"]  # `linter.errors` is not imported there


def test_cycles_are_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_package_has_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(component) for component in found)
