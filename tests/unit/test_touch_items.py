"""A touch record (as the kernel answers it) folded into the static findings and the spec."""

from __future__ import annotations

import os
from pathlib import Path

from jupyterlab_containerize.inspect.resolve import ResolveInput, resolve
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
from jupyterlab_containerize.inspect.touch_items import apply_touch_record
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import NotebookInfo
from tests.notebooks import notebook

from .fake_probe import dist, probe


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for folder in ("data/raw", "scripts", "libs/helperpkg", "out"):
        (root / folder).mkdir(parents=True)
    (root / "data" / "app.db").write_bytes(b"SQLite format 3\x00")
    (root / "data" / "raw" / "a.csv").write_text("x\n")
    (root / "data" / ".env").write_text("TOKEN=1\n")
    (root / "scripts" / "report.py").write_text("import tabulate\nfrom fmt import cells\n")
    (root / "scripts" / "fmt.py").write_text("import wcwidth\n")
    (root / "libs" / "helperpkg" / "__init__.py").write_text("import six\n")
    return root


def record(root: Path, **extra) -> dict:
    base = {
        "recording": True, "since": 1.0, "cwd": str(root), "sys_path": [str(root)],
        "read": [str(root / "data" / "app.db"), str(root / "data" / ".env"), str(root.parent / "elsewhere.csv"),
                 str(root / "scripts" / "report.py")],
        "listed": [str(root / "data" / "raw"), str(root), str(root / "libs" / "helperpkg")],
        "commands": [
            [str(root), "/env/bin/python", "scripts/report.py", "--week", "3"],
            [str(root), "/bin/sh", "-c", "dot -Tpng g.dot -o g.png && ./tools/run.sh"],
            [str(root), "/env/bin/python", "-c", "import yaml"],
            [str(root), "/env/bin/python", "-m", "pip", "install", "x"],
            [str(root), "/usr/bin/python3", "/etc/outside.py"],
        ],
        "modules": {"helperpkg": str(root / "libs" / "helperpkg" / "__init__.py"), "farlib": "/srv/farlib.py"},
        "dropped": {"paths": 0, "commands": 0, "modules": 0},
        "system": {"dpkg": True, "programs": {"dot": {"path": "/usr/bin/dot", "package": "graphviz"}}},
    }
    base.update(extra)
    return base


def test_record_adds_files_scripts_modules_programs(tmp_path: Path):
    root = project(tmp_path)
    static = analyze_notebook(notebook("import pandas as pd"), root, DEFAULT_POLICY)
    found = apply_touch_record(static, record(root))
    assert found.recorded
    assert "data/app.db" in found.files and "data/raw" in found.files
    assert "data/.env" not in found.files  # a secret, even when read
    assert not any("elsewhere" in f or f in (".", "libs/helperpkg") for f in found.files)
    assert "scripts/report.py" in found.files  # the script itself is copied
    assert {"tabulate", "fmt", "wcwidth", "yaml", "six"} <= found.imports and "pip" not in found.imports
    assert static.local_modules["fmt"] == "scripts/fmt.py"  # found in the script's own folder
    assert static.local_modules["helperpkg"] == "libs/helperpkg"
    assert found.programs == {"dot": "dot"}  # ./tools/run.sh is the project's own file
    kinds = {p.kind for p in found.problems}
    assert kinds == {"module-outside", "script-outside"}  # /srv/farlib.py, /etc/outside.py: not copied, said


def test_started_drops_what_the_run_wrote(tmp_path: Path):
    root = project(tmp_path)
    static = analyze_notebook(notebook("x = 1"), root, DEFAULT_POLICY)
    os.utime(root / "data" / "app.db", (10.0, 10.0))
    found = apply_touch_record(static, record(root, started=100.0, listed=[], commands=[], modules={}))
    assert found.files == {"data/app.db"}
    os.utime(root / "data" / "app.db", (200.0, 200.0))
    static = analyze_notebook(notebook("x = 1"), root, DEFAULT_POLICY)
    assert apply_touch_record(static, record(root, started=100.0, listed=[], commands=[], modules={})).files == set()


def test_no_record_or_truncated(tmp_path: Path):
    root = project(tmp_path)
    static = analyze_notebook(notebook("x = 1"), root, DEFAULT_POLICY)
    assert not apply_touch_record(static, None).recorded
    assert not apply_touch_record(static, {"recording": False}).recorded
    found = apply_touch_record(static, record(root, dropped={"paths": 12, "commands": 0}))
    assert [p.kind for p in found.problems if p.kind == "record-truncated"] == ["record-truncated"]


def test_installed_modules_are_not_local(tmp_path: Path):
    """An editable install's source lies in the project: it stays a package of the lock."""
    root = project(tmp_path)
    static = analyze_notebook(notebook("x = 1"), root, DEFAULT_POLICY)
    apply_touch_record(static, record(root, commands=[]), installed_modules={"helperpkg"})
    assert "helperpkg" not in static.local_modules


def test_resolve_marks_runtime_items(tmp_path: Path):
    root = project(tmp_path)
    answer = probe([dist("pandas", "2.2.2"), dist("tabulate", "0.9.0"), dist("wcwidth", "0.2.13"),
                    dist("PyYAML", "6.0.1", top=["yaml"]), dist("six", "1.16.0")])
    answer["touched"] = record(root)
    spec = resolve(ResolveInput(static=analyze_notebook(notebook("import pandas as pd"), root, DEFAULT_POLICY),
                                notebook=NotebookInfo(path="nb.ipynb"), source="kernel", probe=answer))
    reasons = {p.name: p.reason for p in spec.packages}
    assert reasons == {"pandas": "imported", "tabulate": "runtime", "wcwidth": "runtime", "PyYAML": "runtime",
                       "six": "runtime"}
    assert next(i for i in spec.imports if i.module == "tabulate").runtime
    assert not next(i for i in spec.imports if i.module == "pandas").runtime
    assert {"data/app.db", "scripts/report.py", "data/raw"} <= set(spec.runtime_files) <= set(spec.files)
    assert {m.module: m.runtime for m in spec.local_modules} == {"fmt": True, "helperpkg": True}
    assert spec.programs == {"dot": "graphviz"}
    assert spec.apt_packages == ["graphviz"] and "`dot`" in spec.apt_reasons["graphviz"]
    assert any(p.kind == "module-outside" and "farlib" in p.message for p in spec.problems)
