"""Real-world notebooks: does each one re-run in its image with the same outcome, cell by cell?

Each fixture folder under tests/realworld/ holds a notebook saved with the outputs of a run in its
own kernel environment (requirements.txt; regenerate with make_fixtures.py). For each, this suite
makes that venv from Debian's python3, copies the folder to a temporary directory, and runs

    python -m jupyterlab_containerize build NB --python VENV/bin/python \
        --base localhost/containerize-test/python:3.11 --tag realworld/NAME:test --verify --json

from a fresh environment, as a user would. Two checks per notebook:

* test_outcomes: every code cell is reported, and each one errors in the image exactly when it
  errored in the saved notebook; the command succeeds when that holds.
* test_outputs: the cells' text outputs match too, except cells tagged `nondeterministic` in the
  saved notebook (their output legitimately differs from run to run, e.g. `df.sample(3)`).

Checks that fail because of product bugs are xfail(strict=True) with the bug's summary, so CI stays
green while the bug is visible, and a fix turns them into XPASS (strict: a failure) to remove them.
docs/realworld.md has the results table and the bug list.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest

from .realworld_env import FIXTURES_DIR, cli_env, fixture_venv

pytestmark = [pytest.mark.docker, pytest.mark.integration]

VERDICT = re.compile(r"^\s*cell (\d+): (passed|failed|timeout|not-run), (.*)$")


class KnownBug(AssertionError):
    """A check failed the way a reported product bug makes it fail (its signature matched)."""


@dataclass
class Bug:
    reason: str  # the bug, in short (docs/realworld.md has the details)
    signature: str  # regex the failure message must match to count as this bug


@dataclass
class Fixture:
    name: str
    notebook: str = ""  # path inside the fixture folder; default NAME.ipynb
    outcomes_bug: Optional[Bug] = None  # None: the check is expected to pass
    outputs_bug: Optional[Bug] = None





FIXTURES = [
    Fixture("eda_bikes"),
    Fixture("sklearn_wine"),
    Fixture("old_pins"),  # BUG-4 (warning paths) fixed in 2ce3489
    Fixture("magics_tour"),  # BUG-5/7 (pip, μs) fixed in 2ce3489; BUG-3/6 (%run .ipynb, shell paths) later
    Fixture("runtime_paths"),  # BUG-2 (f-string paths) fixed
    Fixture("errors_lesson"),  # BUG-1 (deliberate error cells) fixed in 2ce3489
    Fixture("project_layout", notebook="notebooks/project_layout.ipynb"),  # BUG-8 (../src, ../data) fixed
    Fixture("lazy_backends"),  # BUG-11 (scipy, xlrd by argument; installed extras) fixed
    Fixture("editable_project", notebook="notebooks/01 - Budget exploration (v2).ipynb"),  # BUG-12 fixed
    # issue 14: what a notebook touches outside its imports
    Fixture("rolling_window"),  # pandas imports scipy for win_type="gaussian"
    Fixture("sqlite_url"),  # the database is named inside sqlite:///data/app.db
    Fixture("helper_script"),  # a script run with sys.executable imports tabulate
    Fixture("system_program"),  # graphviz runs `dot`: apt graphviz
]


def notebook_of(fixture: Fixture) -> str:
    return fixture.notebook or f"{fixture.name}.ipynb"


@dataclass
class BuildRun:
    returncode: int
    stdout: str
    stderr: str
    verdicts: dict[int, tuple[str, str]]  # cell index -> (status, output-match words)
    result: Optional[dict]  # stdout's JSON: the build result, or {"error", "verify"} when verify failed

    @property
    def report(self) -> Optional[dict]:
        verify = (self.result or {}).get("verify")
        return verify if isinstance(verify, dict) else None

    def cell_errors(self) -> dict[int, dict]:
        return {c["index"]: c["error"] for c in (self.report or {}).get("cells", []) if c.get("error")}

    def describe(self) -> str:
        errors = "".join(f"  cell {i}: {e.get('ename')}: {str(e.get('evalue'))[:200]}\n"
                         for i, e in sorted(self.cell_errors().items()))
        return (f"exit {self.returncode}\n--- errors in the image ---\n{errors}"
                f"--- stderr (tail) ---\n{self.stderr[-3000:]}")


_RUNS: dict[str, BuildRun] = {}


def build_and_verify(fixture: Fixture, base: str, tmp_root: Path) -> BuildRun:
    """One build per fixture per session, shared by its checks."""
    name = fixture.name
    if name in _RUNS:
        return _RUNS[name]
    source = FIXTURES_DIR / name
    python = fixture_venv(source)
    work = tmp_root / name
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("requirements.txt", "__pycache__"))
    env = cli_env()
    command = [sys.executable, "-m", "jupyterlab_containerize", "build", str(work / notebook_of(fixture)),
               "--python", str(python), "--base", base, "--tag", f"realworld/{name}:test",
               "--verify", "--verify-timeout", "120", "--json"]
    proc = subprocess.run(command, cwd=tmp_root, env=env, capture_output=True, text=True, timeout=900)
    verdicts = {}
    for line in proc.stderr.splitlines():
        match = VERDICT.match(line)
        if match:
            # the CLI numbers cells 1-based among all cells; saved_outcomes keys are 0-based indexes
            verdicts[int(match.group(1)) - 1] = (match.group(2), match.group(3))
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        result = None
    _RUNS[name] = BuildRun(proc.returncode, proc.stdout, proc.stderr, verdicts, result)
    return _RUNS[name]


def saved_notebook(fixture: Fixture) -> dict:
    return json.loads((FIXTURES_DIR / fixture.name / notebook_of(fixture)).read_text())


def saved_errors(fixture: Fixture) -> dict[int, str]:
    """Code-cell index -> the exception name its saved outputs show, for the cells that raised."""
    return {
        i: errors[0]["ename"]
        for i, c in enumerate(saved_notebook(fixture)["cells"]) if c["cell_type"] == "code"
        for errors in [[o for o in c.get("outputs", []) if o.get("output_type") == "error"]] if errors
    }


def saved_outcomes(fixture: Fixture) -> dict[int, str]:
    """Code-cell index -> 'failed' / 'passed' in the notebook as its author saved it."""
    errors = saved_errors(fixture)
    return {
        i: "failed" if i in errors else "passed"
        for i, c in enumerate(saved_notebook(fixture)["cells"]) if c["cell_type"] == "code"
    }


def _param(fixture: Fixture, bug: Optional[Bug]):
    marks = [pytest.mark.xfail(strict=True, raises=KnownBug, reason=bug.reason)] if bug else []
    return pytest.param(fixture, id=fixture.name, marks=marks)


def check(ok: bool, message: str, bug: Optional[Bug]) -> None:
    """Fail; as KnownBug only when the failure carries the known bug's signature, so that a
    different failure of an xfail-marked check is still reported as a failure."""
    if ok:
        return
    if bug and re.search(bug.signature, message):
        raise KnownBug(message)
    raise AssertionError(message)


@pytest.fixture(scope="session")
def build_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("realworld")


@pytest.mark.parametrize("fixture", [_param(f, f.outcomes_bug) for f in FIXTURES])
def test_outcomes(fixture: Fixture, realworld_docker: str, build_root: Path) -> None:
    run = build_and_verify(fixture, realworld_docker, build_root)
    bug = fixture.outcomes_bug
    expected = saved_outcomes(fixture)
    actual = {i: status for i, (status, _) in run.verdicts.items()}
    check(bool(actual), f"no per-cell verdicts: the build or verify did not run\n{run.describe()}", None)
    check(set(actual) == set(expected), f"cells reported {sorted(actual)} != code cells {sorted(expected)}", None)
    differ = {i: (expected[i], actual[i]) for i in expected if expected[i] != actual[i]}
    check(not differ, f"cell outcomes differ (saved, image): {differ}\n{run.describe()}", bug)
    image_errors = run.cell_errors()
    if run.report is not None:  # the same exception, not just some exception
        names = {i: (ename, (image_errors.get(i) or {}).get("ename")) for i, ename in saved_errors(fixture).items()}
        wrong = {i: pair for i, pair in names.items() if pair[0] != pair[1]}
        check(not wrong, f"cells raise other exceptions (saved, image): {wrong}\n{run.describe()}", bug)
    check(run.returncode == 0, f"every cell has its saved outcome, yet the build failed\n{run.describe()}", bug)


@pytest.mark.parametrize("fixture", [_param(f, f.outputs_bug) for f in FIXTURES])
def test_outputs(fixture: Fixture, realworld_docker: str, build_root: Path) -> None:
    run = build_and_verify(fixture, realworld_docker, build_root)
    bug = fixture.outputs_bug
    check(run.returncode == 0 and run.report is not None, f"verify failed\n{run.describe()}", bug)
    cells = {c["index"]: c for c in run.report["cells"]}
    saved = saved_notebook(fixture)["cells"]
    skipped = {i for i, c in enumerate(saved) if "nondeterministic" in c.get("metadata", {}).get("tags", [])}
    differ = {
        i: {"expected": c.get("expected"), "actual": c.get("actual")}
        for i, c in cells.items() if c["output_match"] is False and i not in skipped
    }
    check(not differ, "outputs differ:\n" + json.dumps(differ, indent=1, ensure_ascii=False), bug)


def test_inspect_execute_finds_runtime_files(tmp_path: Path) -> None:
    """`inspect --execute` is the documented way to catch paths built at run time: its audit hook
    must report data/part1.csv .. part3.csv, which runtime_paths reads through an f-string."""
    python = fixture_venv(FIXTURES_DIR / "runtime_paths")
    work = tmp_path / "runtime_paths"
    shutil.copytree(FIXTURES_DIR / "runtime_paths", work)
    env = cli_env()
    proc = subprocess.run([sys.executable, "-m", "jupyterlab_containerize", "inspect",
                           str(work / "runtime_paths.ipynb"), "--python", str(python), "--execute", "--json"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    check(proc.returncode == 0, f"inspect --execute failed: {proc.stderr[-2000:]}", None)
    files = set(json.loads(proc.stdout)["files"])
    wanted = {"data/part1.csv", "data/part2.csv", "data/part3.csv", "data/targets.xlsx"}
    check(wanted <= files, f"files {sorted(files)} lack {sorted(wanted - files)} (part1.csv .. part3.csv)", None)


def test_fixture_envs_are_pinned() -> None:
    """Every fixture's requirements.txt pins exact versions, so its venv (and cache key) is stable."""
    for fixture in FIXTURES:
        lines = (FIXTURES_DIR / fixture.name / "requirements.txt").read_text().splitlines()
        reqs = [ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip()]
        assert reqs and all("==" in r or r == "-e ." for r in reqs), fixture.name
        assert any(r.startswith("ipykernel==") for r in reqs), fixture.name
        assert (FIXTURES_DIR / fixture.name / notebook_of(fixture)).exists()
