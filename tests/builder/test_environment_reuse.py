"""Reusing an environment image that holds a lock, on a fake engine: the labels an environment image
gets, the lookup (smallest superset, same base, same versions), and the pipeline's choice."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.builder.engine import ImageInfo
from jupyterlab_containerize.builder.environment_check import CHECK_KEY_LABEL, CHECK_LABEL
from jupyterlab_containerize.builder.environment_reuse import (
    BASE_LABEL,
    DEPTH_LABEL,
    ENV_LABEL,
    MAX_DEPTH,
    PARENT_LABEL,
    PINS_LABEL,
    REPOSITORY,
    EnvironmentNeeds,
    Extendable,
    environment_labels,
    extra_if_fits,
    find_extendable,
    find_reusable,
    needs_of,
)
from jupyterlab_containerize.layout import SBOM_PATH
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.spec import Package

from .fakes import FakeEngine

BASE_ID = "sha256:feed"  # what FakeEngine.image_info answers for every image


def sbom(*pins: str) -> bytes:
    return json.dumps({"components": [{"name": p.split("==")[0], "version": p.split("==")[1]}
                                      for p in pins]}).encode()


def image(key: str, *pins: str, **labels: str) -> ImageInfo:
    """An environment image, tagged localhost/containerize-env:KEY as the builds tag them."""
    needs = EnvironmentNeeds(apt=labels.pop("apt", "").split(), kernels=labels.pop("kernels", "").split())
    all_labels = {ENV_LABEL: key, **environment_labels(needs, labels.pop("base", BASE_ID), {SBOM_PATH: sbom(*pins)}),
                  CHECK_LABEL: "0" * 64, CHECK_KEY_LABEL: key, **labels}  # checked when made (environment_check.py)
    return ImageInfo(id=key, size=1, labels=all_labels, tags=[f"{REPOSITORY}:{key}"])


def needs(*pins: str, **kwargs) -> EnvironmentNeeds:
    return EnvironmentNeeds(requirements={p.split("==")[0]: (p.split("==") + [None])[1] for p in pins}, **kwargs)


def test_labels_hold_the_installed_pins_from_the_sbom():
    labels = environment_labels(EnvironmentNeeds(apt=["git"]), BASE_ID,
                                {SBOM_PATH: sbom("Six==1.16.0", "attrs==23.2.0")})
    assert labels[PINS_LABEL] == "attrs==23.2.0 six==1.16.0"
    assert labels[BASE_LABEL] == BASE_ID and labels["io.jupyter.containerize.environment.apt"] == "git"
    assert len(labels["io.jupyter.containerize.environment.pins.sha256"]) == 64
    assert labels["io.jupyter.containerize.environment.reusable"] == "1"
    no_sbom = environment_labels(EnvironmentNeeds(), BASE_ID, {})
    assert no_sbom["io.jupyter.containerize.environment.reusable"] == "0"


@pytest.mark.parametrize("candidate, wanted, fits", [
    (image("e", "six==1.16.0", "attrs==23.2.0"), needs("six==1.16.0"), 1),
    (image("e", "six==1.16.0"), needs("six==1.16.0", "attrs==23.2.0"), None),  # lacks one
    (image("e", "six==1.17.0"), needs("six==1.16.0"), None),  # another version
    (image("e", "six==1.16"), needs("six==1.16.0"), 0),  # the same version, written otherwise
    (image("e", "jupyterlab==4.2.0"), needs("jupyterlab"), 0),  # the runtime, any version
    (image("e", "six==1.16.0", base="sha256:other"), needs("six==1.16.0"), None),
    (image("e", "six==1.16.0"), needs("six==1.16.0", apt=["git"]), None),
    (image("e", "six==1.16.0", apt="git curl"), needs("six==1.16.0", apt=["git"]), 0),
    (image("e", "six==1.16.0"), needs("six==1.16.0", kernels=["py-x"]), None),
    (image("e", "six==1.16.0"), needs("six==1.16.0", keep_ca=True), None),
    (image("e", "six==1.16.0"), needs("six==1.16.0", index="a1b2"), None),  # installed from another index
    (image("e", "six==1.16.0", **{"io.jupyter.containerize.environment.format": "0"}), needs("six==1.16.0"), None),
    (image("e", "six==1.16.0", "tornado==6.4"), needs("six==1.16.0", constraints={"tornado": "6.3"}), None),
    (image("e", "six==1.16.0"), needs("six==1.16.0", constraints={"tornado": "6.3"}), 0),
])
def test_an_image_fits_when_it_holds_every_need_at_the_same_version(candidate, wanted, fits):
    assert extra_if_fits(candidate, wanted, BASE_ID) == fits


def test_the_smallest_fitting_image_is_chosen():
    engine = FakeEngine()
    for candidate in (image("big", "six==1.16.0", "attrs==23.2.0", "numpy==1.26.4"),
                      image("small", "six==1.16.0", "attrs==23.2.0"), image("other", "six==1.17.0")):
        engine.image_labels[candidate.tags[0]] = candidate.labels
    # a notebook image built FROM an environment inherits its labels: never a candidate itself
    engine.image_labels["hello:batch"] = image("tiny", "six==1.16.0").labels
    found = find_reusable(engine, needs("six==1.16.0"), BASE_ID)
    assert found is not None and (found.tag, found.extra) == (f"{REPOSITORY}:small", 1)
    assert find_reusable(engine, needs("six==1.16.0", reusable=False), BASE_ID) is None


def test_needs_come_from_the_rendered_requirement_files(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("six==1.16.0\nattrs==23.2.0\n")
    (tmp_path / "runtime-requirements.txt").write_text("jupyterlab\nipykernel==6.29.5\n")
    (tmp_path / "runtime-constraints.txt").write_text("tornado==6.4\n")
    found = needs_of(tmp_path, ["git"], keep_ca=False)
    assert found.requirements == {"six": "1.16.0", "attrs": "23.2.0", "jupyterlab": None, "ipykernel": "6.29.5"}
    assert found.constraints == {"tornado": "6.4"} and found.apt == ["git"] and found.reusable
    assert found.index == ""
    (tmp_path / "extra-index-url").write_text("https://download.pytorch.org/whl/cpu")
    assert len(needs_of(tmp_path, [], keep_ca=False).index) == 16
    (tmp_path / "requirements.txt").write_text("tool @ https://example.org/tool-1.0.tar.gz\n")
    assert not needs_of(tmp_path, [], keep_ca=False).reusable  # a version does not name a URL's content
    (tmp_path / "requirements.txt").write_text("six==1.16.0\n")
    (tmp_path / "local" / "mypkg").mkdir(parents=True)
    assert not needs_of(tmp_path, [], keep_ca=False).reusable


def build(engine, spec, notebook: Path, workdir: Path, **options):
    events: list[tuple] = []
    options.setdefault("base_image", "localhost/containerize-test/python:3.11")
    result = run_pipeline(BuildRequest(notebook, BuildOptions(target="batch", **options), spec), engine,
                          lambda kind, message, step=None, total=None, data=None: events.append((kind, message)),
                          threading.Event(), workdir).to_dict()
    return result, events


def test_a_smaller_lock_is_built_from_the_environment_that_holds_it(hello_spec, hello_dir, tmp_path):
    engine = FakeEngine()
    bigger = hello_spec.from_dict(hello_spec.to_dict())
    bigger.packages.append(Package("numpy", "1.26.4"))
    installed = [f"{p.name}=={p.version}" for p in bigger.packages]
    engine.container_files[SBOM_PATH] = sbom(*installed, "ipykernel==6.29.5", "nbclient==0.10.0",
                                             "nbformat==5.10.4")
    first, _ = build(engine, bigger, hello_dir / "hello.ipynb", tmp_path / "a")
    assert first["environment"]["how"] == "built" and len(engine.committed) == 1
    second, events = build(engine, hello_spec, hello_dir / "hello.ipynb", tmp_path / "b")
    assert second["environment"] == {"image": first["environment_image"], "how": "reused", "extra": 1,
                                     "parent": None}
    assert len(engine.committed) == 1  # no environment was built
    assert not any(kind == "step" and message.startswith("environment:") for kind, message in events)
    assert any("Reusing the environment image" in message for _, message in events)
    minimal, _ = build(engine, hello_spec, hello_dir / "hello.ipynb", tmp_path / "c", environment="minimal")
    assert minimal["environment"]["how"] == "built" and len(engine.committed) == 2


def test_repair_and_no_cache_never_reuse(hello_spec, hello_dir, tmp_path):
    engine = FakeEngine()
    bigger = hello_spec.from_dict(hello_spec.to_dict())
    bigger.packages.append(Package("numpy", "1.26.4"))
    engine.container_files[SBOM_PATH] = sbom(*[f"{p.name}=={p.version}" for p in bigger.packages],
                                             "ipykernel==6.29.5", "nbclient==0.10.0", "nbformat==5.10.4")
    build(engine, bigger, hello_dir / "hello.ipynb", tmp_path / "a")
    repair, _ = build(engine, hello_spec, hello_dir / "hello.ipynb", tmp_path / "b", repair=True)
    assert repair["environment"]["how"] == "built"  # its own lock: the verify oracle must see what is missing
    no_cache, _ = build(engine, hello_spec, hello_dir / "hello.ipynb", tmp_path / "c", no_cache=True)
    assert no_cache["environment"]["how"] == "built" and len(engine.committed) == 3  # again, from nothing


def test_the_image_holding_most_of_the_lock_is_extended():
    engine = FakeEngine()
    for candidate in (image("half", "six==1.16.0", "numpy==1.26.4"),
                      image("most", "six==1.16.0", "attrs==23.2.0", "numpy==1.26.4", "tornado==6.4"),
                      image("conflicting", "six==1.16.0", "attrs==23.2.0", "pandas==1.5.3", "numpy==1.26.4"),
                      image("deep", "six==1.16.0", "attrs==23.2.0", "numpy==1.26.4",
                            **{DEPTH_LABEL: str(MAX_DEPTH)})):
        engine.image_labels[candidate.tags[0]] = candidate.labels
    wanted = needs("six==1.16.0", "attrs==23.2.0", "numpy==1.26.4", "pandas==2.1.4")
    found = find_extendable(engine, wanted, BASE_ID)
    assert found is not None and (found.tag, found.covered) == (f"{REPOSITORY}:most", 3)
    assert find_extendable(engine, needs("six==1.16.0", "a==1", "b==1", "c==1", "d==1"), BASE_ID) is None  # < half


def test_an_extended_image_holds_its_parents_apt_and_kernels_and_counts_its_depth():
    parent = image("p", "six==1.16.0", apt="git", kernels="py-a")
    labels = environment_labels(EnvironmentNeeds(apt=["curl"], kernels=["py-b"]), BASE_ID,
                                {SBOM_PATH: sbom("six==1.16.0", "attrs==23.2.0")},
                                Extendable("p", "sha256:p", 1, parent.labels))
    assert labels["io.jupyter.containerize.environment.apt"] == "curl git"
    assert labels["io.jupyter.containerize.environment.kernels"] == "py-a py-b"
    assert (labels[PARENT_LABEL], labels[DEPTH_LABEL]) == ("p", "2")


def test_a_bigger_lock_is_installed_on_top_of_the_environment_holding_most_of_it(hello_spec, hello_dir, tmp_path):
    engine = FakeEngine()
    installed = [f"{p.name}=={p.version}" for p in hello_spec.packages]
    engine.container_files[SBOM_PATH] = sbom(*installed, "ipykernel==6.29.5", "nbclient==0.10.0", "nbformat==5.10.4")
    first, _ = build(engine, hello_spec, hello_dir / "hello.ipynb", tmp_path / "a")
    bigger = hello_spec.from_dict(hello_spec.to_dict())
    bigger.packages.append(Package("numpy", "1.26.4"))
    engine.container_files[SBOM_PATH] = sbom(*installed, "numpy==1.26.4", "ipykernel==6.29.5", "nbclient==0.10.0",
                                             "nbformat==5.10.4")
    second, events = build(engine, bigger, hello_dir / "hello.ipynb", tmp_path / "b")
    assert second["environment"]["how"] == "extended" and second["environment"]["parent"] == first["environment_image"]
    assert engine.commit_bases == ["localhost/containerize-test/python:3.11", first["environment_image"]]
    assert engine.image_labels[second["environment_image"]][PARENT_LABEL] == first["environment_image"]
    minimal, _ = build(engine, bigger, hello_dir / "hello.ipynb", tmp_path / "c", environment="minimal")
    assert minimal["environment"]["how"] == "built" and minimal["environment_image"] != second["environment_image"]
    assert engine.commit_bases[-1] == "localhost/containerize-test/python:3.11"
