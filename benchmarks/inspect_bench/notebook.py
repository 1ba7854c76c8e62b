"""The generated notebook: 300 cells with the imports, magics and shell commands a real analysis has."""

from __future__ import annotations

import json
import platform
import random
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CELL_COUNT = 300


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
