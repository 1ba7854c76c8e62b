"""Read a notebook into a serving plan: which cells run once at start, which run per request.

Tags (cell metadata `tags`):
- `parameters`: the defaults (papermill's convention); a request's JSON object overrides them.
  Cells before it run once per kernel at start (setup); cells after it run per request.
- `setup`: a cell after `parameters` that runs once at start anyway (e.g. a model load placed late).
- `skip-execution`: never run by the service (plots, exploration), as in nbclient.
- `output`: its outputs (text, JSON, images) go into the response's `outputs`.
Without a `parameters` cell the whole notebook runs per request and nothing at start.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

PARAMETERS, SETUP, SKIP, OUTPUT = "parameters", "setup", "skip-execution", "output"
_MISSING = object()


@dataclass
class Cell:
    index: int  # position in the notebook, as the user sees it (0-based, all cell types)
    source: str
    output: bool = False


@dataclass
class Parameter:
    name: str
    default: Any = None
    has_default: bool = False  # False when the default is not a literal (an expression)
    json_type: Optional[str] = None  # "integer", "number", "string", "boolean", "array", "object"
    nullable: bool = False


@dataclass
class ServePlan:
    path: Path
    kernel_name: Optional[str]
    setup: list[Cell] = field(default_factory=list)
    parameters_cell: Optional[Cell] = None
    per_request: list[Cell] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)

    @property
    def parameter_names(self) -> set[str]:
        return {p.name for p in self.parameters}


def load_plan(path: Path) -> ServePlan:
    import nbformat  # here, not at the top: the host reads notebooks as plain JSON (plan_of)

    return plan_of(nbformat.read(str(path), as_version=4), path)


def plan_of(nb: Mapping[str, Any], path: Path) -> ServePlan:
    """The plan of a v4 notebook, from nbformat's nodes or plain JSON (a source may be a list of lines)."""
    kernel = ((nb.get("metadata") or {}).get("kernelspec") or {}).get("name")  # a null kernelspec: none
    cells = [(i, c) for i, c in enumerate(nb.get("cells", [])) if c.get("cell_type") == "code"]
    cells = [(i, c) for i, c in cells if SKIP not in _tags(c) and _source(c).strip()]
    plan = ServePlan(path=path, kernel_name=kernel)
    split = next((n for n, (_, c) in enumerate(cells) if PARAMETERS in _tags(c)), None)
    if split is None:
        plan.per_request = [_cell(i, c) for i, c in cells]
        return plan
    index, params = cells[split]
    plan.parameters_cell = Cell(index, _source(params))
    plan.parameters = parse_parameters(_source(params))
    plan.setup = [_cell(i, c) for i, c in cells[:split]]
    for i, c in cells[split + 1:]:
        (plan.setup if SETUP in _tags(c) else plan.per_request).append(_cell(i, c))
    return plan


def parse_parameters(source: str) -> list[Parameter]:
    """Top-level `name = value` / `name: T = value` assignments; types come from literal values."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: dict[str, Parameter] = {}
    for node in tree.body:
        for name, value in _assignments(node):
            found[name] = _parameter(name, value)
    return list(found.values())


def json_type_of(value: Any) -> Optional[str]:
    # bool before int: True is an int in Python, but a boolean in JSON
    for kind, name in ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
                       (list, "array"), (tuple, "array"), (dict, "object")):
        if isinstance(value, kind):
            return name
    return None


def _assignments(node: ast.stmt) -> list[tuple[str, Optional[ast.expr]]]:
    if isinstance(node, ast.Assign):
        return [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [(node.target.id, node.value)]
    return []


def _parameter(name: str, node: Optional[ast.expr]) -> Parameter:
    value = _literal(node)
    if value is _MISSING:
        return Parameter(name)
    if value is None:
        return Parameter(name, None, has_default=True, nullable=True)
    if isinstance(value, tuple):
        value = list(value)
    return Parameter(name, value, has_default=True, json_type=json_type_of(value))


def _literal(node: Optional[ast.expr]) -> Any:
    if node is None:
        return _MISSING
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _MISSING


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _source(cell: Any) -> str:  # as inspect's code_cells does: this runtime is copied alone into images
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _cell(index: int, cell: Any) -> Cell:
    return Cell(index, _source(cell), output=OUTPUT in _tags(cell))
