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
import asyncio
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run from a checkout without installing

CACHE = Path(os.environ.get("CONTAINERIZE_BENCH_CACHE", Path.home() / ".cache" / "jupyterlab-containerize-bench"))
BASE_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else (shutil.which("python3") or sys.executable)
# Freeze the resolution of the unpinned dependencies, so the environment is the same every time.
EXCLUDE_NEWER = "2024-06-01T00:00:00Z"
# Several of these are deliberately older than PyPI's newest release.
BENCH_REQUIREMENTS = [
    "pandas==2.1.4", "numpy==1.26.4", "scipy==1.11.4", "scikit-learn==1.3.2", "matplotlib==3.8.2",
    "seaborn==0.13.0", "requests==2.31.0", "beautifulsoup4==4.12.2", "lxml==4.9.3", "PyYAML==6.0.1",
    "pillow==10.1.0", "sympy==1.12", "networkx==3.2.1", "jinja2==3.1.2", "python-dateutil==2.8.2",
    "attrs==23.1.0", "tabulate==0.9.0", "openpyxl==3.1.2", "pyarrow==14.0.2", "sqlalchemy==2.0.23",
    "ipykernel==6.29.4", "jupyterlab==4.1.8",
]
PIPREQS_DEFAULT = "pipreqs==0.5.0"
PYPI_JSON = "https://pypi.org/pypi/"
MIN_DISTRIBUTIONS = 100
CELL_COUNT = 300
GOAL_WARM_S = 0.5
GOAL_PINNED = 1.0


class SetupError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Environments


def _clean_env() -> dict[str, str]:
    """The environment for other interpreters: no PYTHONPATH leaking this process's packages."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    return env


def _run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, env=_clean_env(), **kw)  # noqa: S603


def make_venv(label: str, requirements: list[str], exclude_newer: Optional[str] = None) -> Path:
    """A cached venv with these requirements; returns its python. Falls back to uv's cache offline."""
    key = hashlib.sha256(json.dumps([BASE_PYTHON, requirements, exclude_newer]).encode()).hexdigest()[:12]
    venv = CACHE / f"{label}-{key}"
    python = venv / "bin" / "python"
    if (venv / ".complete").exists() and python.exists():
        return python
    uv = shutil.which("uv")
    if not uv:
        raise SetupError("uv is not on PATH (pip install uv).")
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    done = _run([uv, "venv", "-q", "-p", BASE_PYTHON, str(venv)])
    if done.returncode != 0:
        raise SetupError(f"uv venv failed: {_last_line(done.stderr)}")
    install = [uv, "pip", "install", "-q", "--python", str(python), *requirements]
    if exclude_newer:
        install += ["--exclude-newer", exclude_newer]
    print(f"  installing {label} ({len(requirements)} requirements) into {venv} ...", flush=True)
    done = _run(install)
    if done.returncode != 0:
        online_error = _last_line(done.stderr)
        done = _run(install + ["--offline"])  # no network: whatever uv has cached
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise SetupError(f"could not install {label}: {online_error}")
    (venv / ".complete").write_text("\n".join(requirements))
    return python


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def count_distributions(python: Path) -> int:
    code = "import importlib.metadata as m; print(len({d.metadata['Name'].lower() for d in m.distributions()}))"
    return int(_run([str(python), "-c", code], check=True).stdout.strip())


# --------------------------------------------------------------------------------------------
# The notebook


@dataclass
class Notebook:
    path: Path
    cells: int
    code_cells: int
    markdown_cells: int
    tops: list[str]  # every top-level module the notebook imports (the answer key's questions)


def _code(source: str, *tops: str) -> tuple[str, str, tuple[str, ...]]:
    return ("code", textwrap.dedent(source).strip("\n"), tops)


def _md(source: str) -> tuple[str, str, tuple[str, ...]]:
    return ("markdown", textwrap.dedent(source).strip("\n"), ())


