"""The pipeline on a fake engine: events, the Python check before the build, repin, push, export."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import PinInstallFailed, PythonMismatch
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline import plan as pipeline
from jupyterlab_containerize.pipeline.run import BuildRequest, default_tag, run_pipeline
from jupyterlab_containerize.spec import Package

from .fakes import FakeEngine


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def __call__(self, kind, message, step=None, total=None, data=None) -> None:
        self.events.append((kind, message, step, total))


def run(spec, hello_dir: Path, tmp_path: Path, engine=None, **options):
    engine = engine or FakeEngine()
    emit = Recorder()
    options.setdefault("base_image", "localhost/containerize-test/python:3.11")
    request = BuildRequest(hello_dir / "hello.ipynb", BuildOptions(**options), spec)
    result = run_pipeline(request, engine, emit, threading.Event(), tmp_path).to_dict()
    return result, emit, engine


def test_build_emits_steps_and_done_with_a_result(hello_spec, hello_dir, tmp_path):
    result, emit, _ = run(hello_spec, hello_dir, tmp_path, target="batch")
    steps = [(s, t) for kind, _, s, t in emit.events if kind == "step"]
    # one numbering for the whole build: the environment's phases, then the Dockerfile's steps after them
    total = steps[0][1]
    assert all(t == total for _, t in steps) and [s for s, _ in steps] == sorted(s for s, _ in steps)
    phases = result["progress_plan"]["phases"]
    assert total == result["progress_plan"]["total"] == sum(phases.values())
    assert steps[-3:] == [(phases["environment"] + n, total) for n in (1, 2, 3)]  # Docker's Step n/3
    assert emit.events[-1][0] == "done"
    assert result["tag"] == "hello:batch" and result["image_id"] == "sha256:feed"
    assert result["size"] == 123_000_000 and "docker run" in result["run_command"]


def test_python_mismatch_stops_before_the_build(hello_spec, hello_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "newest_fitting", lambda names, py: {"soupsieve": "2.10"})
    hello_spec.python.version = "3.11.7"
    hello_spec.packages.append(Package("soupsieve", "4.1.1", requires_python=">=3.11.5"))
    engine = FakeEngine(python="3.11.2")
    with pytest.raises(PythonMismatch) as caught:
        run(hello_spec, hello_dir, tmp_path, engine=engine)
    assert engine.built == []
    assert "soupsieve==4.1.1" in caught.value.message and "--repin" in caught.value.cli_hint
    assert [a.id for a in caught.value.actions] == ["repin", "matching-base"]


def test_python_mismatch_offers_an_image_the_engine_has(hello_spec, hello_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "newest_fitting", lambda names, py: {})
    hello_spec.python.version = "3.11.7"
    hello_spec.packages.append(Package("soupsieve", "4.1.1", requires_python=">=3.11.5"))
    engine = FakeEngine(python="3.11.2")
    engine.pythons = {"localhost/team/python:3.11": "3.11.8", "localhost/old/python:3.10": "3.10.4",
                      "localhost/other:latest": "3.11.8"}  # no "python" in its name: never probed
    with pytest.raises(PythonMismatch) as caught:
        run(hello_spec, hello_dir, tmp_path, engine=engine, base_image="localhost/base:1")
    assert [(a.id, a.cli) for a in caught.value.actions] == [
        ("matching-base", "--base python:3.11.7-slim"), ("local-image", "--base localhost/team/python:3.11")]


def test_repin_resolves_the_refusing_pins(hello_spec, hello_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "newest_fitting", lambda names, py: {"soupsieve": "2.10"})
    hello_spec.python.version = "3.11.7"
    hello_spec.packages.append(Package("soupsieve", "4.1.1", requires_python=">=3.11.5"))
    result, emit, engine = run(hello_spec, hello_dir, tmp_path, repin=True)
    context = engine.built[0][0]
    assert "soupsieve==2.10" in (context / ".containerize-build" / "requirements.txt").read_text()
    assert any("re-pinned soupsieve 4.1.1 -> 2.10" in e[1] for e in emit.events)


def test_push_and_export(hello_spec, hello_dir, tmp_path):
    tar = tmp_path / "image.tar"
    result, _, _ = run(hello_spec, hello_dir, tmp_path / "w", tag="127.0.0.1:5000/hello:1",
                       push=True, export=str(tar))
    assert result["digest"].startswith("127.0.0.1:5000/hello@sha256:")
    assert tar.read_bytes() == b"tar" and result["export"] == str(tar)


def test_install_error_in_the_log_names_the_pin(hello_spec, hello_dir, tmp_path):
    log = [{"stream": "Step 6/22 : RUN . /tmp/containerize-build/env.sh && uv pip install\n"},
           {"stream": "  × No solution found when resolving dependencies:\n"},
           {"stream": "  ╰─▶ Because there is no version of six==1.16.0 we can conclude...\n"},
           {"error": "The command '/bin/sh -c ...' returned a non-zero code: 1"}]
    with pytest.raises(PinInstallFailed) as caught:
        run(hello_spec, hello_dir, tmp_path, engine=FakeEngine(log=log))
    assert "six==1.16.0" in caught.value.message


def test_default_tag_is_a_valid_reference():
    assert default_tag(Path("My Analysis (v2).ipynb"), "notebook") == "my-analysis-v2:notebook"
    assert default_tag(Path("___.ipynb"), "batch") == "notebook:batch"


def test_environment_image_is_reused_when_nothing_it_depends_on_changed(
        hello_spec, hello_dir, tmp_path):
    engine = FakeEngine()
    first, _, _ = run(hello_spec, hello_dir, tmp_path / "a", engine=engine)
    second, emit, _ = run(hello_spec, hello_dir, tmp_path / "b", engine=engine)
    assert first["environment_image"] == second["environment_image"]
    assert len(engine.committed) == 1
    assert any("is up to date" in e[1] for e in emit.events)


def test_failed_install_names_the_pin(hello_spec, hello_dir, tmp_path):
    engine = FakeEngine()
    engine.install_code = 1
    engine.install_log = [
        {"stream": "containerize-step: uv pip install: the lock and the runtime\n"},
        {"stream": "  × No solution found when resolving dependencies:\n"},
        {"stream": "  ╰─▶ Because there is no version of attrs==23.2.0 and you require it\n"}]
    with pytest.raises(PinInstallFailed) as caught:
        run(hello_spec, hello_dir, tmp_path, engine=engine)
    assert "attrs==23.2.0" in caught.value.message and "No solution found" in caught.value.message


def test_a_base_that_cannot_be_pulled_offers_the_images_here(hello_spec, hello_dir, tmp_path):
    from jupyterlab_containerize.errors import BaseImageNotFound

    class NoPull(FakeEngine):
        def ensure_image(self, ref, on_line):
            raise BaseImageNotFound(f"The base image {ref} is not here and could not be pulled: no network")

    engine = NoPull(python="3.11.2")
    engine.pythons = {"localhost/containerize-test/python:3.11": "3.11.2"}
    hello_spec.python.version = "3.11.2"
    with pytest.raises(BaseImageNotFound) as caught:
        run(hello_spec, hello_dir, tmp_path, engine=engine, base_image="python:3.11-slim")
    assert [a.to_dict() for a in caught.value.actions] == [{
        "id": "local-image", "label": "Build on localhost/containerize-test/python:3.11 (here already, Python 3.11.2)",
        "options_patch": {"base_image": "localhost/containerize-test/python:3.11"},
        "cli": "--base localhost/containerize-test/python:3.11"}]
    assert "--" not in caught.value.hint and "--base" in caught.value.cli_hint
