"""Issue 14's fixtures through the kernel's touch record: from `inspect --execute` (CLI) and from a live
kernel with the record installed (REST), each spec names what the notebook touched outside its
imports; and an image built from a recorded spec re-runs the notebook with its saved outcomes.

test_realworld.py builds the same fixtures from `--python` (static analysis and the probe).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from .realworld_env import FIXTURES_DIR, cli_env, fixture_venv
from .test_realworld import VERDICT, Fixture, saved_outcomes

pytestmark = pytest.mark.integration


def has(name: str, reason: str | None = None) -> Callable[[dict], bool]:
    return lambda spec: any(p["name"] == name and (reason is None or p["reason"] == reason)
                            for p in spec["packages"])


CHECKS: dict[str, list[tuple[str, Callable[[dict], bool]]]] = {
    "rolling_window": [("scipy is locked", has("scipy", "implicit"))],
    "sqlite_url": [("the database is copied", lambda s: "data/app.db" in s["files"])],
    "helper_script": [("tabulate is locked", has("tabulate")),
                      ("the script is copied", lambda s: "scripts/report.py" in s["files"])],
    "system_program": [("graphviz is an apt package", lambda s: "graphviz" in s["apt_packages"]),
                       ("dot is checked at start", lambda s: s["programs"] == {"dot": "graphviz"}),
                       ("the reason names dot", lambda s: "`dot`" in s["apt_reasons"]["graphviz"])],
}


def assert_checks(name: str, spec: dict) -> None:
    failed = [what for what, ok in CHECKS[name] if not ok(spec)]
    assert not failed, f"{name}: {failed}\n{json.dumps({k: spec[k] for k in ('files', 'apt_reasons', 'programs')})}"


def inspect_execute(name: str, work: Path) -> dict:
    shutil.copytree(FIXTURES_DIR / name, work, ignore=shutil.ignore_patterns("requirements.txt"))
    proc = subprocess.run([sys.executable, "-m", "jupyterlab_containerize", "inspect", str(work / f"{name}.ipynb"),
                           "--python", str(fixture_venv(FIXTURES_DIR / name)), "--execute", "--json"],
                          cwd=work.parent, env=cli_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_inspect_execute(name: str, tmp_path: Path) -> None:
    spec = inspect_execute(name, tmp_path / name)
    assert_checks(name, spec)
    assert not [p for p in spec["problems"] if p["kind"] in ("cell-error", "record-failed")], spec["problems"]


@pytest.fixture
def jp_environ(jp_environ, monkeypatch):
    """pytest-jupyter points PYTHONPATH at this process's sys.path; kernels from fixture venvs must not see it."""
    monkeypatch.delenv("PYTHONPATH", raising=False)
    return jp_environ


@pytest.mark.parametrize("name", sorted(CHECKS))
async def test_live_kernel_record(name: str, jp_fetch, jp_serverapp, jp_root_dir: Path, jp_kernel_dir: Path) -> None:
    spec_dir = jp_kernel_dir / name
    spec_dir.mkdir(parents=True)
    python = fixture_venv(FIXTURES_DIR / name)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": name, "language": "python"}))
    shutil.copytree(FIXTURES_DIR / name, jp_root_dir / name, ignore=shutil.ignore_patterns("requirements.txt"))
    response = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": name, "path": name}))
    kernel_id = json.loads(response.body)["id"]
    client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        status = await jp_fetch("containerize", "record", method="POST", body=json.dumps({"kernel_id": kernel_id}))
        assert json.loads(status.body)["recording"] is True
        nb = json.loads((jp_root_dir / name / f"{name}.ipynb").read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                reply = await client.execute_interactive(source, timeout=120)
                assert reply["content"]["status"] == "ok", reply["content"]
        counts = json.loads((await jp_fetch("containerize", "record", params={"kernel_id": kernel_id})).body)["counts"]
        assert counts["files"] + counts["commands"] > 0
        response = await jp_fetch("containerize", "inspect", method="POST", body=json.dumps(
            {"path": f"{name}/{name}.ipynb", "kernel_id": kernel_id, "timeout": 60}))
        spec = json.loads(response.body)
        assert spec["source"] == "kernel"
        assert_checks(name, spec)
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")


@pytest.mark.docker
@pytest.mark.parametrize("name", ["helper_script", "system_program"])
def test_build_from_the_recorded_spec(name: str, realworld_docker: str, tmp_path: Path) -> None:
    """The image built from `inspect --execute`'s spec runs every cell with its saved outcome."""
    work = tmp_path / name
    spec = inspect_execute(name, work)
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    proc = subprocess.run([sys.executable, "-m", "jupyterlab_containerize", "build", str(work / f"{name}.ipynb"),
                           "--spec", str(tmp_path / "spec.json"), "--base", realworld_docker,
                           "--tag", f"realworld/{name}:recorded", "--verify", "--verify-timeout", "120", "--json"],
                          cwd=tmp_path, env=cli_env(), capture_output=True, text=True, timeout=900)
    # the CLI numbers cells 1-based among all cells; saved_outcomes keys are 0-based indexes
    verdicts = {int(m.group(1)) - 1: m.group(2) for m in map(VERDICT.match, proc.stderr.splitlines()) if m}
    assert verdicts == saved_outcomes(Fixture(name)), proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