# The cells that matter, spread evenly through the notebook; filler cells go between them.
KEY_CELLS = [
    _md("# Regional sales analysis\nA long notebook, generated to benchmark `jupyter containerize inspect`."),
    _code("""
        %matplotlib inline
        %load_ext autoreload
        %autoreload 2
    """),
    _code("""
        from __future__ import annotations

        import os
        import sys
        import json
        import re
        import math
        import random
        import logging
        import warnings
        from pathlib import Path
        from collections import Counter, defaultdict
        from datetime import datetime, timedelta

        warnings.filterwarnings("ignore")
        log = logging.getLogger("bench")
    """, "__future__", "os", "sys", "json", "re", "math", "random", "logging", "warnings", "pathlib", "collections",
        "datetime"),
    _code("""
        import numpy as np
        import pandas as pd

        pd.set_option("display.max_columns", 50)
        rng = np.random.default_rng(0)
    """, "numpy", "pandas"),
    _code("!pip install -q tabulate==0.9.0"),
    _code("%pip install -q openpyxl"),
    _code("""
        import matplotlib.pyplot as plt
        import seaborn as sns

        sns.set_theme()
    """, "matplotlib", "seaborn"),
    _md("## Load\nThe sales table is a parquet file; the raw export is a CSV."),
    _code("""
        df = pd.read_parquet("data/sales.parquet")
        raw = pd.read_csv("data/raw.csv")
        df.head()
    """),
    _code("""
        from helpers import clean_columns, summarize

        df = clean_columns(df)
    """, "helpers"),
    _code("""
        import yaml

        with open("config.yaml") as fh:
            config = yaml.safe_load(fh)
    """, "yaml"),
    _code("""
        from dateutil import parser as dtparser
        from dateutil.relativedelta import relativedelta

        start = dtparser.parse(config.get("start", "2024-01-01"))
        end = start + relativedelta(months=3)
    """, "dateutil"),
    _code("""
        import attr


        @attr.s(auto_attribs=True)
        class Region:
            name: str
            population: int = 0
    """, "attr"),
    _md("## Statistics"),
    _code("""
        from scipy import stats
        import scipy.optimize as opt

        t, p = stats.ttest_ind(rng.normal(size=50), rng.normal(size=50))
        opt.minimize_scalar(lambda x: (x - 2) ** 2)
    """, "scipy"),
    _code("""
        from sklearn.model_selection import train_test_split
        from sklearn.linear_model import LinearRegression
        from sklearn.ensemble import RandomForestRegressor
        from sklearn.metrics import mean_squared_error
    """, "sklearn"),
    _md("## Scraping the competitor's price list"),
    _code("""
        import requests
        from bs4 import BeautifulSoup
        from lxml import etree

        html = open("data/page.html").read()
        soup = BeautifulSoup(html, "lxml")
    """, "requests", "bs4", "lxml"),
    _code('tables = pd.read_html("data/page.html")'),
    _code("""
        from PIL import Image

        thumb = Image.new("RGB", (64, 64))
    """, "PIL"),
    _code("""
        %%time
        import sympy as sp

        x = sp.symbols("x")
        sp.integrate(sp.sin(x) ** 2, x)
    """, "sympy"),
    _code("""
        import networkx as nx

        G = nx.karate_club_graph()
        nx.density(G)
    """, "networkx"),
    _md("## Report"),
    _code("""
        from jinja2 import Template

        report = Template("{{ n }} rows").render(n=len(df))
    """, "jinja2"),
    _code("""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df)
        pq.write_table(table, "out/sales.parquet")
    """, "pyarrow"),
    _code("""
        from tabulate import tabulate

        print(tabulate(df.head(), headers="keys"))
    """, "tabulate"),
    _code("""
        import openpyxl

        df.to_excel("out/report.xlsx")
    """, "openpyxl"),
    _code("""
        from sqlalchemy import create_engine, text

        engine = create_engine("sqlite:///data/bench.db")
        pd.read_sql("select 1", engine)
    """, "sqlalchemy"),
    _code("""
        from IPython.display import display, HTML, Markdown

        display(Markdown("**done**"))
    """, "IPython"),
    _code("""
        import joblib
        import threadpoolctl

        with threadpoolctl.threadpool_limits(1):
            joblib.dump({"rows": len(df)}, "out/state.joblib")
    """, "joblib", "threadpoolctl"),
    _code("""
        import certifi
        import urllib3
        import idna
        import charset_normalizer

        http = urllib3.PoolManager(ca_certs=certifi.where())
    """, "certifi", "urllib3", "idna", "charset_normalizer"),
    _code("""
        import pytz
        import six
        from packaging.version import Version

        tz = pytz.timezone("Europe/Paris")
    """, "pytz", "six", "packaging"),
    _code("""
        import psutil
        import jsonschema
        import mpmath
        import zmq

        psutil.cpu_count(), mpmath.mp.dps
    """, "psutil", "jsonschema", "mpmath", "zmq"),
    _code("""
        try:
            import ujson as fastjson
        except ImportError:
            fastjson = None
    """, "ujson"),
    _md("## Timing and shell helpers"),
    _code("%timeit np.arange(1000).sum()"),
    _code("""
        %%timeit -n 3
        sum(range(1000))
    """),
    _code("!ls -la data | head -5"),
    _code("""
        %%bash
        echo "cells done"
        wc -l data/raw.csv
    """),
    _code("%env BENCH_MODE=1"),
    _code("pd.read_csv?"),
    _code("df.describe().to_markdown()"),
    _code("""
        def date_formatter():
            import matplotlib.dates as mdates

            return mdates.DateFormatter("%Y-%m")
    """),
    _code("""
        files = !ls data
        files
    """),
    _code("""
        %%writefile out/notes.txt
        Generated by the benchmark notebook.
    """),
    _code("%who"),
    _md("## Conclusion\nNumbers above; see the report in `out/`."),
]

