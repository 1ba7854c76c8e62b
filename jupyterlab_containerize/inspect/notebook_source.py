"""Read a notebook and turn each code cell's IPython syntax into plain Python source."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidNotebook, NotebookNotFound


@dataclass
class CodeCell:
    index: int  # position among all cells, as the user sees it in JupyterLab (0-based)
    source: str  # as written
    python: str  # after IPython's transforms


def load_notebook(path: Path) -> dict[str, Any]:
    """Load with a clear error for a missing, non-JSON or non-notebook file.

    Plain json for v4 files: importing nbformat costs over a second (jsonschema's format checkers),
    so it is only used to convert notebooks older than v4.
    """
    if not path.is_file():
        raise NotebookNotFound(f"No notebook at '{path}'.")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InvalidNotebook(f"'{path.name}' is not a valid notebook file: {err}") from err
    if not isinstance(nb, dict):
        raise InvalidNotebook(f"'{path.name}' is not a notebook: its JSON is not an object.")
    if nb.get("nbformat", 4) < 4:
        nb = _convert_to_v4(nb, path)
    if not isinstance(nb.get("cells"), list):
        raise InvalidNotebook(f"'{path.name}' has no cells list.")
    return nb


def _convert_to_v4(nb: dict[str, Any], path: Path) -> dict[str, Any]:
    import nbformat

    try:
        return dict(nbformat.convert(nbformat.from_dict(nb), 4))
    except Exception as err:  # nbformat raises several unrelated types for malformed files
        raise InvalidNotebook(
            f"'{path.name}' could not be converted from nbformat {nb.get('nbformat')}: {err}"
        ) from err


def notebook_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kernel_name(nb: Any) -> str | None:
    return (nb.get("metadata", {}).get("kernelspec") or {}).get("name")


def notebook_language(nb: Any) -> str:
    meta = nb.get("metadata", {})
    return str(
        (meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name") or "python"
    )


def code_cells(nb: Any) -> list[CodeCell]:
    transformer = _transformer()
    cells = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        cells.append(CodeCell(index=index, source=source, python=to_python(source, transformer)))
    return cells


def to_python(source: str, transformer: Any = None) -> str:
    """IPython's own transforms: `%magic` -> get_ipython().run_line_magic(...), `!cmd` -> .system(...)."""
    transformer = transformer or _transformer()
    try:
        return str(transformer.transform_cell(source))
    except Exception:
        return source  # the parser will report the cell as not parseable


def _transformer() -> Any:
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()
