"""Read a notebook and turn each code cell's IPython syntax into plain Python source."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidNotebook, NotebookNotFound
from ..typed_json import shown

CURRENT_NBFORMAT = 4


@dataclass
class CodeCell:
    index: int  # position among all cells, as the user sees it in JupyterLab (0-based)
    source: str  # as written
    python: str  # after IPython's transforms


def load_notebook(path: Path) -> dict[str, Any]:
    """The notebook as a v4 dict whose parts the pipeline reads have the right types, or InvalidNotebook
    saying what is wrong (not JSON, not UTF-8, unsupported nbformat, cells of the wrong shape).

    Plain json for v4 files: importing nbformat costs over a second (jsonschema's format checkers),
    so it is only used to convert notebooks older than v4.
    """
    nb = _parse(path)
    version = nb.get("nbformat", CURRENT_NBFORMAT)
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidNotebook(f"'{path.name}' has \"nbformat\": {shown(version)}; it must be a whole number "
                              f"({CURRENT_NBFORMAT} for notebooks saved by JupyterLab).")
    if not 1 <= version <= CURRENT_NBFORMAT:
        raise InvalidNotebook(f"'{path.name}' is nbformat {shown(version)}; this version reads nbformat "
                              f"{CURRENT_NBFORMAT} and converts 1 to 3.",
                              hint="Save the notebook again with JupyterLab 4, or upgrade jupyterlab-containerize.")
    if version < CURRENT_NBFORMAT:
        nb = _convert_to_v4(nb, path)
    problem = shape_problem(nb)
    if problem:
        raise InvalidNotebook(f"'{path.name}' is not a valid notebook: {problem}.")
    return nb


def _parse(path: Path) -> dict[str, Any]:
    try:
        if path.is_dir():
            raise InvalidNotebook(f"'{path}' is a folder, not a notebook file.", hint="Name the .ipynb file itself.")
        if not path.is_file():
            raise NotebookNotFound(f"No notebook at '{path}'.")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidNotebook(f"'{path.name}' is not UTF-8 text (byte {err.start} is not), so not a notebook.") from err
    except OSError as err:  # a name too long, no permission, a file that vanished
        raise InvalidNotebook(f"'{path.name[:80]}' cannot be read: {err.strerror or err}.",
                              hint="Check the notebook's path and that you may read the file.") from err
    if not text.strip():
        raise InvalidNotebook(f"'{path.name}' is empty.", hint="Open it in JupyterLab and save it, or delete it.")
    try:
        nb = json.loads(text)
    except RecursionError as err:
        raise InvalidNotebook(f"'{path.name}' is not a notebook: its JSON is nested too deeply.") from err
    except json.JSONDecodeError as err:
        raise InvalidNotebook(f"'{path.name}' is not a valid notebook file: {err}") from err
    except ValueError as err:  # an integer of more digits than Python converts
        raise InvalidNotebook(f"'{path.name}' is not a notebook: it holds a number with too many digits.") from err
    if not isinstance(nb, dict):
        raise InvalidNotebook(f"'{path.name}' is not a notebook: its JSON is not an object.")
    return nb


def shape_problem(nb: dict[str, Any]) -> str | None:
    """What is wrong with the parts of a v4 notebook the pipeline reads, or None."""
    metadata = nb.get("metadata", {})
    if not isinstance(metadata, dict):
        return f"'metadata' must be an object, not {shown(metadata)}"
    for key, fields in _METADATA_TEXT.items():
        section = metadata.get(key)
        if section is None:
            continue
        if not isinstance(section, dict):
            return f"'metadata.{key}' must be an object, not {shown(section)}"
        for name in fields:
            value = section.get(name)
            if value is not None and not isinstance(value, str):
                return f"'metadata.{key}.{name}' must be a string, not {shown(value)}"
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return f"'cells' must be a list, not {shown(cells)}" if "cells" in nb else "it has no 'cells' list"
    for index, cell in enumerate(cells):
        problem = _cell_problem(cell)
        if problem:
            return f"cell {index + 1}: {problem}"
    return None


# metadata sections whose text fields the pipeline reads (kernel name, language, Python version)
_METADATA_TEXT = {"kernelspec": ("name", "language"), "language_info": ("name", "version")}


def _cell_problem(cell: Any) -> str | None:
    if not isinstance(cell, dict):
        return f"it must be an object, not {shown(cell)}"
    if not isinstance(cell.get("cell_type", ""), str):
        return f"'cell_type' must be a string, not {shown(cell['cell_type'])}"
    source = cell.get("source", "")
    if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
        return f"'source' must be a string or a list of strings, not {shown(source)}"
    metadata = cell.get("metadata", {})
    if not isinstance(metadata, dict):
        return f"'metadata' must be an object, not {shown(metadata)}"
    tags = metadata.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return f"'metadata.tags' must be a list of strings, not {shown(tags)}"
    outputs = cell.get("outputs", [])
    if not isinstance(outputs, list) or not all(isinstance(o, dict) for o in outputs):
        return "'outputs' must be a list of objects"
    return None


def _convert_to_v4(nb: dict[str, Any], path: Path) -> dict[str, Any]:
    import nbformat

    try:
        return dict(nbformat.convert(nbformat.from_dict(nb), 4))
    except Exception as err:  # nbformat raises several unrelated types for malformed files
        first_line = (str(err).strip().splitlines() or [type(err).__name__])[0][:200]
        raise InvalidNotebook(
            f"'{path.name}' could not be converted from nbformat {nb.get('nbformat')}: {first_line}"
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
