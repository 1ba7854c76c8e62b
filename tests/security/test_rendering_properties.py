"""Property tests: any string in any spec field or build option is either refused with a typed
error, or every rendered file keeps the shape a benign value gives it."""

from __future__ import annotations

import atexit
import json
import shlex
import shutil
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jupyterlab_containerize import validate
from jupyterlab_containerize.errors import ImageNotPinned
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.result import run_command
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.render.context import use_environment_image
from jupyterlab_containerize.render.install_script import InstallPlan, render_install_script, render_user_script
from jupyterlab_containerize.render.quoting import (
    dockerfile_copy_form,
    dockerfile_exec_form,
    dockerfile_value,
    shell_dquote,
    shell_word,
)
from jupyterlab_containerize.render.requirements import requirement_line
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.share.binder_files import plan_binder
from jupyterlab_containerize.share.image import render_binder_dockerfile
from jupyterlab_containerize.spec import (
    EnvironmentSpec,
    InstallCommand,
    LocalModule,
    Package,
    PackageSource,
    PythonInfo,
)

from .hostile import (
    FAST,
    REFUSED,
    SLOW,
    docker_word,
    dockerfile_shape,
    hostile_text,
    requirements_shape,
    script_shape,
    unquote_double,
)

BASE = "localhost/containerize-test/python:3.11"
SCRIPTS = ("install.sh", "install-user.sh", "env.sh")
REQUIREMENTS = ("requirements.txt", "runtime-requirements.txt", "runtime-constraints.txt")
# One project for every example: a notebook, a data file, a module and a CA bundle.
PROJECT = Path(tempfile.mkdtemp(prefix="containerize-security-")) / "a" / "b" / "project"
atexit.register(shutil.rmtree, PROJECT.parents[2], ignore_errors=True)
NOTEBOOK = PROJECT / "nb.ipynb"

Setter = Callable[[EnvironmentSpec, dict, dict, str], None]


def _package(**fields: Any) -> Setter:
    def put(spec: EnvironmentSpec, options: dict, environ: dict, value: str) -> None:
        values = {k: value if v is None else v for k, v in fields.items()}
        source = PackageSource(**{k[7:]: v for k, v in values.items() if k.startswith("source_")})
        spec.packages.append(Package(name=values.get("name", "benign"), version=values.get("version", "1.0"),
                                     requires_python=values.get("requires_python"), source=source))
    return put


def _frontend(name: Any, version: Any) -> Setter:
    def put(spec: EnvironmentSpec, options: dict, environ: dict, value: str) -> None:
        spec.frontend_packages.append(Package(name=value if name is None else name,
                                              version=value if version is None else version))
    return put


def _option(key: str, as_list: bool = False) -> Setter:
    def put(spec: EnvironmentSpec, options: dict, environ: dict, value: str) -> None:
        options[key] = [value] if as_list else value
    return put


def _environ(key: str) -> Setter:
    def put(spec: EnvironmentSpec, options: dict, environ: dict, value: str) -> None:
        environ[key] = value
    return put


# field -> (where the value goes, the benign values whose renderings are the accepted shapes)
FIELDS: dict[str, tuple[Setter, list[str]]] = {
    "package.name": (_package(name=None), ["benign-pkg"]),
    "package.version": (_package(version=None), ["1.0", ""]),
    "package.requires_python": (_package(requires_python=None), [">=3.8"]),
    "package.source.url": (_package(source_kind="url", source_url=None), ["https://example.com/p.whl", ""]),
    "package.source.vcs": (_package(source_kind="vcs", source_url="https://example.com/r.git", source_vcs=None),
                           ["git"]),
    "package.source.commit": (_package(source_kind="vcs", source_url="https://example.com/r.git",
                                       source_commit=None), ["abc123", ""]),
    "frontend.name": (_frontend(None, "1.0"), ["benign-front"]),
    "frontend.version": (_frontend("ipykernel", None), ["6.29.5", ""]),
    "apt_packages": (lambda s, o, e, v: s.apt_packages.append(v), ["curl"]),
    "env.key": (lambda s, o, e, v: s.env.update({v: "1"}), ["BENIGN_KEY"]),
    "env.value": (lambda s, o, e, v: s.env.update({"BENIGN_KEY": v}), ["a benign value"]),
    "files": (lambda s, o, e, v: s.files.append(v), ["missing.csv", "data.csv"]),
    "local_modules.path": (lambda s, o, e, v: s.local_modules.append(LocalModule("helper", v)),
                           ["missing.py", "helper.py"]),
    "install_commands": (lambda s, o, e, v: s.install_commands.append(InstallCommand(1, "pip", [v], v)),
                         ["six"]),
    "notebook.kernel_name": (lambda s, o, e, v: setattr(s.notebook, "kernel_name", v), ["my-env", "python3"]),
    "notebook.path": (lambda s, o, e, v: setattr(s.notebook, "path", v), ["nb.ipynb"]),
    "python.version": (lambda s, o, e, v: setattr(s.python, "version", v), ["3.11.2", ""]),
    "options.tag": (_option("tag"), ["benign/tag:1"]),
    "options.base_image": (_option("base_image"), [BASE]),
    "options.target": (_option("target"), ["notebook"]),
    "options.python": (_option("python"), ["/usr/bin/python3"]),
    "options.gpu": (_option("gpu"), ["none"]),
    "options.export": (_option("export"), ["image.tar"]),
    "options.index_url": (_option("index_url"), ["https://me:pw@pypi.example.com/simple"]),
    "options.extra_index_url": (_option("extra_index_url"), ["https://a.example/simple https://b.example/s"]),
    "options.include": (_option("include", as_list=True), ["missing.csv", "data.csv"]),
    "options.ca_bundle": (_option("ca_bundle"), [str(PROJECT / "ca.pem"), ""]),
    "host.HTTPS_PROXY": (_environ("HTTPS_PROXY"), ["http://user:pw@proxy:3128", ""]),
    "host.PIP_INDEX_URL": (_environ("PIP_INDEX_URL"), ["https://pypi.example.com/simple", ""]),
}


