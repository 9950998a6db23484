"""The client's architecture, pinned: every import (function-level and dynamic ones included) points down the
layers, and no module imports itself back through others.

Layers, bottom to top: shared leaves (errors, file and HTTPS helpers) → credentials and the consortium definition →
the gateway (protocol layer) and the library client → the domain API → load generation and the package facade →
the operator → the CLI. A room may import only rooms strictly below it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "client" / "ipledger"

#: Rank of each room (first name under ``ipledger``; ``ipledger`` itself is the facade ``__init__``).
LAYERS: dict[str, int] = {
    "errors": 0, "_files": 0, "_https": 0,
    "credentials": 1, "consortium": 1,
    "gateway": 2, "library": 2,
    "domain": 3,
    "loadgen": 4, "ipledger": 4,
    "operator": 5,
    "cli": 6,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_import_module(call: ast.Call) -> bool:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name == "import_module"


def _imported(module: str, path: Path, known: set[str]) -> Iterator[str]:
    """Every ipledger module ``module`` imports: statements anywhere in it, ``import_module`` calls, and string
    constants naming a dotted module (the CLI's lazily loaded groups are such a table)."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield submodule if submodule in known else source
        elif isinstance(node, ast.Call) and _is_import_module(node) and node.args:
            target = node.args[0]
            if isinstance(target, ast.Constant) and isinstance(target.value, str):
                yield package + target.value if target.value.startswith(".") else target.value
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                and node.value in known:
            yield node.value


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)

    def resolve(name: str) -> str:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    return {
        module: {resolve(name) for name in _imported(module, path, known) if name.startswith("ipledger")} - {"", module}
        for module, path in modules.items()
    }


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (iterative Tarjan: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
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
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_room_has_a_layer() -> None:
    rooms = {_room(module) for module in _modules()}
    assert rooms <= set(LAYERS), f"rooms without a layer in this test: {sorted(rooms - set(LAYERS))}"


def test_imports_point_down_the_layers() -> None:
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        for target in targets
        if _room(module) != _room(target) and LAYERS[_room(target)] >= LAYERS[_room(module)]
    )
    assert not upward, "imports that do not point down the layers:\n" + "\n".join(upward)


def test_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}, [["a", "b", "c"]]),
    ],
)
def test_cycle_finder(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert _cycles(graph) == expected


def test_dynamic_imports_are_seen() -> None:
    """The CLI loads its ``network`` group by name and the facade loads ``domain`` on first use: both are edges."""
    graph = _graph()
    assert "ipledger.cli.network" in graph["ipledger.cli.main"]
    assert "ipledger.domain" in graph["ipledger"]
