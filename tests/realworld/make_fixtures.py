"""Regenerate the real-world fixture notebooks: write their sources and data, then run each one in
its own kernel environment (as its author would have) so the saved outputs come from that env.

    python tests/realworld/make_fixtures.py            # all fixtures
    python tests/realworld/make_fixtures.py eda_bikes  # one

The data files are generated with fixed seeds, so re-running gives the same files. Notebooks are
executed with nbclient and a kernel started from the fixture's venv (see realworld_env.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from realworld_env import FIXTURES_DIR, execute_as_author, fixture_venv  # noqa: E402

md = nbformat.v4.new_markdown_cell
code = nbformat.v4.new_code_cell


def nondeterministic(source):
    """A cell whose output legitimately differs from run to run; the suite does not compare it."""
    return code(source, metadata={"tags": ["nondeterministic"]})


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    return nb


# --------------------------------------------------------------------------------------------
def eda_bikes(folder: Path):
    rng = np.random.default_rng(7)
    (folder / "data").mkdir(exist_ok=True)
    seasons = ["winter", "spring", "summer", "autumn"]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    lines = ["date,season,weekday,temp,humidity,holiday,rentals"]
    for i in range(240):
        month = 1 + (i * 12) // 240
        day = 1 + i % 28
        season = seasons[(month % 12) // 3]
        temp = round(float(8 + 10 * np.sin((month - 3) / 12 * 2 * np.pi) + rng.normal(0, 3)), 1)
        hum = int(rng.integers(30, 95))
        holiday = int(rng.random() < 0.05)
        rentals = int(max(0, 120 + 9 * temp - 0.8 * hum + rng.normal(0, 25) + (30 if i % 7 >= 5 else 0)))
        lines.append(f"2023-{month:02d}-{day:02d},{season},{days[i % 7]},{temp},{hum},{holiday},{rentals}")
    (folder / "data" / "bike_rentals.csv").write_text("\n".join(lines) + "\n")
    return _notebook([
        md("# Bike rentals: exploratory data analysis\n\n"
           "This notebook explores one year of daily bike rentals. We look at:\n\n"
           "1. the shape and types of the data,\n2. summary statistics,\n"
           "3. rentals by season and weekday,\n4. how temperature and humidity relate to rentals.\n\n"
           "> Data: `data/bike_rentals.csv` (one row per day)."),
        md("## Setup"),
        code("%matplotlib inline\nimport pandas as pd\nimport numpy as np\nimport matplotlib.pyplot as plt\n\n"
             "pd.set_option(\"display.precision\", 2)\nplt.style.use(\"ggplot\")"),
        md("## Load the data"),
        code("df = pd.read_csv(\"data/bike_rentals.csv\", parse_dates=[\"date\"])\ndf.head()"),
        nondeterministic("df.sample(3)  # a few random rows: different every run"),
        code("print(df.shape)\ndf.dtypes"),
        code("df.info()"),
        md("## Summary statistics\n\nThe `describe()` table gives count, mean, std and quartiles of each numeric column."),
        code("df.describe()"),
        code("df.isna().sum()"),
        md("## Rentals by season"),
        code("by_season = (\n    df.groupby(\"season\")[\"rentals\"]\n    .agg([\"mean\", \"median\", \"sum\", \"count\"])\n"
             "    .sort_values(\"mean\", ascending=False)\n)\nby_season"),
        code("ax = by_season[\"mean\"].plot(kind=\"bar\", color=\"steelblue\", title=\"Mean daily rentals per season\")\n"
             "ax.set_ylabel(\"rentals\")\nplt.xticks(rotation=0)\nplt.tight_layout()\nplt.show()"),
        md("### Weekday x season\n\nWeekends are busier, in every season:"),
        code("pivot = df.pivot_table(index=\"weekday\", columns=\"season\", values=\"rentals\", aggfunc=\"mean\").round(1)\n"
             "pivot = pivot.reindex([\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\", \"Sat\", \"Sun\"])\npivot"),
        md("## Weather and rentals"),
        code("fig, axes = plt.subplots(1, 2, figsize=(10, 4))\n"
             "df.plot.scatter(x=\"temp\", y=\"rentals\", alpha=0.6, ax=axes[0])\n"
             "df[\"rentals\"].hist(bins=20, ax=axes[1])\naxes[1].set_title(\"Distribution of rentals\")"),
        code("df[[\"temp\", \"humidity\", \"rentals\"]].corr()"),
        code("df[\"month\"] = df[\"date\"].dt.month_name()\nmonthly = df.groupby(\"month\", sort=False)[\"rentals\"].sum()\n"
             "monthly.plot(marker=\"o\", figsize=(8, 3))\nmonthly.head()"),
        md("## Conclusions\n\n* Summer has the highest mean rentals.\n* Rentals rise with temperature.\n"
           "* Humidity has a weak negative effect."),
    ])


# --------------------------------------------------------------------------------------------
SKLEARN_UTILS = '''"""Small helpers shared by the course notebooks."""

import numpy as np
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score


def describe_split(X_train, X_test, y_train, y_test):
    print(f"train: {X_train.shape[0]} rows, test: {X_test.shape[0]} rows, {X_train.shape[1]} features")
    counts = np.bincount(y_train)
    print("class balance (train):", dict(enumerate(counts.tolist())))


def print_accuracy(name, model, X_test, y_test):
    acc = accuracy_score(y_test, model.predict(X_test))
    print(f"{name:<22} accuracy = {acc:.3f}")
    return acc


def plot_confusion(model, X_test, y_test, labels):
    fig, ax = plt.subplots(figsize=(4, 4))
    ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, display_labels=labels, ax=ax, colorbar=False)
    ax.set_title(type(model[-1]).__name__ if hasattr(model, "__getitem__") else type(model).__name__)
    return ax
'''


def sklearn_wine(folder: Path):
    (folder / "utils.py").write_text(SKLEARN_UTILS)
    return _notebook([
        md("# Wine classification with scikit-learn\n\nA classic course exercise: predict the cultivar of a "
           "wine from 13 chemical measurements.\nWe compare a scaled logistic regression with a random forest."),
        code("%matplotlib inline\nimport numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\n\n"
             "from sklearn.datasets import load_wine\nfrom sklearn.model_selection import train_test_split, cross_val_score\n"
             "from sklearn.pipeline import Pipeline\nfrom sklearn.preprocessing import StandardScaler\n"
             "from sklearn.linear_model import LogisticRegression\nfrom sklearn.ensemble import RandomForestClassifier\n"
             "from sklearn.metrics import confusion_matrix, classification_report\n\n"
             "from utils import describe_split, print_accuracy, plot_confusion"),
        md("## Data"),
        code("wine = load_wine(as_frame=True)\nX, y = wine.data, wine.target\nX.iloc[:5, :6]"),
        code("X_train, X_test, y_train, y_test = train_test_split(\n    X, y, test_size=0.25, random_state=42, stratify=y\n)\n"
             "describe_split(X_train, X_test, y_train, y_test)"),
        md("## Model 1: scaled logistic regression"),
        code("%%time\nclf = Pipeline([\n    (\"scale\", StandardScaler()),\n    (\"logreg\", LogisticRegression(max_iter=1000)),\n])\n"
             "clf.fit(X_train, y_train)"),
        code("acc_lr = print_accuracy(\"logistic regression\", clf, X_test, y_test)\n"
             "confusion_matrix(y_test, clf.predict(X_test))"),
        code("print(classification_report(y_test, clf.predict(X_test), target_names=wine.target_names))"),
        code("scores = cross_val_score(clf, X, y, cv=5)\nprint(\"CV accuracy: %.3f +/- %.3f\" % (scores.mean(), scores.std()))"),
        code("plot_confusion(clf, X_test, y_test, wine.target_names);"),
        md("## Model 2: random forest"),
        code("%%time\nforest = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)\nforest.fit(X_train, y_train)\n"
             "acc_rf = print_accuracy(\"random forest\", forest, X_test, y_test)"),
        code("importances = pd.Series(forest.feature_importances_, index=X.columns).sort_values(ascending=False)\n"
             "importances.head(5).round(3)"),
        code("importances.head(10).plot.barh(figsize=(6, 4))\nplt.gca().invert_yaxis()"),
        md("## Summary"),
        code("pd.DataFrame({\"model\": [\"logistic regression\", \"random forest\"], \"accuracy\": [acc_lr, acc_rf]}).round(3)"),
    ])


# --------------------------------------------------------------------------------------------
def old_pins(folder: Path):
    rng = np.random.default_rng(3)
    (folder / "data").mkdir(exist_ok=True)
    rows = ["id,city,rooms,area,age,price"]
    cities = ["Lyon", "Nantes", "Lille", "Nice"]
    for i in range(120):
        city = cities[i % 4]
        rooms = int(rng.integers(1, 6))
        area = round(float(20 + rooms * 18 + rng.normal(0, 8)), 1)
        age = int(rng.integers(0, 80))
        price = int(1500 * area * (1.3 if city == "Nice" else 1.0) - 300 * age + rng.normal(0, 9000))
        rows.append(f"{i},{city},{rooms},{area},{age},{price}")
    (folder / "data" / "housing.csv").write_text("\n".join(rows) + "\n")
    return _notebook([
        md("# Housing prices (2022 course material)\n\nWritten against pandas 1.5 and scikit-learn 1.2. "
           "It uses APIs that later versions removed (`DataFrame.append`, `iteritems`, `mad`, "
           "`OneHotEncoder(sparse=...)`), so it only runs with the old pins."),
        code("import numpy as np\nimport pandas as pd\nimport sklearn\n\nprint(pd.__version__, np.__version__, sklearn.__version__)"),
        code("df = pd.read_csv(\"data/housing.csv\", index_col=\"id\")\ndf.head()"),
        md("Adding a row the old way: `DataFrame.append` (removed in pandas 2.0)."),
        code("extra = pd.DataFrame([{\"city\": \"Lyon\", \"rooms\": 3, \"area\": 70.0, \"age\": 10, \"price\": 98000}], index=[120])\n"
             "df = df.append(extra)\nlen(df)"),
        code("for name, col in df[[\"rooms\", \"area\"]].iteritems():\n    print(name, col.dtype, round(col.mad(), 2))"),
        code("df.groupby(\"city\").mean().round(1)"),
        md("Flag the cheap flats (pandas warns: we assign into a slice)."),
        code("cheap = df[df[\"price\"] < 80000]\ncheap[\"flag\"] = \"cheap\"\ncheap[[\"city\", \"price\", \"flag\"]].head(3)"),
        md("## A price model"),
        code("from sklearn.preprocessing import OneHotEncoder\nfrom sklearn.linear_model import LinearRegression\n"
             "from sklearn.metrics import mean_squared_error\nfrom sklearn.model_selection import train_test_split\n\n"
             "enc = OneHotEncoder(sparse=False, handle_unknown=\"ignore\")\ncity = enc.fit_transform(df[[\"city\"]])\n"
             "X = np.hstack([df[[\"rooms\", \"area\", \"age\"]].to_numpy(), city])\ny = df[\"price\"].to_numpy()\n"
             "enc.get_feature_names_out().tolist()"),
        code("X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\nmodel = LinearRegression().fit(X_train, y_train)\n"
             "rmse = mean_squared_error(y_test, model.predict(X_test), squared=False)\nprint(f\"RMSE: {rmse:,.0f}\")"),
        code("pd.Series(model.coef_, index=[\"rooms\", \"area\", \"age\"] + enc.get_feature_names_out().tolist()).round(1)"),
    ])


# --------------------------------------------------------------------------------------------
MAGICS_HELPERS = '''"""Helpers for the file-size report."""

import humanize


def fmt_size(n_bytes):
    """Format a byte count for people: 1234567 -> '1.2 MB'."""
    return humanize.naturalsize(n_bytes)


def summarize(df):
    return df.groupby("kind")["bytes"].agg(["count", "sum"]).assign(human=lambda t: t["sum"].map(fmt_size))
'''


def magics_tour(folder: Path):
    rng = np.random.default_rng(11)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "helpers.py").write_text(MAGICS_HELPERS)
    kinds = ["image", "video", "text", "archive"]
    rows = ["name,kind,bytes"] + [f"file{i:03d},{kinds[i % 4]},{int(rng.integers(1_000, 50_000_000))}" for i in range(60)]
    (folder / "data" / "sizes.csv").write_text("\n".join(rows) + "\n")
    config = _notebook([md("Shared settings for the report notebooks."),
                        code("UNITS = \"decimal\"\nTOP_N = 3\nprint(f\"config: units={UNITS}, top {TOP_N}\")")])
    nbformat.write(config, folder / "config.ipynb")
    (folder / "data" / "inventory.txt").write_text("".join(f"file{i:03d}\n" for i in range(60)))
    (folder / "data" / "README.md").write_text("# data\n\nsizes.csv: one row per file, from `du -b` on a shared drive.\n")
    return _notebook([
        md("# A tour of IPython magics\n\nInstall what we need first (Colab style), then explore a file-size listing."),
        code("!pip install -q humanize"),
        code("%pip install -q tabulate"),
        code("!ls data"),
        code("%%bash\nhead -n 3 data/inventory.txt\nwc -l data/inventory.txt"),
        code("%load_ext autoreload\n%autoreload 2"),
        code("%run ./config.ipynb"),
        code("import pandas as pd\nimport humanize\nfrom helpers import fmt_size, summarize"),
        code("fmt_size?"),
        code("df = pd.read_csv(\"data/sizes.csv\")\nsummary = summarize(df)\nsummary"),
        code("print(summary.to_markdown())"),
        code("%timeit df[\"bytes\"].sum()"),
        code("%env REPORT_UNITS=decimal"),
        code("%who_ls"),
        code("humanize.intcomma(df[\"bytes\"].sum())"),
        code("summary.nlargest(TOP_N, \"sum\")[\"human\"]"),
    ])


# --------------------------------------------------------------------------------------------
def runtime_paths(folder: Path):
    rng = np.random.default_rng(5)
    (folder / "data").mkdir(exist_ok=True)
    regions = ["north", "south", "east", "west"]
    for part in (1, 2, 3):
        rows = ["order_id,region,product,qty,unit_price"]
        for j in range(40):
            rows.append(f"{part * 1000 + j},{regions[int(rng.integers(0, 4))]},P{int(rng.integers(1, 6))},"
                        f"{int(rng.integers(1, 10))},{round(float(rng.uniform(2, 40)), 2)}")
        (folder / "data" / f"part{part}.csv").write_text("\n".join(rows) + "\n")
    if not (folder / "data" / "targets.xlsx").exists():  # xlsx files hold timestamps: write once
        script = (
            "import pandas as pd\n"
            f"targets = pd.DataFrame({{'region': {regions!r}, 'target': [2500, 2200, 2700, 2300]}})\n"
            "with pd.ExcelWriter('data/targets.xlsx') as writer:\n"
            "    targets.to_excel(writer, sheet_name='2024', index=False)\n"
            "    targets.assign(target=targets.target * 0.9).to_excel(writer, sheet_name='2023', index=False)\n"
        )
        subprocess.run([str(fixture_venv(folder)), "-c", script], cwd=folder, check=True)
    return _notebook([
        md("# Quarterly sales report\n\nThe export tool writes one CSV per batch (`part1.csv`, `part2.csv`, ...). "
           "We read them all, compare with the targets spreadsheet, and print a Markdown table for the wiki."),
        code("import pandas as pd\n\nN_PARTS = 3"),
        code("parts = []\nfor i in range(1, N_PARTS + 1):\n    part = pd.read_csv(f\"data/part{i}.csv\")\n"
             "    print(f\"part{i}: {len(part)} orders\")\n    parts.append(part)\norders = pd.concat(parts, ignore_index=True)\norders.shape"),
        code("orders[\"revenue\"] = orders[\"qty\"] * orders[\"unit_price\"]\nby_region = orders.groupby(\"region\", as_index=False)[\"revenue\"].sum()\nby_region.round(2)"),
        code("targets = pd.read_excel(\"data/targets.xlsx\", sheet_name=\"2024\")\ntargets"),
        code("report = by_region.merge(targets, on=\"region\")\nreport[\"vs_target\"] = (report[\"revenue\"] / report[\"target\"] - 1).map(\"{:+.1%}\".format)\n"
             "print(report.round(2).to_markdown(index=False))"),
        code("top = orders.groupby(\"product\")[\"qty\"].sum().sort_values(ascending=False)\nprint(top.to_markdown())"),
    ])


# --------------------------------------------------------------------------------------------
def errors_lesson(folder: Path):
    return _notebook([
        md("# Lesson 4: errors and exceptions\n\nLike in the book, some cells below fail **on purpose**: "
           "read the traceback, then see how to handle it."),
        code("import pandas as pd"),
        code("int(\"forty-two\")"),
        md("`int()` raised a `ValueError`. We can catch it:"),
        code("def to_int(text, default=None):\n    try:\n        return int(text)\n    except ValueError:\n        return default\n\n"
             "print(to_int(\"42\"), to_int(\"forty-two\"), to_int(\"x\", default=0))"),
        md("Raising our own error when input is invalid:"),
        code("def check_age(age):\n    if age < 0:\n        raise ValueError(f\"age must be >= 0, got {age}\")\n    return age\n\ncheck_age(-3)"),
        code("ages = pd.Series([31, 45, 27], index=[\"ana\", \"bo\", \"cy\"])\nages[\"dee\"]"),
        md("A `KeyError` from pandas. Use `.get` instead:"),
        code("print(ages.get(\"dee\", \"unknown\"))\nages.mean()"),
        code("assert ages.min() > 30, \"everyone should be over 30\""),
        md("That's all: errors are information, not failure."),
        code("print(\"done\")"),
    ])


# --------------------------------------------------------------------------------------------
CLEANING = '''"""Cleaning steps shared by the project's notebooks."""