def _project() -> None:
    if NOTEBOOK.exists():
        return
    PROJECT.mkdir(parents=True)
    NOTEBOOK.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}))
    (PROJECT / "data.csv").write_text("a,b\n1,2\n")
    (PROJECT / "helper.py").write_text("X = 1\n")
    (PROJECT / "ca.pem").write_bytes(Path("/etc/ssl/certs/ca-certificates.crt").read_bytes())


def _spec() -> EnvironmentSpec:
    spec = EnvironmentSpec(source="interpreter", python=PythonInfo(version="3.11.2"),
                           packages=[Package("six", "1.16.0")])
    spec.notebook.kernel_name = "python3"
    return spec


def context_shape(field: str, value: str) -> Any:
    """The shape of every file the context holds with `value` in `field`, or None when refused."""
    _project()
    spec, options, environ = _spec(), {"base_image": BASE}, {}
    FIELDS[field][0](spec, options, environ, value)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            opts = BuildOptions(**options)
            ctx = render_context(spec, NOTEBOOK, opts, Path(tmp) / "ctx", environ=environ)
            portable = ctx.dockerfile
            use_environment_image(ctx, "localhost/containerize-env:abc", ["tini", "--"])
        except REFUSED:
            return None
        build_only = ctx.directory / ".containerize-build"
        ignore = (ctx.directory / ".dockerignore").read_text().splitlines()
        allowed = [line[1:] for line in ignore if line.startswith("!")]
        assert sorted(allowed) == sorted([".containerize-build/ca.pem"] + [f"work/{f}" for f in ctx.files])
        for name in ("index-url", "extra-index-url", "proxy-HTTPS_PROXY"):
            if (build_only / name).exists():  # read whole by `$(cat FILE)`: one line
                assert validate.is_single_line((build_only / name).read_text())
        return (
            dockerfile_shape(portable), dockerfile_shape(ctx.dockerfile),
            tuple(script_shape((build_only / s).read_text()) for s in SCRIPTS),
            tuple(requirements_shape((build_only / r).read_text()) for r in REQUIREMENTS),
            len(list((build_only / "kernels").iterdir())) if (build_only / "kernels").exists() else 0,
            len(shlex.split(run_command(opts.tag or "nb:notebook", opts.target))),
        )


@cache
def benign_shapes(field: str) -> frozenset:
    shapes = {context_shape(field, v) for v in FIELDS[field][1]}
    assert None not in shapes, f"a benign value of {field} was refused"
    return frozenset(shapes)


@pytest.mark.parametrize("field", sorted(FIELDS))
@SLOW
@given(value=hostile_text)
def test_any_value_in_any_field_is_refused_or_keeps_every_file_shape(field, value):
    shape = context_shape(field, value)
    assert shape is None or shape in benign_shapes(field)


BINDER_FIELDS: dict[str, tuple[Setter, list[str]]] = {
    **{k: FIELDS[k] for k in ("package.name", "package.version", "package.source.url", "package.source.commit",
                              "apt_packages", "python.version")},
    "platform.system": (lambda s, o, e, v: setattr(s.platform, "system", v), ["Linux"]),
    "platform.machine": (lambda s, o, e, v: setattr(s.platform, "machine", v), ["x86_64"]),
}


