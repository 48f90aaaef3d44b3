"""Imports point one way: bots → core ← training; only core/llm's engine and server use torch.

Checked statically on every module's import statements (function-local imports included), so a
violation fails here before it can pull torch into a bot replica or core into a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "muse"
HEAVY = ("torch", "transformers", "tokenizers", "safetensors", "accelerate", "peft")
HEAVY_ALLOWED = {
    "core/llm/engine/attention.py",
    "core/llm/engine/graphs.py",
    "core/llm/engine/loader.py",
    "core/llm/engine/runner.py",
    "core/llm/engine/sampler.py",
}


def imported_modules(path: Path) -> list[str]:
    """Absolute module names imported anywhere in the file (relative ones resolved)."""
    package = ["muse", *path.relative_to(PACKAGE).parent.parts]
    return modules_in(path.read_text(encoding="utf-8"), package)


def modules_in(source: str, package: list[str]) -> list[str]:
    """Module names imported by `source`, a module inside the package path `package`."""
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names.append(".".join([*base, node.module] if node.module else base))
            else:
                names.append(node.module or "")
    return names


def sources(part: str) -> list[Path]:
    return sorted((PACKAGE / part).rglob("*.py"))


def test_there_is_code_to_check() -> None:
    assert sources("core") and sources("bots")


@pytest.mark.parametrize("path", sources("core"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_neither_bots_nor_training(path: Path) -> None:
    bad = [m for m in imported_modules(path) if m.startswith(("muse.bots", "muse.training"))]
    assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


@pytest.mark.parametrize(
    "path", sources("bots") + sources("training"), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_bots_and_training_do_not_import_each_other(path: Path) -> None:
    other = "muse.training" if path.relative_to(PACKAGE).parts[0] == "bots" else "muse.bots"
    bad = [m for m in imported_modules(path) if m.startswith(other)]
    assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


@pytest.mark.parametrize(
    "path",
    sorted(PACKAGE.rglob("*.py")),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_only_engine_and_server_import_torch(path: Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix()
    if rel in HEAVY_ALLOWED or rel.startswith("training/"):
        return
    bad = [m for m in imported_modules(path) if m.split(".")[0] in HEAVY]
    assert not bad, f"{rel} imports {bad}"


def test_the_checker_sees_function_local_and_relative_imports() -> None:
    source = "def f():\n    import torch\n    from ...bots import cli\n    from . import x\n"
    assert modules_in(source, ["muse", "core", "llm"]) == ["torch", "muse.bots", "muse.core.llm"]


def module_name(path: Path) -> str:
    parts = ["muse", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the muse modules it imports (a name that is not a module is its package's)."""
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        edges = set()
        for name in imported_modules(path):
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != "muse":
                edges.add(name)
        graph[module_name(path)] = edges - {module_name(path)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles, one path each, found by depth-first search."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_no_module_imports_itself_round_a_circle() -> None:
    # Cycles through a package's `__init__` are left out: it imports its own modules to
    # re-export them, and a module importing a sibling by the package path looks circular.
    graph = import_graph()
    packages = {m for m in graph if (PACKAGE / Path(*m.split(".")[1:]) / "__init__.py").exists()}
    loops = [c for c in cycles(graph) if not any(m in packages for m in c)]
    assert not loops, "import cycles: " + "; ".join(" → ".join(c) for c in loops)
