"""Run a notebook headless inside the image: the `batch` target's entrypoint, and `--verify`.

Parameters follow papermill's convention: a cell is injected after the cell tagged `parameters`.
They come from `-p NAME VALUE`, NB_PARAMETERS (a JSON object) or NB_PARAM_<NAME> variables.
Exits 1 with the failing cell's error; writes the executed notebook to --output-dir.
Runs with the image's Python (3.8+): stdlib, nbformat and nbclient only.
"""

import argparse
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def collect_parameters(pairs, environ):
    params = {}
    if environ.get("NB_PARAMETERS"):
        params.update(json.loads(environ["NB_PARAMETERS"]))
    for key, value in environ.items():
        if key.startswith("NB_PARAM_") and key[9:]:
            params[key[9:]] = parse_value(value)
    for name, value in pairs or []:
        params[name] = parse_value(value)
    for name in params:
        if not name.isidentifier():
            raise SystemExit(f"run_notebook: {name!r} is not a valid parameter name")
    return params


def inject_parameters(nb, params):
    if not params:
        return
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)


def kernel_for(nb):
    from jupyter_client.kernelspec import KernelSpecManager

    wanted = nb.metadata.get("kernelspec", {}).get("name")
    return wanted if wanted in KernelSpecManager().find_kernel_specs() else "python3"


ANSI = re.compile(r"\x1b\[[0-9;]*m")
SITE_PACKAGE = re.compile(r"site-packages/([A-Za-z0-9_]+)")


def error_of(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            error = {"ename": out.get("ename", ""), "evalue": out.get("evalue", "")}
            # the innermost installed package in the traceback: what --repair steps back or forward
            frames = SITE_PACKAGE.findall(ANSI.sub("", "\n".join(out.get("traceback", []))))
            if frames:
                error["package"] = frames[-1]
            return error
    return None


def run_cells(nb, path, timeout, keep_going):
    """Execute code cells one by one; returns one record per code cell."""
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel_for(nb), allow_errors=keep_going,
        interrupt_on_timeout=False, resources={"metadata": {"path": os.path.dirname(path)}},
    )
    records, stop = [], False
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            record = {"index": index, "status": "not-run", "error": None, "seconds": 0.0}
            records.append(record)
            if stop:
                continue
            start = time.monotonic()
            try:
                client.execute_cell(cell, index)
                error = error_of(cell)
                record["status"] = "failed" if error else "passed"
                record["error"] = error
            except CellTimeoutError:
                record["status"] = "timeout"
                record["error"] = {"ename": "CellTimeoutError",
                                   "evalue": f"no answer within {timeout} s"}
                stop = True
            except (CellExecutionError, DeadKernelError) as err:
                record["status"] = "failed"
                fallback = {"ename": type(err).__name__, "evalue": str(err)}
                record["error"] = error_of(cell) or fallback
                stop = not keep_going
            record["seconds"] = round(time.monotonic() - start, 3)
    return records


def write_outputs(nb, path, output_dir, report, records):
    if output_dir:
        try:
            os.makedirs(output_dir, exist_ok=True)
            nbformat.write(nb, os.path.join(output_dir, os.path.basename(path)))
        except OSError as err:
            print(f"run_notebook: could not write the executed notebook: {err}",
                  file=sys.stderr)
    if report:
        with open(report, "w", encoding="utf-8") as out:
            json.dump({"python": sys.version.split()[0], "cells": records}, out, indent=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    parser.add_argument("--output-dir", default=os.environ.get("NB_OUTPUT_DIR"))
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("NB_CELL_TIMEOUT", "0"))
                        or None, help="seconds per cell (default: none)")
    parser.add_argument("--report", help="write a per-cell JSON report here")
    parser.add_argument("--keep-going", action="store_true", help="run every cell despite errors")
    args = parser.parse_args(argv)

    nb = nbformat.read(args.notebook, as_version=4)
    inject_parameters(nb, collect_parameters(args.parameter, os.environ))
    records = run_cells(nb, args.notebook, args.timeout, args.keep_going)
    write_outputs(nb, args.notebook, args.output_dir, args.report, records)
    failed = [r for r in records if r["status"] in ("failed", "timeout")]
    for record in failed:
        err = record["error"] or {}
        print("cell {} {}: {}: {}".format(record["index"], record["status"], err.get("ename"),
                                         err.get("evalue")), file=sys.stderr)
    if not failed:
        print(f"run_notebook: {len(records)} code cells ran")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