FILLER_CODE = [
    """
    total_{n} = df["amount"].sum() * {k}
    print(f"total {n}: {{total_{n}:.2f}}")
    """,
    """
    def feature_{n}(frame):
        out = frame.copy()
        out["f{n}"] = out["amount"] * {k}
        return out


    df = feature_{n}(df)
    """,
    """
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(np.arange({k}), rng.normal(size={k}).cumsum())
    ax.set_title("series {n}")
    plt.show()
    """,
    """
    grouped_{n} = df.groupby("region")["amount"].agg(["mean", "sum", "count"])
    grouped_{n}.sort_values("sum", ascending=False).head({k})
    """,
    """
    values = [x ** 2 for x in range({k}) if x % 3]
    summary = Counter(v % 7 for v in values)
    summary.most_common(3)
    """,
    """
    class Step{n}:
        def __init__(self, factor={k}):
            self.factor = factor

        def __call__(self, x):
            return x * self.factor


    Step{n}()(2)
    """,
    """
    import numpy as np

    arr_{n} = np.linspace(0, 1, {k})
    arr_{n}.mean(), arr_{n}.std()
    """,
    """
    mask = df["amount"] > df["amount"].quantile(0.{d})
    df.loc[mask, ["region", "amount"]].head()
    """,
    """
    with open("data/raw.csv") as fh:
        header = fh.readline().strip().split(",")
    header[:{d}]
    """,
    """
    sns.histplot(df["amount"], bins={k})
    plt.tight_layout()
    """,
    """
    log.info("step %d done", {n})
    by_region = defaultdict(list)
    for region, amount in zip(df["region"], df["amount"]):
        by_region[region].append(amount)
    {{k: sum(v) for k, v in by_region.items()}}
    """,
    """
    sample = rng.normal(loc={d}, size={k})
    stats.describe(sample)
    """,
    """
    pivot_{n} = df.pivot_table(index="region", columns="month", values="amount", aggfunc="sum")
    pivot_{n}.fillna(0).round({d})
    """,
    """
    import pandas as pd

    pd.Series(rng.integers(0, {k}, size=20)).value_counts().head()
    """,
]
FILLER_MARKDOWN = [
    "### Step {n}\nWe look at the distribution of `amount` by region, with {k} bins.",
    "Note {n}: the outliers above {k} are refunds; they are kept on purpose.",
    "**Check {n}.** The totals should match the finance export within {d}%.",
]


