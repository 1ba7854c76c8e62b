"""Paths the code writes: a PNG it saves or a CSV it exports is its output, not a file to copy in.

The code visitor (code_analysis.py) notes, in the order the code runs (cells in order), the first
way each path literal is used: written (open for writing, `savefig(p)`, `df.to_csv(p)`...) or anything
else (read, tested, printed). A path whose first use is a write is an output; one the notebook reads
(or checks) before it writes it stays an input.
"""

from __future__ import annotations

import ast
import glob
import re
from typing import Optional

# Calls on an object whose first argument (or a path keyword) is the file they write.
WRITE_METHODS = {
    "savefig", "imsave", "imwrite", "savetxt", "save", "savez", "savez_compressed", "tofile",
    "to_csv", "to_excel", "to_parquet", "to_json", "to_pickle", "to_feather", "to_hdf", "to_html",
    "to_latex", "to_stata", "to_xml", "to_orc", "to_netcdf", "to_zarr", "to_file",
    "write_csv", "write_parquet", "write_json", "write_ndjson", "write_excel", "write_ipc", "write_avro",
    "write_image", "write_html", "write_gpickle", "write_graphml", "write_gexf",
}
# Calls that take the object first and the file second.
SECOND_ARGUMENT_WRITERS = {"torch.save", "joblib.dump", "nbformat.write", "nx.write_gpickle"}
PATH_KEYWORDS = ("path", "path_or_buf", "fname", "filename", "file", "excel_writer", "filepath", "fp", "f")
# Making a folder is making an output: os.makedirs("out", exist_ok=True) before saving into it.
MKDIR_CALLS = {"os.makedirs", "os.mkdir", "makedirs", "mkdir"}
OPEN_CALLS = {"open", "io.open", "codecs.open", "builtins.open", "gzip.open", "bz2.open", "lzma.open"}
PATH_CALLS = {"Path", "pathlib.Path", "PurePath", "os.path.join"}
WRITE_MODE = re.compile(r"[wax]")
FIRST_USE_WRITE, FIRST_USE_OTHER = "write", "other"


def written_target(call: ast.Call, name: Optional[str]) -> Optional[ast.expr]:
    """The argument that names the file this call writes; None when it writes none (or reads one)."""
    if name in OPEN_CALLS and (isinstance(call.func, ast.Name) or "." in name):  # not Path(...).open
        mode = _argument(call, 1, ("mode",))
        return _argument(call, 0, ("file", "filename")) if _writes(mode) else None
    if name in MKDIR_CALLS and (isinstance(call.func, ast.Name) or name.startswith("os.")):
        return _argument(call, 0, ("name", "path"))
    if isinstance(call.func, ast.Attribute):
        method = call.func.attr
        if method == "mkdir":  # Path("out").mkdir(parents=True)
            return call.func.value
        if method == "open":  # Path("out.csv").open("w")
            return call.func.value if _writes(_argument(call, 0, ("mode",))) else None
        if method in ("write_text", "write_bytes"):
            return call.func.value
        if name in SECOND_ARGUMENT_WRITERS:
            return _argument(call, 1, PATH_KEYWORDS)
        if method in WRITE_METHODS:
            return _argument(call, 0, PATH_KEYWORDS)
    return None


def path_literal(node: ast.expr, names: dict[str, str], call_name: Optional[str] = None) -> Optional[str]:
    """The path a write target names: a literal, an f-string's glob, a name bound to a literal, or
    Path("literal") / os.path.join("a", "b")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(glob.escape(v.value) if isinstance(v, ast.Constant) and isinstance(v.value, str) else "*"
                       for v in node.values)
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Call) and call_name in PATH_CALLS and node.args and not node.keywords:
        parts = [path_literal(a, names) for a in node.args]
        if all(parts):
            return "/".join(p.strip("/") if i else p.rstrip("/") for i, p in enumerate(parts))  # type: ignore[union-attr]
    return None


def target_nodes(node: ast.expr) -> list[ast.expr]:
    """The nodes a write target is made of, so that they are not also counted as other uses."""
    return [node, *(node.args if isinstance(node, ast.Call) else [])]


def _argument(call: ast.Call, index: int, keywords: tuple[str, ...]) -> Optional[ast.expr]:
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg in keywords), None)


def _writes(mode: Optional[ast.expr]) -> bool:
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and bool(WRITE_MODE.search(mode.value))
