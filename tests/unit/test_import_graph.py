"""The package's import graph, read from the source (imports inside functions and under TYPE_CHECKING
too): no cycle of any kind; build, verify and deploy take nothing from render/; docker-py is visible
only behind the engine, tornado only in the server extension and the serving runtime."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Optional

PACKAGE = Path(__file__).resolve().parents[2] / "jupyterlab_containerize"
NAME = PACKAGE.name
DOCKER_MODULES = {"builder.docker_engine", "builder.engine_connection", "builder.container_files"}
TORNADO_PACKAGES = ("server", "serve")  # serve/ runs inside the image, on its own (serve/__init__.py)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    # render/files and gpu/files are scripts copied into images, run there on their own
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "files" not in p.relative_to(PACKAGE).parts}


def imported(path: Path, module: str) -> list[tuple[str, list[str]]]:
    """(module named, names taken) for every import statement of the file, wherever it stands."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            found.append((target, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names)
    return found


def resolve(target: str, names: list[str], known: dict[str, Path]) -> list[str]:
    """The package's modules an import reaches: `from pkg import mod` names the submodule."""
    submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
    return submodules or ([target] if target in known else [])


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {}
    for module, path in known.items():
        targets = {t for target, names in imported(path, module) for t in resolve(target, names, known)}
        edges[module] = targets - {module}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> Optional[list[str]]:
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> Optional[list[str]]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def short(module: str) -> str:
    return module[len(NAME) + 1:] if module.startswith(NAME + ".") else module


def test_the_import_graph_has_no_cycle():
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(short(m) for m in cycle or [])


def test_the_graph_reader_finds_a_cycle_hidden_inside_a_function():
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    assert any(target == "jupyterlab_containerize.server.routes" for target, _ in
               imported(PACKAGE / "server" / "__init__.py", f"{NAME}.server"))  # a function's import is read


def test_builder_verify_and_deploy_take_nothing_from_render():
    offending = [f"{short(m)} -> {short(t)}" for m, targets in graph().items()
                 if short(m).split(".")[0] in ("builder", "verify", "deploy")
                 for t in targets if short(t).split(".")[0] == "render"]
    assert offending == []


def test_docker_py_and_tornado_are_imported_only_where_allowed():
    docker, tornado = [], []
    for module, path in modules().items():
        for target, _ in imported(path, module):
            top = target.split(".")[0]
            if top == "docker" and short(module) not in DOCKER_MODULES:
                docker.append(short(module))
            if top == "tornado" and short(module).split(".")[0] not in TORNADO_PACKAGES:
                tornado.append(short(module))
    assert docker == [] and tornado == []


def folder(module: str) -> str:
    """The package (first folder under the root) or the top-level module a module belongs to."""
    return short(module).split(".")[0] or NAME


# share/binderhub_builds.py reads pipeline/records.py: the job runtime (issue 21, jobs/) takes records below both
KNOWN_UPWARD: set[tuple[str, str]] = set()  # none: every folder stands above what it imports


def test_the_folders_form_no_cycle_either():
    edges: dict[str, set[str]] = {}
    for module, targets in graph().items():
        for target in targets:
            if folder(module) != folder(target) and (short(module), short(target)) not in KNOWN_UPWARD:
                edges.setdefault(folder(module), set()).add(folder(target))
    cycle = find_cycle(edges)
    assert cycle is None, "folders import each other: " + " -> ".join(cycle or [])
