"""The benchmark from set-up to report: the order of the steps, nothing more."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .accuracy import Score, ground_truth, score_requirements, score_spec
from .environment import (
    BENCH_REQUIREMENTS,
    EXCLUDE_NEWER,
    MIN_DISTRIBUTIONS,
    SetupError,
    count_distributions,
    make_venv,
)
from .notebook import generate_notebook
from .pipreqs_run import PipreqsRun, run_pipreqs
from .report import print_report, print_spec_summary
from .timing import bench_cli, bench_interpreter, bench_kernel


def run_benchmark(args: argparse.Namespace) -> int:
    """Set up, measure and print; 2 where the benchmark cannot run."""
    started = time.perf_counter()

    print("Setting up (cached after the first run) ...", flush=True)
    try:
        python = make_venv("env", BENCH_REQUIREMENTS, EXCLUDE_NEWER)
        n_dists = count_distributions(python)
    except (SetupError, subprocess.CalledProcessError) as err:
        print(f"Cannot benchmark: the benchmark environment could not be made: {err}", file=sys.stderr)
        return 2
    if n_dists < MIN_DISTRIBUTIONS:
        print(f"Cannot benchmark: the environment has {n_dists} distributions, fewer than {MIN_DISTRIBUTIONS}.",
              file=sys.stderr)
        return 2

    folder = Path(tempfile.mkdtemp(prefix="containerize-bench-"))
    try:
        notebook = generate_notebook(folder / "project")
        truth = ground_truth(python, notebook)

        pipreqs = PipreqsRun(error="skipped (--no-pipreqs)")
        if not args.no_pipreqs:
            print("Running pipreqs ...", flush=True)
            pipreqs = run_pipreqs(notebook, args.pipreqs)

        print("Timing inspect ...", flush=True)
        try:
            kernel_timings, kernel_spec = asyncio.run(bench_kernel(notebook, python, truth, args.runs))
            interp_timings = bench_interpreter(notebook, python, args.runs)
            cli_timing, cli_spec = bench_cli(notebook, python, args.cli_runs)
        except (SetupError, RuntimeError, TimeoutError) as err:
            print(f"Cannot benchmark: {err}", file=sys.stderr)
            return 2
        warm = kernel_timings[0]

        ours_warm = score_spec("containerize warm (live kernel)", warm.median, kernel_spec, truth)
        ours_cli = score_spec("containerize CLI (--python, cold)", cli_timing.median, cli_spec, truth)
        scores = [ours_warm, ours_cli]
        if pipreqs.error and not pipreqs.stdout.strip():
            scores.append(Score(f"pipreqs {pipreqs.version}".strip(), None, error=pipreqs.error))
        else:
            scores.append(score_requirements(f"pipreqs {pipreqs.version}".strip(), pipreqs.time_s, pipreqs.stdout,
                                             pipreqs.mapping, truth))

        print_report(notebook, python, n_dists, truth, kernel_timings + interp_timings + [cli_timing], scores,
                     pipreqs, warm, ours_warm, kernel_spec)
        print_spec_summary(kernel_spec, cli_spec, truth, pipreqs)
        print(f"\n  total benchmark time {time.perf_counter() - started:.0f} s" +
              (f"; notebook kept in {notebook.path.parent}" if args.keep else ""))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0
