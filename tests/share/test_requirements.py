"""requirements.txt for Binder: exact pins, rewritten for linux/amd64 without a GPU, validated."""

from __future__ import annotations

import pytest

from jupyterlab_containerize.errors import UnsafeValue
from jupyterlab_containerize.share.requirements import binder_requirements, public_version
from jupyterlab_containerize.validate import safe_requirement

from .conftest import make_spec, pkg


def test_exact_pins_sorted():
    reqs = binder_requirements(make_spec(pkg("six", "1.16.0"), pkg("Attrs", "23.2.0")))
    assert reqs.lines == ["attrs==23.2.0", "six==1.16.0"]
    assert not reqs.dropped and not reqs.relaxed and not reqs.local


def test_gpu_lock_rewritten_for_cpu():
    spec = make_spec(
        pkg("torch", "2.3.1+cu121", ("cuda-local-version",)),
        pkg("torchvision", "0.18.1+cpu", ("cpu-local-version",)),
        pkg("nvidia-cublas-cu12", "12.1.3.1", ("nvidia-wheel",)),
        pkg("nvidia-cudnn-cu12", "8.9.2.26", ("nvidia-wheel",)),
        pkg("appnope", "0.1.4", ("platform-only",)),
        pkg("numpy", "1.26.4"),
        pkg("jax", "0.4.30"),
        pkg("jax-cuda12-plugin", "0.4.30"),
        pkg("jax_cuda12_pjrt", "0.4.30"),
    )
    reqs = binder_requirements(spec)
    assert reqs.lines == ["jax==0.4.30", "numpy==1.26.4", "torch==2.3.1", "torchvision==0.18.1"]
    assert reqs.relaxed == ["torch: 2.3.1+cu121 -> 2.3.1", "torchvision: 0.18.1+cpu -> 0.18.1"]
    assert [d.split(" ")[0] for d in reqs.dropped] == [
        "appnope==0.1.4", "jax_cuda12_pjrt==0.4.30", "jax-cuda12-plugin==0.4.30",
        "nvidia-cublas-cu12==12.1.3.1", "nvidia-cudnn-cu12==8.9.2.26"]
    assert not any("+" in line for line in reqs.lines)


def test_local_and_editable_packages_are_not_index_lines():
    spec = make_spec(pkg("mylib", "0.1", kind="editable", path="/work/repo/mylib"),
                     pkg("other", "1.0", kind="local", path="/elsewhere/other"), pkg("six", "1.16.0"))
    reqs = binder_requirements(spec)
    assert reqs.lines == ["six==1.16.0"]
    assert [p.name for p in reqs.local] == ["mylib", "other"]


def test_vcs_pin_keeps_the_commit():
    vcs = pkg("tool", "0.3", kind="vcs")
    vcs.source.url, vcs.source.vcs, vcs.source.commit = "https://github.com/o/tool", "git", "a" * 40
    assert binder_requirements(make_spec(vcs)).lines == [f"tool @ git+https://github.com/o/tool@{'a' * 40}"]


def test_unpinned_package_stays_a_bare_name():
    assert binder_requirements(make_spec(pkg("six", None))).lines == ["six"]


@pytest.mark.parametrize("bad", ["six==1.0; rm -rf /", "six===", "six==not a version", "../evil"])
def test_invalid_lines_are_refused(bad):
    with pytest.raises(UnsafeValue):
        safe_requirement(bad)


@pytest.mark.parametrize("name,version", [("six; echo", "1.0"), ("six", "1.0\nevil==1")])
def test_unsafe_names_and_versions_never_reach_the_file(name, version):
    with pytest.raises(UnsafeValue):
        binder_requirements(make_spec(pkg(name, version)))


def test_public_version():
    assert public_version("2.3.1+cu121") == "2.3.1"
    assert public_version("1.0") == "1.0"
