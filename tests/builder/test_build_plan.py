"""One build plan (pipeline/plan.py): the server's build and the portable context (`--context-only`,
the panel's download) make the same plan for the same spec and options, so they cannot drift."""

from __future__ import annotations

import threading

import pytest

from jupyterlab_containerize.errors import PythonMismatch
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.plan import TRANSFORMS, make_plan
from jupyterlab_containerize.pipeline.portable import render_portable_context
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.render.build_only import FOLDER
from jupyterlab_containerize.spec import Package

from .fakes import FakeEngine

TEST_BASE = "localhost/containerize-test/python:3.11"
CASES = [
    {"base_image": TEST_BASE, "target": "batch"},
    # the GPU plan's base, its CUDA env and a user's extra index beside it
    {"gpu": "cuda:12.1", "extra_index_url": "https://pypi.example/simple", "target": "serve"},
    # a --base that replaces the GPU plan's: the same warning both ways
    {"gpu": "cuda", "base_image": TEST_BASE, "cpu_wheels": True},
]


def test_the_transforms_in_their_order():
    assert [t.name for t in TRANSFORMS] == [
        "gpu", "warnings", "base", "indexes", "host-settings", "base-python", "python"]


@pytest.mark.parametrize("options", CASES)
def test_the_server_build_and_the_portable_context_make_the_same_plan(hello_spec, options):
    built = make_plan(hello_spec, BuildOptions(**options), engine=FakeEngine())
    portable = make_plan(hello_spec, BuildOptions(**options))
    assert portable.spec.to_dict() == built.spec.to_dict()
    assert portable.options == built.options and portable.gpu == built.gpu
    assert portable.gpu_warnings == built.gpu_warnings
    # only the engine's answers differ: no engine, no base to ask its Python
    assert built.base_python == "3.11.2" and portable.base_python is None
    assert built.repins == portable.repins == {}


@pytest.mark.parametrize("options", CASES)
def test_the_downloaded_context_installs_what_the_build_installs(hello_spec, hello_dir, tmp_path, options):
    engine = FakeEngine()
    result = run_pipeline(BuildRequest(hello_dir / "hello.ipynb", BuildOptions(**options), hello_spec), engine,
                          lambda *a, **k: None, threading.Event(), tmp_path / "build").to_dict()
    portable = render_portable_context(hello_spec, hello_dir / "hello.ipynb", BuildOptions(**options),
                                       tmp_path / "portable")
    built = tmp_path / "build" / "context"
    for name in ("requirements.txt", "install.sh"):
        assert (built / FOLDER / name).read_text() == (portable.context.directory / FOLDER / name).read_text()
    assert portable.context.base_image == result["base_image"]
    assert portable.warnings == result["warnings"] and portable.gpu_reason == result["gpu"]["reason"]
    from_line = next(line for line in portable.context.dockerfile.splitlines() if line.startswith("FROM"))
    assert from_line in (built / "Dockerfile.portable").read_text()


def test_a_context_that_leaves_the_machine_keeps_the_gpu_index_and_no_host_setting(hello_spec):
    hello_spec.packages.append(Package("torch", "2.3.1"))  # PyTorch's CPU wheels: an index of the GPU plan's
    options = BuildOptions(gpu="none", cpu_wheels=True, extra_index_url="https://user:pw@pypi.example/simple",
                           index_url="https://user:pw@pypi.example/main", ca_bundle="/etc/ssl/ca.pem", keep_ca=True)
    plan = make_plan(hello_spec, options, host_settings=False)
    assert plan.options.index_url is None and plan.options.ca_bundle is None
    assert not (plan.options.use_host_ca or plan.options.keep_ca or plan.options.proxy)
    assert plan.gpu.extra_index_urls and plan.options.extra_index_url == " ".join(plan.gpu.extra_index_urls)
    assert "pypi.example" not in (plan.options.extra_index_url or "") and plan.environ == {}
    kept = make_plan(hello_spec, options)
    assert kept.options.extra_index_url == " ".join(["https://user:pw@pypi.example/simple", *kept.gpu.extra_index_urls])
    assert kept.options.index_url == options.index_url and kept.environ is None


def test_the_plan_leaves_the_callers_spec_alone(hello_spec):
    before = hello_spec.to_dict()
    plan = make_plan(hello_spec, BuildOptions(gpu="cuda:12.1"), engine=FakeEngine())
    assert hello_spec.to_dict() == before and plan.spec is not hello_spec


def test_without_an_engine_the_base_is_not_checked(hello_spec, monkeypatch):
    """A portable context is built elsewhere, on whatever the base is there: no pull, no Python asked,
    no pin re-resolved (as before the plan was one)."""
    from jupyterlab_containerize.pipeline import plan as plan_module

    monkeypatch.setattr(plan_module, "newest_fitting", lambda names, python: {})
    hello_spec.python.version = "3.11.7"
    hello_spec.packages.append(Package("soupsieve", "4.1.1", requires_python=">=3.11.5"))
    options = BuildOptions(base_image="localhost/elsewhere/python:3.11")
    with pytest.raises(PythonMismatch):
        make_plan(hello_spec, options, engine=FakeEngine(python="3.11.2"))
    plan = make_plan(hello_spec, options)
    assert plan.base_image == "localhost/elsewhere/python:3.11" and plan.base_python is None and plan.repins == {}