def binder_shape(field: str, value: str) -> Any:
    """The shape of each file of the binder folder, or None when refused."""
    _project()
    spec = _spec()
    spec.platform.system, spec.platform.machine = "Linux", "x86_64"
    BINDER_FIELDS[field][0](spec, {}, {}, value)
    try:
        files = plan_binder(spec, PROJECT, PROJECT / "binder", NOTEBOOK, secret_policy=DEFAULT_POLICY).files
    except REFUSED:
        return None
    for name in ("apt.txt", "runtime.txt"):
        assert len(files.get(name, "").splitlines()) == files.get(name, "").count("\n")
    for line in files.get("apt.txt", "").splitlines()[1:]:
        validate.safe_apt_package(line)
    return (tuple(sorted(files)), requirements_shape(files["requirements.txt"]),
            len(files.get("apt.txt", "").splitlines()), files.get("runtime.txt", "")[:7])


@pytest.mark.parametrize("field", sorted(BINDER_FIELDS))
@SLOW
@given(value=hostile_text)
def test_binder_files_keep_their_shape(field, value):
    shape = binder_shape(field, value)
    assert shape is None or shape in {binder_shape(field, v) for v in BINDER_FIELDS[field][1]}


@FAST
@given(image=hostile_text)
def test_a_binder_dockerfile_starts_from_one_pinned_image(image):
    digest = "@sha256:" + "ab" * 32
    benign = dockerfile_shape(render_binder_dockerfile("registry.example/team/img" + digest))
    for ref in (image, image + digest):
        try:
            text = render_binder_dockerfile(ref)
        except (*REFUSED, ImageNotPinned):
            continue
        assert dockerfile_shape(text) == benign


# --- the sinks one by one, many more examples: they are pure functions ---

VALIDATORS = [getattr(validate, name) for name in dir(validate)
              if name.startswith("safe_") and callable(getattr(validate, name))]


@pytest.mark.parametrize("check", VALIDATORS, ids=lambda f: f.__name__)
@FAST
@given(value=hostile_text)
def test_validators_refuse_or_return_one_line(check, value):
    try:
        result = check(value)
    except REFUSED:
        return
    assert result is None or validate.is_single_line(result)


@FAST
@given(value=hostile_text)
def test_quoting_round_trips(value):
    try:
        validate.single_line(value, "value")
    except REFUSED:
        for quote in (shell_word, shell_dquote, dockerfile_value):
            with pytest.raises(REFUSED):
                quote(value)
        return
    assert shlex.split(shell_word(value)) == [value]
    assert unquote_double(shell_dquote(value), '$`"\\') == value
    assert unquote_double(dockerfile_value(value), '$"\\') == value
    assert json.loads(dockerfile_exec_form([value])) == [value]
    assert docker_word(json.loads(dockerfile_copy_form([value]))[0]) == value


@FAST
@given(names=st.lists(hostile_text, min_size=1, max_size=4))
def test_user_script_runs_only_apt_get(names):
    try:
        script = render_user_script(names)
    except REFUSED:
        return
    assert script_shape(script) == script_shape(render_user_script([f"pkg{i}" for i in range(len(names))]))


@FAST
@given(python=hostile_text, local=hostile_text, uv=hostile_text)
def test_install_script_keeps_its_words(python, local, uv):
    plan = InstallPlan(uv_requirement=uv, python_version=python, local_sources=[local],
                       requirement_files=[("-r", "requirements.txt")])
    try:
        script = render_install_script(plan)
    except REFUSED:
        return
    shapes = {script_shape(render_install_script(replace(plan, uv_requirement="uv", python_version=p,
                                                         local_sources=["mylib"])))
              for p in ("3.11.2", "")}
    assert script_shape(script) in shapes


@FAST
@given(name=hostile_text, version=hostile_text, url=hostile_text, commit=hostile_text,
       kind=st.sampled_from(["index", "url", "vcs"]))
def test_a_requirement_is_one_line(name, version, url, commit, kind):
    pkg = Package(name, version, source=PackageSource(kind=kind, url=url, commit=commit, vcs="git"))  # type: ignore[arg-type]
    try:
        line = requirement_line(pkg)
    except REFUSED:
        return
    assert line is not None and requirements_shape(line + "\n") == 1


_json = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
                     lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
                     max_leaves=8)
_SPEC_KEYS = list(EnvironmentSpec().to_dict()) + ["packages.0.name", "packages.0.source", "notebook.kernel_name",
                                                  "python.version", "gpu.frameworks"]


@FAST
@given(key=st.sampled_from(_SPEC_KEYS), value=_json)
def test_a_spec_from_json_is_a_spec_or_invalid_spec(key, value):
    data = _spec().to_dict()
    target, *path = key.split(".")
    if path:
        holder = data[target]
        for part in path[:-1]:
            holder = holder[int(part)] if isinstance(holder, list) else holder[part]
        holder[path[-1]] = value
    else:
        data[target] = value
    try:
        spec = EnvironmentSpec.from_dict(data)
    except REFUSED:
        return
    assert EnvironmentSpec.from_dict(json.loads(spec.to_json())) == spec