def generate_notebook(folder: Path) -> Notebook:
    rnd = random.Random(20240601)
    fillers = CELL_COUNT - len(KEY_CELLS)
    positions = {round(i * CELL_COUNT / len(KEY_CELLS)) for i in range(len(KEY_CELLS))}
    assert len(positions) == len(KEY_CELLS)
    key_iter = iter(KEY_CELLS)
    cells = []
    tops: list[str] = []
    for index in range(CELL_COUNT):
        if index in positions:
            kind, source, cell_tops = next(key_iter)
            tops.extend(t for t in cell_tops if t not in tops)
        else:
            kind = "markdown" if rnd.random() < 0.25 else "code"
            pool = FILLER_MARKDOWN if kind == "markdown" else FILLER_CODE
            template = textwrap.dedent(rnd.choice(pool)).strip("\n")
            source = template.format(n=index, k=rnd.randint(5, 200), d=rnd.randint(1, 9))
        cell: dict[str, Any] = {"cell_type": kind, "id": f"cell-{index:03d}", "metadata": {},
                                "source": source.splitlines(True)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    assert fillers > 0 and len(cells) == CELL_COUNT
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": platform.python_version()},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "out").mkdir(exist_ok=True)
    (folder / "data" / "sales.parquet").write_bytes(b"PAR1" + b"\0" * 64 + b"PAR1")
    (folder / "data" / "raw.csv").write_text("region,amount,month\nnorth,10,1\nsouth,12,2\n")
    (folder / "data" / "page.html").write_text("<table><tr><th>a</th></tr><tr><td>1</td></tr></table>\n")
    (folder / "config.yaml").write_text("start: 2024-01-01\n")
    (folder / "helpers.py").write_text(textwrap.dedent("""
        import re

        import pandas as pd


        def clean_columns(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.rename(columns=lambda c: re.sub(r"\\W+", "_", c).lower())


        def summarize(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.describe()
    """).lstrip())
    path = folder / "analysis.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return Notebook(path=path, cells=len(cells), code_cells=sum(c["cell_type"] == "code" for c in cells),
                    markdown_cells=sum(c["cell_type"] == "markdown" for c in cells), tops=tops)


# --------------------------------------------------------------------------------------------
# Ground truth: what each import really is in the benchmark environment


GROUND_TRUTH_SCRIPT = r"""
import importlib.metadata as md, importlib.util, json, os, sys
nb_dir = os.path.realpath(sys.argv[1])
tops = json.loads(sys.argv[2])
sys.path.insert(0, nb_dir)  # the kernel runs in the notebook's folder
owner = {}
for dist in md.distributions():
    for f in dist.files or ():
        owner.setdefault(os.path.normpath(str(dist.locate_file(f))), (dist.metadata["Name"], dist.version))
stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names) | {"__future__"}
out = {}
for top in tops:
    if top in stdlib:
        out[top] = {"kind": "stdlib"}
        continue
    try:
        spec = importlib.util.find_spec(top)
    except Exception:
        spec = None
    if spec is None:
        out[top] = {"kind": "unresolved"}
        continue
    paths = [spec.origin] if spec.origin and spec.origin not in ("built-in", "frozen", "namespace") else []
    paths += list(spec.submodule_search_locations or [])
    found = None
    for p in paths:
        p = os.path.normpath(p)
        if os.path.realpath(p).startswith(nb_dir + os.sep):
            found = {"kind": "local"}
            break
        if p in owner:
            found = {"kind": "package", "distribution": owner[p][0], "version": owner[p][1]}
            break
        prefix = p + os.sep
        hit = next((o for f, o in owner.items() if f.startswith(prefix)), None)
        if hit:
            found = {"kind": "package", "distribution": hit[0], "version": hit[1]}
            break
    out[top] = found or {"kind": "unowned", "paths": paths}
print(json.dumps(out))
"""


def ground_truth(python: Path, notebook: Notebook) -> dict[str, dict[str, Any]]:
    done = _run([str(python), "-c", GROUND_TRUTH_SCRIPT, str(notebook.path.parent), json.dumps(notebook.tops)],
                cwd=str(notebook.path.parent))
    if done.returncode != 0:
        raise SetupError(f"the ground-truth script failed: {_last_line(done.stderr)}")
    return json.loads(done.stdout)


# --------------------------------------------------------------------------------------------
# Scoring


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Score:
    tool: str
    time_s: Optional[float]
    exact: int = 0
    wrong_version: int = 0
    wrong_name: int = 0
    missing: int = 0
    extra: list[str] = field(default_factory=list)
    per_import: dict[str, str] = field(default_factory=dict)  # top -> what the tool pinned
    error: Optional[str] = None

    @property
    def total(self) -> int:
        return self.exact + self.wrong_version + self.wrong_name + self.missing