import pandas as pd


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    out = raw.dropna(subset=["amount"]).copy()
    out["date"] = pd.to_datetime(out["date"])
    out["category"] = out["category"].str.strip().str.lower()
    return out[out["amount"] > 0]


def monthly(df: pd.DataFrame) -> pd.DataFrame:
    return df.set_index("date").groupby("category").resample("MS")["amount"].sum().unstack(0).fillna(0)
'''


def project_layout(folder: Path):
    """cookiecutter-data-science style: notebooks/ beside src/ and data/, reached through '..'."""
    rng = np.random.default_rng(9)
    (folder / "data" / "raw").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "salesutil").mkdir(parents=True, exist_ok=True)
    (folder / "notebooks").mkdir(exist_ok=True)
    (folder / "src" / "salesutil" / "__init__.py").write_text("from .cleaning import clean, monthly\n")
    (folder / "src" / "salesutil" / "cleaning.py").write_text(CLEANING)
    cats = ["Groceries ", "rent", " Transport", "fun"]
    rows = ["date,category,amount"]
    for i in range(90):
        amount = "" if i % 17 == 5 else str(round(float(rng.normal(60, 40)), 2))
        rows.append(f"2024-{1 + i // 30:02d}-{1 + i % 28:02d},{cats[i % 4]},{amount}")
    (folder / "data" / "raw" / "transactions.csv").write_text("\n".join(rows) + "\n")
    (folder / "README.md").write_text("# Household spending\n\nNotebooks in notebooks/, code in src/, data in data/.\n")
    return _notebook([
        md("# 1.0 Clean the transactions\n\nProject layout: `notebooks/`, `src/`, `data/raw/`."),
        code("import sys\nsys.path.append(\"../src\")\n\nimport pandas as pd\nfrom salesutil import clean, monthly"),
        code("raw = pd.read_csv(\"../data/raw/transactions.csv\")\nprint(raw.shape)\nraw.head()"),
        code("df = clean(raw)\ndf[\"category\"].value_counts()"),
        code("monthly(df).round(2)"),
    ]), "notebooks"


# --------------------------------------------------------------------------------------------
def lazy_backends(folder: Path):
    """pandas loads optional libraries by name at run time: scipy for density plots and Kendall
    correlations, xlrd for legacy .xls spreadsheets (open-data portals still publish them)."""
    from realworld_env import make_venv

    rng = np.random.default_rng(1)
    (folder / "data").mkdir(exist_ok=True)
    rows = "".join(f"{i},{['Brest', 'Lyon', 'Grenoble'][i % 3]},{round(float(rng.normal(15, 5)), 1)},"
                   f"{round(float(rng.gamma(1, 2)), 1)}\n" for i in range(90))
    (folder / "data" / "readings.csv").write_text("day,station,temp,rain\n" + rows)
    if not (folder / "data" / "stations.xls").exists():  # .xls files hold timestamps: write once
        script = (
            "import xlwt\nwb = xlwt.Workbook()\nws = wb.add_sheet('stations')\n"
            "rows = [('station', 'elevation', 'opened'), ('Brest', 94, 1945), ('Lyon', 201, 1921), "
            "('Grenoble', 212, 1968)]\n"
            "for r, row in enumerate(rows):\n    for c, v in enumerate(row):\n        ws.write(r, c, v)\n"
            "wb.save('data/stations.xls')\n"
        )
        subprocess.run([str(make_venv(["xlwt==1.3.0"])), "-c", script], cwd=folder, check=True)
    return _notebook([
        md("# Weather stations: distributions\n\nDaily readings from three stations, and the station list "
           "as published by the open-data portal (a legacy `.xls`)."),
        code("%matplotlib inline\nimport pandas as pd\nimport matplotlib.pyplot as plt"),
        code("df = pd.read_csv(\"data/readings.csv\")\ndf.groupby(\"station\")[[\"temp\", \"rain\"]].mean().round(2)"),
        md("## Distribution of temperatures"),
        code("ax = df[\"temp\"].plot(kind=\"density\", title=\"Temperature density\")\nax.set_xlabel(\"°C\")"),
        code("df[[\"temp\", \"rain\"]].corr(method=\"kendall\").round(3)"),
        md("## Station metadata"),
        code("stations = pd.read_excel(\"data/stations.xls\")\nstations"),
        nondeterministic("sites = set(df[\"station\"])\nprint(sites)  # set order depends on the hash seed"),
        code("df[\"temp\"].rolling(7).mean().iloc[6:9].round(2)"),
    ])


# --------------------------------------------------------------------------------------------
def editable_project(folder: Path):
    """The project's own package, installed with `pip install -e .` (as cookiecutter templates say),
    imported from a notebook in notebooks/ whose file name has spaces and parentheses."""
    (folder / "src" / "housekit").mkdir(parents=True, exist_ok=True)
    (folder / "notebooks").mkdir(exist_ok=True)
    (folder / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "housekit"\nversion = "0.1.0"\ndependencies = ["pandas"]\n\n'
        '[tool.setuptools.packages.find]\nwhere = ["src"]\n')
    (folder / "src" / "housekit" / "__init__.py").write_text(
        '"""Household budget helpers."""\n\nimport pandas as pd\n\n\n'
        'def budget(items):\n    df = pd.DataFrame(items, columns=["item", "amount"])\n'
        '    return df.assign(share=(df.amount / df.amount.sum()).round(3))\n')
    nb = _notebook([
        md("# Budget exploration (v2)\n\nUses the project's package: `pip install -e .` at the repo root first."),
        code("from housekit import budget\nimport pandas as pd"),
        code("budget([(\"rent\", 900), (\"food\", 350), (\"bike\", 40)])"),
        code("pd.__version__"),
    ])
    return nb, "notebooks"


# --------------------------------------------------------------------------------------------
# What a notebook touches outside its imports (issue 14): each fixture hides one thing from the
# import statements: a lazy back-end, a database in a URL, a helper script, a system program.
def rolling_window(folder: Path):
    """pandas imports scipy by name for a window function: rolling(win_type="gaussian")."""
    rng = np.random.default_rng(14)
    (folder / "data").mkdir(exist_ok=True)
    prices = np.round(100 + np.cumsum(rng.normal(0, 1, 200)), 2)
    (folder / "data" / "prices.csv").write_text(
        "day,price\n" + "".join(f"{i},{p}\n" for i, p in enumerate(prices)))
    return _notebook([
        md("# Smoothing a price series\n\nA Gaussian-weighted moving average (pandas' window types)."),
        code("import pandas as pd\n\nprices = pd.read_csv(\"data/prices.csv\", index_col=\"day\")\nprices.tail(3)"),
        code("smooth = prices[\"price\"].rolling(20, win_type=\"gaussian\", center=True).mean(std=5)\n"
             "smooth.dropna().iloc[::40].round(2)"),
        code("(prices[\"price\"] - smooth).abs().max().round(3)"),
    ])


def sqlite_url(folder: Path):
    """SQLAlchemy names its SQLite database inside a URL: sqlite:///data/app.db."""
    import sqlite3

    (folder / "data").mkdir(exist_ok=True)
    db = folder / "data" / "app.db"
    if not db.exists():
        with sqlite3.connect(db) as con:
            con.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, amount REAL)")
            con.executemany("INSERT INTO orders (customer, amount) VALUES (?, ?)",
                            [("ana", 12.5), ("bo", 40.0), ("ana", 7.25), ("cy", 19.9), ("bo", 3.1)])
    return _notebook([
        md("# Orders from the app's database\n\nThe app writes to SQLite; we read it with SQLAlchemy."),
        code("import pandas as pd\nfrom sqlalchemy import create_engine\n\n"
             "engine = create_engine(\"sqlite:///data/app.db\")"),
        code("orders = pd.read_sql(\"SELECT * FROM orders\", engine)\norders"),
        code("orders.groupby(\"customer\")[\"amount\"].sum().round(2)"),
    ])


REPORT_SCRIPT = '''"""Print a small sales report as a table (run by the notebook as a separate process)."""

