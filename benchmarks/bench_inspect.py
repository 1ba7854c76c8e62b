#!/usr/bin/env python
"""Benchmark: how fast `inspect` reads a long notebook, and how exactly it pins, next to pipreqs.

    python benchmarks/bench_inspect.py

A script that prints figures, not a test. It sets itself up:

* a benchmark environment with well over 100 distributions (pandas, scikit-learn, scipy,
  matplotlib, jupyterlab...), several of them pinned to releases older than PyPI's newest so that
  "pinned to the version that ran" means something; made with uv from /usr/bin/python3 and cached
  under ~/.cache/jupyterlab-containerize-bench/ (resolution frozen with --exclude-newer);
* a generated 300-cell notebook in a temporary folder (imports spread over the cells, the classic
  import-name/distribution-name mismatches, %magics, !commands, markdown, a local module,
  pandas calls that need optional back-ends);
* pipreqs in its own virtual environment, run as a user would run it from their shell.

It then measures

* warm inspect: the server case, Jupyter's modules already imported and the notebook's kernel
  already running with the notebook's imports done: `await inspect_notebook_async(nb,
  kernel_manager=km)`, one warm-up then several runs (median / min), with a breakdown;
* the in-process interpreter inspect `inspect_notebook(nb, python=PY)` and the interpreter probe;
* the cold CLI: `python -m jupyterlab_containerize inspect NB --python PY --json`, wall time;
* pipreqs `--scan-notebooks --print` on the notebook's folder, wall time;

and, for every import of the notebook that resolves in the kernel's environment, whether each tool
pins it to the distribution and the version that is actually installed there. The ground truth
comes from the benchmark environment itself (importlib finds the module; the installed file
records say which distribution owns it), not from the product.

Goals (issue 2, item 7): warm inspect under 0.5 s; 100% of the imports that resolve in the kernel
pinned exactly.

Options: --runs N (timed runs per measurement, default 9), --no-pipreqs, --keep (keep the
generated notebook folder and print its path), --pipreqs SPEC (what to install, default
pipreqs==0.5.0, the newest release when this was written).
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from inspect_bench.benchmark import run_benchmark
from inspect_bench.environment import REPO
from inspect_bench.pipreqs_run import PIPREQS_DEFAULT

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run from a checkout without installing


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per measurement (default 9)")
    parser.add_argument("--cli-runs", type=int, default=3, help="timed runs of the cold CLI (default 3)")
    parser.add_argument("--no-pipreqs", action="store_true", help="skip pipreqs")
    parser.add_argument("--pipreqs", default=PIPREQS_DEFAULT,
                        help=f"what to install for pipreqs (default {PIPREQS_DEFAULT})")
    parser.add_argument("--keep", action="store_true", help="keep the generated notebook folder")
    return run_benchmark(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