def score_spec(tool: str, time_s: Optional[float], spec: dict[str, Any], truth: dict[str, dict[str, Any]]) -> Score:
    """Our spec: per kernel-resolved import, the distribution the import record names and its pin in packages."""
    score = Score(tool, time_s)
    pins = {canonical(p["name"]): (p["name"], p.get("version")) for p in spec.get("packages", [])}
    records: dict[str, list[dict[str, Any]]] = {}
    for record in spec.get("imports", []):
        if not record.get("runtime"):
            records.setdefault(record["module"].split(".")[0], []).append(record)
    for top, fact in truth.items():
        if fact["kind"] != "package":
            continue
        dists = {str(r["distribution"]) for r in records.get(top, [])
                 if r.get("kind") == "package" and r.get("distribution")}
        if not dists:
            kinds = sorted({r.get("kind", "?") for r in records.get(top, [])}) or ["absent"]
            score.missing += 1
            score.per_import[top] = f"({'/'.join(kinds)})"
            continue
        name = sorted(dists)[0]
        pinned = pins.get(canonical(name))
        shown = f"{pinned[0]}=={pinned[1]}" if pinned else f"{name} (not in packages)"
        score.per_import[top] = shown
        if len(dists) > 1 or canonical(name) != canonical(fact["distribution"]):
            score.wrong_name += 1
        elif pinned is None or pinned[1] is None:
            score.missing += 1
        elif pinned[1] != fact["version"]:
            score.wrong_version += 1
        else:
            score.exact += 1
    return score


def parse_requirements(text: str) -> dict[str, tuple[str, Optional[str]]]:
    entries = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==\s*([^\s;]+))?", line)
        if match:
            entries[canonical(match.group(1))] = (match.group(1), match.group(2))
    return entries


def score_requirements(tool: str, time_s: Optional[float], text: str, mapping: dict[str, str],
                       truth: dict[str, dict[str, Any]]) -> Score:
    """pipreqs: per kernel-resolved import, the line it wrote for that import (found by its own name mapping)."""
    score = Score(tool, time_s)
    entries = parse_requirements(text)
    claimed: set[str] = set()
    for top, fact in truth.items():
        if fact["kind"] != "package":
            continue
        right = canonical(fact["distribution"])
        guess = canonical(mapping.get(top, top))
        key = right if right in entries else guess if guess in entries else None
        if key is None:
            score.missing += 1
            score.per_import[top] = "(missing)"
            continue
        claimed.add(key)
        name, version = entries[key]
        score.per_import[top] = f"{name}=={version}" if version else name
        if key != right:
            score.wrong_name += 1
        elif version != fact["version"]:
            score.wrong_version += 1
        else:
            score.exact += 1
    score.extra = sorted(f"{n}=={v}" if v else n for k, (n, v) in entries.items() if k not in claimed)
    return score


# --------------------------------------------------------------------------------------------
# Timing