import csv
import sys

from tabulate import tabulate

with open(sys.argv[1], newline="") as fh:
    rows = list(csv.reader(fh))
print(tabulate(rows[1:], headers=rows[0], tablefmt="github"))
'''


def helper_script(folder: Path):
    """A cell runs the project's report script with the kernel's python; the script imports tabulate."""
    (folder / "data").mkdir(exist_ok=True)
    (folder / "scripts").mkdir(exist_ok=True)
    (folder / "scripts" / "report.py").write_text(REPORT_SCRIPT)
    (folder / "data" / "sales.csv").write_text("region,units\nnorth,12\nsouth,7\neast,30\n")
    return _notebook([
        md("# Weekly report\n\nThe report script is shared with the team's cron job; we run it as it runs there."),
        code("import subprocess\nimport sys\n\n"
             "done = subprocess.run([sys.executable, \"scripts/report.py\", \"data/sales.csv\"],\n"
             "                      capture_output=True, text=True, check=True)\nprint(done.stdout)"),
    ])


def system_program(folder: Path):
    """The graphviz package renders by running the `dot` program: a system package, not a wheel."""
    return _notebook([
        md("# The pipeline as a graph\n\nRendered with Graphviz."),
        code("import graphviz\n\nflow = graphviz.Digraph(\"flow\")\n"
             "flow.edge(\"extract\", \"clean\")\nflow.edge(\"clean\", \"model\")\nflow.edge(\"clean\", \"report\")"),
        code("svg = flow.pipe(format=\"svg\").decode()\nprint(svg.count(\"class=\\\"node\\\"\"), \"nodes,\", "
             "svg.count(\"class=\\\"edge\\\"\"), \"edges\")"),
    ])


NOTEBOOK_NAMES = {"editable_project": "01 - Budget exploration (v2).ipynb"}

FIXTURES = {
    "eda_bikes": eda_bikes,
    "sklearn_wine": sklearn_wine,
    "old_pins": old_pins,
    "magics_tour": magics_tour,
    "runtime_paths": runtime_paths,
    "errors_lesson": errors_lesson,
    "project_layout": project_layout,
    "lazy_backends": lazy_backends,
    "editable_project": editable_project,
    "rolling_window": rolling_window,
    "sqlite_url": sqlite_url,
    "helper_script": helper_script,
    "system_program": system_program,
}


def main(names):
    for name in names or FIXTURES:
        folder = FIXTURES_DIR / name
        folder.mkdir(exist_ok=True)
        made = FIXTURES[name](folder)
        nb, sub = made if isinstance(made, tuple) else (made, ".")
        path = folder / sub / NOTEBOOK_NAMES.get(name, f"{name}.ipynb")
        nbformat.write(nb, path)
        python = fixture_venv(folder)
        execute_as_author(path, python)
        print(f"{name}: executed with {python}")


if __name__ == "__main__":
    main(sys.argv[1:])
