"""The tag moves only after everything passed; progress, sizes, cell numbers and the printed commands
(fake engine; the real engine's tests are in test_docker_trust.py)."""

from __future__ import annotations

import json
import shlex
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import BuildCancelled, VerifyFailed
from jupyterlab_containerize.layout import OUT
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.publish import kept_of, staging_tag
from jupyterlab_containerize.pipeline.result import run_command, size_text
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.redact import redact

from .fakes import FakeEngine

BASE = "localhost/containerize-test/python:3.11"


def verify_files(notebook: Path, *statuses: str) -> dict[str, bytes]:
    cells = json.loads(notebook.read_text())["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    records = [{"index": i, "status": s, "error": {"ename": "FileNotFoundError", "evalue": "data.csv"}
                if s == "failed" else None} for i, s in zip(code, statuses)]
    return {f"{OUT}/verify-report.json": json.dumps({"python": "3.11.2", "cells": records}).encode(),
            f"{OUT}/hello.ipynb": notebook.read_bytes()}


def build(spec, notebook: Path, tmp_path: Path, engine: FakeEngine, cancel=None, **options):
    events: list[tuple] = []
    request = BuildRequest(notebook, BuildOptions(base_image=BASE, tag="hello:1", **options), spec)
    result = run_pipeline(request, engine,
                          lambda kind, message, step=None, total=None, data=None:
                          events.append((kind, message, step, total, data)),
                          cancel or threading.Event(), tmp_path).to_dict()
    return result, events


def test_staging_names():
    assert staging_tag("hello:1") == "hello:1-unverified"
    assert staging_tag("127.0.0.1:5000/team/hello") == "127.0.0.1:5000/team/hello:latest-unverified"
    assert len(staging_tag("a:" + "x" * 128).split(":")[1]) == 128


def test_the_tag_moves_only_after_verify_passed(hello_spec, hello_dir, tmp_path):
    notebook = hello_dir / "hello.ipynb"
    engine = FakeEngine()
    engine.container_files |= verify_files(notebook, "passed", "passed", "passed", "passed")
    result, events = build(hello_spec, notebook, tmp_path, engine, verify=True)
    assert engine.built[0][1] == "hello:1-unverified"  # built under the staging name
    assert engine.runs[-1]["image"] == "hello:1-unverified"  # verified there
    assert engine.tags == {"hello:1": "sha256:feed"}  # then tagged, the staging name removed
    assert result["tag"] == "hello:1" and result["size_text"] == "123 MB"
    assert events[-1][1] == "Built hello:1 (123 MB)"


def test_a_failed_verify_keeps_the_tag_and_says_where_the_new_image_is(hello_spec, hello_dir, tmp_path):
    notebook = hello_dir / "hello.ipynb"
    engine = FakeEngine()
    engine.container_files |= verify_files(notebook, "passed", "failed", "not-run", "not-run")
    with pytest.raises(VerifyFailed) as caught:
        build(hello_spec, notebook, tmp_path, engine, verify=True)
    assert engine.tags == {}  # hello:1 never moved
    kept = kept_of(caught.value)
    assert kept["kept_image"] == "hello:1-unverified" and kept["kept_image_id"] == "sha256:feed"
    assert "hello:1-unverified" in caught.value.hint and "still names" in caught.value.hint
    assert "cell 3 failed" in caught.value.message  # 1-based among all cells: the markdown cell is 1


def test_a_cancel_during_verify_keeps_the_tag(hello_spec, hello_dir, tmp_path):
    notebook = hello_dir / "hello.ipynb"
    cancel = threading.Event()

    class CancelledInVerify(FakeEngine):
        def run(self, *args, **kwargs):
            cancel.set()
            raise BuildCancelled("Cancelled while the container ran.")

    engine = CancelledInVerify()
    with pytest.raises(BuildCancelled) as caught:
        build(hello_spec, notebook, tmp_path, engine, cancel=cancel, verify=True)
    assert engine.tags == {} and kept_of(caught.value)["kept_image"] == "hello:1-unverified"


def test_progress_is_one_numbering_across_phases(hello_spec, hello_dir, tmp_path):
    notebook = hello_dir / "hello.ipynb"
    engine = FakeEngine()
    engine.container_files |= verify_files(notebook, "passed", "passed", "passed", "passed")
    result, events = build(hello_spec, notebook, tmp_path / "w", engine, verify=True, push=True,
                           export=str(tmp_path / "x.tar"))
    stamped = [e[4]["progress"] for e in events if e[4] and "progress" in e[4]]
    assert {p["phase"] for p in stamped} == {"environment", "notebook", "verify", "push"}
    assert len({p["total"] for p in stamped}) == 1
    assert [p["step"] for p in stamped] == sorted(p["step"] for p in stamped)
    assert stamped[-1]["step"] == stamped[-1]["total"] == result["progress_plan"]["total"]
    verdicts = [e for e in events if e[0] == "verify"]
    assert [e[4]["cell"] for e in verdicts] == [2, 3, 4, 5] and verdicts[0][1].startswith("cell 2:")


