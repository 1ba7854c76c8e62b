"""Printing the figures: timings, the pins per tool and per import, the goals."""

from __future__ import annotations

import os
import platform
import statistics
import textwrap
from pathlib import Path
from typing import Any

from .accuracy import Score, cross_check, pinned_exactly
from .notebook import Notebook
from .pipreqs_run import PipreqsRun
from .timing import Timing

GOAL_WARM_S = 0.5
GOAL_PINNED = 1.0


def print_report(notebook: Notebook, python: Path, n_dists: int, truth: dict[str, dict[str, Any]],
                 timings: list[Timing], scores: list[Score], pipreqs: PipreqsRun, warm: Timing,
                 ours: Score, spec: dict[str, Any]) -> None:
    counts: dict[str, int] = {}
    for fact in truth.values():
        counts[fact["kind"]] = counts.get(fact["kind"], 0) + 1
    print()
    print("Inspect benchmark")
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    print(f"  machine      {os.cpu_count()} cores{load}, {platform.system()} {platform.machine()}, "
          f"this process Python {platform.python_version()}")
    print(f"  environment  {n_dists} distributions, Python {spec.get('python', {}).get('version')} ({python})")
    print(f"  notebook     {notebook.cells} cells ({notebook.code_cells} code, {notebook.markdown_cells} markdown), "
          f"{len(notebook.tops)} distinct top-level imports: " +
          ", ".join(f"{counts.get(k, 0)} {k}" for k in ("package", "stdlib", "local", "unresolved") if counts.get(k)))
    print()
    print(f"  {'wall seconds (cpu: CPU seconds of all the processes involved, median)':<72} "
          f"{'median':>7} {'min':>7} {'cpu':>7} {'runs':>5}")
    for t in timings:
        note = f"   {t.note}" if t.note else ""
        cpu = f"{statistics.median(t.cpu):.3f}" if t.cpu else "-"
        print(f"  {t.label:<72} {t.median:>7.3f} {t.best:>7.3f} {cpu:>7} {len(t.samples):>5}{note}")
    if pipreqs.time_s is not None and not pipreqs.error:
        label = "pipreqs --scan-notebooks --print (its own venv, asks PyPI)"
        cpu = f"{pipreqs.cpu_s:.3f}" if pipreqs.cpu_s is not None else "-"
        print(f"  {label:<72} {pipreqs.time_s:>7.3f} {pipreqs.time_s:>7.3f} {cpu:>7} {1:>5}")
    print()
    n = sum(1 for f in truth.values() if f["kind"] == "package")
    print(f"  Pins for the {n} imports that resolve in the kernel (ground truth: importlib + installed file records)")
    header = (f"  {'tool':<40} {'time (s)':>8}  {'pinned exactly':>14}  {'wrong version':>13}  {'wrong name':>10}"
              f"  {'missing':>7}  {'extra lines':>11}")
    print(header)
    for s in scores:
        if s.error:
            print(f"  {s.tool:<40} {'-':>8}  {s.error}")
            continue
        secs = f"{s.time_s:.3f}" if s.time_s is not None else "-"
        extra = str(len(s.extra)) if s.tool.startswith("pipreqs") else "-"
        print(f"  {s.tool:<40} {secs:>8}  {f'{s.exact}/{s.total}':>14}  {s.wrong_version:>13}  {s.wrong_name:>10}"
              f"  {s.missing:>7}  {extra:>11}")
    print()
    shown = [s for s in scores if not s.error]
    width = max([22] + [len(v) for s in shown for v in s.per_import.values()]) + 2
    columns = "".join(f"{_short(s.tool)[:width - 2]:<{width}}" for s in shown)
    print(f"  {'import':<20} {'installed (truth)':<28}{columns}".rstrip())
    for top, fact in sorted(truth.items(), key=lambda kv: kv[0].lower()):
        if fact["kind"] != "package":
            continue
        row = f"  {top:<20} {fact['distribution'] + '==' + fact['version']:<28}"
        for s in shown:
            value = s.per_import.get(top, "")
            mark = "" if pinned_exactly(value, fact) else " x"
            row += f"{(value + mark):<{width}}"
        print(row.rstrip())
    print("  (x: not the distribution and version installed in the kernel)")
    for s in shown:
        if s.extra:
            print(_wrap(f"{s.tool}: lines for no import that resolves in the kernel: {', '.join(s.extra)}"))
    print()
    pct = ours.exact / ours.total if ours.total else 0.0
    print("  Goals")
    print(f"    warm inspect < {GOAL_WARM_S} s (median wall)                      "
          f"median {warm.median:.3f} s   {'PASS' if warm.median < GOAL_WARM_S else 'FAIL'}"
          f"   (min {warm.best:.3f} s, CPU {statistics.median(warm.cpu):.3f} s)")
    print(f"    kernel-resolved imports pinned exactly = 100%              "
          f"{pct:.0%} ({ours.exact}/{ours.total})   {'PASS' if pct >= GOAL_PINNED else 'FAIL'}")
    ps = next((s for s in scores if s.tool.startswith("pipreqs") and not s.error), None)
    if ps is not None and ps.total:
        print(f"    (pipreqs, same measure: {ps.exact / ps.total:.0%} ({ps.exact}/{ps.total}))")
    if hasattr(os, "getloadavg") and os.getloadavg()[0] > (os.cpu_count() or 1):
        print(f"    note: the machine was busy (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores): "
              "wall times are inflated, CPU times much less so")


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=118, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False)


def _short(tool: str) -> str:
    return tool.replace("containerize ", "").split(" (")[0]




def print_spec_summary(kernel_spec: dict[str, Any], cli_spec: dict[str, Any], truth: dict[str, dict[str, Any]],
                       pipreqs: PipreqsRun) -> None:
    notes = cross_check(kernel_spec, truth, "warm") + cross_check(cli_spec, truth, "cli")
    problems = kernel_spec.get("problems", [])
    print()
    if notes:
        print("  Disagreements between the spec and the environment:")
        for note in notes:
            print(f"    - {note}")
    print(_wrap(f"Spec (warm): {len(kernel_spec.get('packages', []))} packages pinned, "
                f"{sum(1 for i in kernel_spec.get('imports', []) if i.get('runtime'))} run-time imports, "
                f"{len(kernel_spec.get('install_commands', []))} install commands, "
                f"files {', '.join(kernel_spec.get('files', []))}; "
                f"{len(problems)} problems: " + "; ".join(sorted({p['kind'] for p in problems}))))
    if pipreqs.stdout.strip():
        printed = " ".join(line.strip() for line in pipreqs.stdout.splitlines() if line.strip())
        print(_wrap(f"pipreqs printed: {printed}"))