@dataclass
class Timing:
    label: str
    samples: list[float]  # wall seconds
    cpu: list[float] = field(default_factory=list)  # CPU seconds of every process involved
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        return min(self.samples)


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished children (subprocess.run)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def process_cpu_seconds(pid: Optional[int]) -> float:
    """CPU time of another running process (the kernel); 0 where it cannot be read."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def timed(fn: Callable[[], Any], runs: int, warmup: int = 1,
          cpu: Callable[[], float] = cpu_seconds) -> tuple[list[float], list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples, cpu_samples = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu()
        result = fn()
        samples.append(time.perf_counter() - start)
        cpu_samples.append(cpu() - start_cpu)
    return samples, cpu_samples, result


async def atimed(fn: Callable[[], Any], runs: int, warmup: int = 1,
                 cpu: Callable[[], float] = cpu_seconds) -> tuple[list[float], list[float], Any]:
    result = None
    for _ in range(warmup):
        result = await fn()
    samples, cpu_samples = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu()
        result = await fn()
        samples.append(time.perf_counter() - start)
        cpu_samples.append(cpu() - start_cpu)
    return samples, cpu_samples, result


async def bench_kernel(notebook: Notebook, python: Path, truth: dict[str, dict[str, Any]],
                       runs: int) -> tuple[list[Timing], dict[str, Any]]:
    """The server case: a running kernel that has run the notebook's imports; inspect through it."""
    from jupyter_client.manager import AsyncKernelManager

    from jupyterlab_containerize.inspect import inspect_notebook_async
    from jupyterlab_containerize.inspect.execute import _InterpreterKernelSpecs

    km = AsyncKernelManager(kernel_spec_manager=_InterpreterKernelSpecs(python=str(python)), kernel_name="bench")
    await km.start_kernel(cwd=str(notebook.path.parent), env=_clean_env())
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        imports = [top for top, fact in truth.items() if fact["kind"] in ("package", "stdlib", "local")]
        code = "%matplotlib inline\n" + "\n".join(f"import {top}" for top in imports)
        start = time.perf_counter()
        reply = await kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
        import_s = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise SetupError(f"the kernel could not run the notebook's imports: {reply['content'].get('evalue')}")

        kernel_pid = getattr(km.provisioner, "pid", None)

        def both_cpu() -> float:
            return cpu_seconds() + process_cpu_seconds(kernel_pid)

        samples, cpu, spec = await atimed(lambda: inspect_notebook_async(notebook.path, kernel_manager=km), runs,
                                          cpu=both_cpu)
        timings = [Timing("warm inspect (live kernel, server case)", samples, cpu,
                          f"the kernel had run the notebook's imports ({import_s:.1f} s)")]
        timings += await _kernel_breakdown(notebook, km, runs, both_cpu)
        return timings, json.loads(spec.to_json())
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


async def _kernel_breakdown(notebook: Notebook, km: Any, runs: int, cpu: Callable[[], float]) -> list[Timing]:
    """The same work in its parts; internal names, so a rename only drops these lines."""
    try:
        from jupyterlab_containerize.inspect.pipeline import _read
        from jupyterlab_containerize.inspect.probe import probe_kernel
        from jupyterlab_containerize.inspect.resolve import ResolveInput, resolve
    except ImportError:
        return []
    read_wall, read_cpu, (_nb, static, info, nb_python) = timed(lambda: _read(notebook.path), runs)
    probe_wall, probe_cpu, probe = await atimed(lambda: probe_kernel(km), runs, cpu=cpu)
    resolve_wall, resolve_cpu, _ = timed(lambda: resolve(ResolveInput(
        static=static, notebook=info, source="kernel", probe=probe, notebook_python=nb_python)), runs)
    return [Timing("  of which: read notebook + static analysis", read_wall, read_cpu),
            Timing("  of which: kernel probe (round trip)", probe_wall, probe_cpu,
                   f"{len(probe.get('distributions', []))} distributions, "
                   f"{len(probe.get('modules', []))} loaded modules"),
            Timing("  of which: resolve", resolve_wall, resolve_cpu)]


def bench_interpreter(notebook: Notebook, python: Path, runs: int) -> tuple[list[Timing], dict[str, Any]]:
    from jupyterlab_containerize.inspect import inspect_notebook
    from jupyterlab_containerize.inspect.probe import probe_interpreter

    probe_wall, probe_cpu, _ = timed(lambda: probe_interpreter(str(python)), runs)
    wall, cpu, spec = timed(lambda: inspect_notebook(notebook.path, python=str(python)), runs)
    return [Timing("inspect_notebook(python=PY), in process", wall, cpu),
            Timing("  of which: interpreter probe (subprocess)", probe_wall, probe_cpu)], json.loads(spec.to_json())


def bench_cli(notebook: Notebook, python: Path, runs: int) -> tuple[Timing, dict[str, Any]]:
    cmd = [sys.executable, "-m", "jupyterlab_containerize", "inspect", str(notebook.path),
           "--python", str(python), "--json"]
    samples, cpu, spec = [], [], {}
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=str(REPO))  # noqa: S603
        samples.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
        if done.returncode != 0:
            raise SetupError(f"the CLI failed: {_last_line(done.stderr)}")
        spec = json.loads(done.stdout)
    return Timing("cold CLI: python -m jupyterlab_containerize inspect --python PY --json", samples, cpu), spec


@dataclass
class PipreqsRun:
    version: str = ""
    time_s: Optional[float] = None
    cpu_s: Optional[float] = None
    stdout: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    error: Optional[str] = None