def test_sizes_are_written_one_way():
    assert [size_text(n) for n in (0, 999, 1500, 726_000_000, 1_234_000_000)] == \
        ["0 B", "999 B", "1.5 kB", "726 MB", "1.2 GB"]


@pytest.mark.parametrize("target", ["notebook", "batch", "serve"])
def test_printed_commands_hold_no_secret_and_survive_redaction(target):
    command = run_command("hello:1", target, ["--gpus", "all"], {"alpha": 0.5, "name": "it's"})
    assert "***" not in command and redact(command) == command
    shlex.split(command)  # well-formed for a POSIX shell
    if target == "notebook":
        assert '"${JUPYTER_TOKEN:?' in command  # the shell refuses to run it until the token is set
    if target == "batch":
        assert "-p alpha 0.5 -p name " in command and "NAME VALUE" not in command
        assert command.startswith('mkdir -p "$PWD/out" && ')


def test_redaction_leaves_variable_references_alone():
    assert redact("-e JUPYTER_TOKEN=$JUPYTER_TOKEN") == "-e JUPYTER_TOKEN=$JUPYTER_TOKEN"
    assert redact("token=abc123") == "token=***"


def test_records_carry_progress_and_the_kept_image(hello_spec, hello_dir, tmp_path):
    from jupyterlab_containerize.pipeline import BuildManager

    notebook = hello_dir / "hello.ipynb"
    good, bad = FakeEngine(), FakeEngine()
    good.container_files |= verify_files(notebook, "passed", "passed", "passed", "passed")
    bad.container_files |= verify_files(notebook, "passed", "failed", "not-run", "not-run")
    options = BuildOptions(base_image=BASE, tag="hello:1", verify=True)
    for engine, status in ((good, "succeeded"), (bad, "failed")):
        manager = BuildManager(tmp_path / status, engine_factory=lambda engine=engine: engine)
        record = manager.wait(manager.submit(notebook, options, hello_spec).id, 30)
        assert record.status == status
        view = manager.view(record.id)
        stamped = [e for e in view["events"] if e["kind"] in ("step", "verify", "done")]
        assert stamped and all(set(e["progress"]) == {"phase", "step", "total"} for e in stamped)
        assert all("progress" not in (e.get("data") or {}) for e in view["events"])
    assert view["error"]["kept_image"] == "hello:1-unverified" and view["error"]["tag_image_id"] == "sha256:feed"
    assert view["error"]["code"] == "verify-failed" and "hello:1 still names" in view["error"]["hint"]


def test_the_batch_runtime_knows_the_notebooks_parameters(hello_dir):
    import importlib.util

    import nbformat

    path = Path(__file__).parents[2] / "jupyterlab_containerize" / "render" / "files" / "run_notebook.py"
    spec = importlib.util.spec_from_file_location("run_notebook", path)
    runtime = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(runtime)
    nb = nbformat.read(hello_dir / "hello.ipynb", as_version=4)
    assert runtime.parameter_names(nb) == {"greeting", "repeat"}
    assert runtime.check_parameters(nb, {"repeat": 3}) is None
    assert runtime.check_parameters(nb, {"NAME": "VALUE"}) == (
        "unknown parameter NAME: the notebook's parameters are greeting, repeat")
    nb.cells[1].metadata["tags"] = []
    assert "no cell tagged `parameters`" in runtime.check_parameters(nb, {"repeat": 3})
    nb.cells[1].source = "%matplotlib inline\nalpha: float = 0.5\nbeta=1"
    nb.cells[1].metadata["tags"] = ["parameters"]
    assert runtime.parameter_names(nb) == {"alpha", "beta"}
    assert [runtime.cell_number(i, 2) for i in (0, 1, 3, 4)] == [1, 2, 3, 4]  # the injected cell is none


def test_a_failed_push_puts_the_tag_back(hello_spec, hello_dir, tmp_path):
    from jupyterlab_containerize.errors import PushFailed

    class Refused(FakeEngine):
        def image_info(self, ref):
            info = super().image_info(ref)
            if ref == "hello:1":  # the tag named an older image before this build
                info.id = "sha256:old"
            return info

        def push(self, tag, on_line):
            raise PushFailed(f"Pushing {tag} failed: denied")

    engine = Refused()
    with pytest.raises(PushFailed) as caught:
        build(hello_spec, hello_dir / "hello.ipynb", tmp_path, engine, push=True)
    assert engine.tags == {"hello:1-unverified": "sha256:feed", "hello:1": "sha256:old"}
    assert kept_of(caught.value)["kept_image"] == "hello:1-unverified"