def run_pipreqs(notebook: Notebook, spec: str) -> PipreqsRun:
    result = PipreqsRun()
    try:
        python = make_venv("pipreqs", [spec])
    except SetupError as err:
        result.error = f"pipreqs could not be installed ({err})"
        return result
    pipreqs = python.parent / "pipreqs"
    info = _run([str(python), "-c", "import importlib.metadata as m, os, pipreqs; "
                 "print(m.version('pipreqs')); print(os.path.dirname(pipreqs.__file__))"])
    if info.returncode == 0:
        version, folder = info.stdout.split()
        result.version = version
        mapping_file = Path(folder) / "mapping"
        if mapping_file.exists():
            for line in mapping_file.read_text(encoding="utf-8").splitlines():
                if ":" in line:
                    module, _, name = line.strip().partition(":")
                    result.mapping[module] = name
    help_text = _run([str(pipreqs), "--help"]).stdout
    cmd = [str(pipreqs), "--print"]
    if "--scan-notebooks" in help_text:
        cmd.append("--scan-notebooks")
    if "--pypi-server" in help_text:
        # Its default, https://pypi.python.org/pypi/, only redirects here (and may not resolve behind a proxy).
        cmd += ["--pypi-server", PYPI_JSON]
    cmd.append(str(notebook.path.parent))
    start, start_cpu = time.perf_counter(), cpu_seconds()
    try:
        done = _run(cmd, timeout=300, cwd=str(notebook.path.parent))
    except subprocess.TimeoutExpired:
        result.error = "pipreqs did not finish within 300 s"
        return result
    result.time_s, result.cpu_s = time.perf_counter() - start, cpu_seconds() - start_cpu
    if done.returncode != 0:
        network = re.search(r"(ConnectionError|NewConnectionError|Max retries exceeded|Name or service not known|"
                            r"Temporary failure in name resolution)", done.stderr)
        why = "it could not reach PyPI (no network)" if network else _last_line(done.stderr)
        result.error = f"pipreqs could not run: {why}"
    result.stdout = done.stdout
    return result


# --------------------------------------------------------------------------------------------
# Report


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
            mark = "" if _exact(value, fact) else " x"
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


def _exact(value: str, fact: dict[str, Any]) -> bool:
    name, _, version = value.partition("==")
    return canonical(name) == canonical(fact["distribution"]) and version == fact["version"]


def cross_check(spec: dict[str, Any], truth: dict[str, dict[str, Any]], label: str) -> list[str]:
    """Where the spec's kind for an import disagrees with the environment: worth telling the product's owner."""
    notes = []
    kinds: dict[str, set[str]] = {}
    for record in spec.get("imports", []):
        if not record.get("runtime"):
            kinds.setdefault(record["module"].split(".")[0], set()).add(record["kind"])
    for top, fact in truth.items():
        want = "package" if fact["kind"] == "package" else fact["kind"]
        got = kinds.get(top, {"absent"})
        if got != {want}:
            notes.append(f"{label}: import {top}: environment says {want}, spec says {'/'.join(sorted(got))}")
    for top in sorted(set(kinds) - set(truth)):
        kind = "/".join(sorted(kinds[top]))
        notes.append(f"{label}: spec lists import {top} ({kind}) that the notebook does not import")
    return notes


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per measurement (default 9)")
    parser.add_argument("--cli-runs", type=int, default=3, help="timed runs of the cold CLI (default 3)")
    parser.add_argument("--no-pipreqs", action="store_true", help="skip pipreqs")
    parser.add_argument("--pipreqs", default=PIPREQS_DEFAULT,
                        help=f"what to install for pipreqs (default {PIPREQS_DEFAULT})")
    parser.add_argument("--keep", action="store_true", help="keep the generated notebook folder")
    args = parser.parse_args(argv)
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
            interp_timings, _ = bench_interpreter(notebook, python, args.runs)
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
        notes = cross_check(kernel_spec, truth, "warm") + cross_check(cli_spec, truth, "cli")
        problems = [p for p in kernel_spec.get("problems", [])]
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
        print(f"\n  total benchmark time {time.perf_counter() - started:.0f} s" +
              (f"; notebook kept in {notebook.path.parent}" if args.keep else ""))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
