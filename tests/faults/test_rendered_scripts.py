"""Every shell script the project renders fails on any failed command (issue 23); no engine.

Each target and option that changes a script is rendered (notebook, batch, serve; apt packages,
programs, a CUDA image, a kernel of its own, local sources, the CA bundle kept, proxies and an
index), and every script in it is parsed: install.sh, install-user.sh, env.sh, each Dockerfile's
RUN lines (portable and engine), the environment step's command, Binder's postBuild and its
Dockerfile for --from-image.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from jupyterlab_containerize.builder.environment_image import creation_command
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.render.context import use_environment_image
from jupyterlab_containerize.render.install_script import render_user_script
from jupyterlab_containerize.share.binder_files import plan_binder
from jupyterlab_containerize.share.image import render_binder_dockerfile
from jupyterlab_containerize.spec import EnvironmentSpec, Package, PackageSource

from .shell_lists import script_problems

BASE = "localhost/containerize-test/python:3.11"
TARGETS = ["notebook", "batch", "serve"]
VARIANTS = ["plain", "apt+programs", "gpu", "kernel", "local", "network"]


def run_lines(dockerfile: str) -> list[str]:
    """The shell of each RUN line in shell form (continuations joined)."""
    joined = dockerfile.replace("\\\n", " ")
    return [line[4:] for line in joined.splitlines()
            if line.startswith("RUN ") and not line[4:].lstrip().startswith("[")]


def variant_spec(spec: EnvironmentSpec, variant: str, folder: Path) -> EnvironmentSpec:
    if variant == "apt+programs":
        spec.apt_packages = ["graphviz", "tree"]
        spec.programs = {"dot": "graphviz", "tree": "tree"}
    elif variant == "gpu":
        spec.env = {**spec.env, "CONTAINERIZE_CUDA": "12.1"}
    elif variant == "kernel":
        spec.notebook.kernel_name = "myenv"
    elif variant == "local":
        (folder / "mylib").mkdir()
        (folder / "mylib" / "pyproject.toml").write_text("[project]\nname = 'mylib'\nversion = '0.1'\n")
        spec.packages.append(Package("mylib", "0.1", source=PackageSource(kind="editable", path=str(folder / "mylib"))))
    return spec


def rendered_scripts(spec: EnvironmentSpec, folder: Path, out: Path, target: str, variant: str) -> dict[str, str]:
    environ = {}
    options = {"target": target, "base_image": BASE}
    if variant == "network":
        environ = {"HTTPS_PROXY": "http://proxy:3128", "http_proxy": "http://127.0.0.1:9"}
        options.update(index_url="https://pypi.example.com/simple", keep_ca=True)
    ctx = render_context(spec, folder / "hello.ipynb", BuildOptions(**options), out, environ=environ)
    build_only = ctx.directory / ".containerize-build"
    scripts = {name: (build_only / name).read_text() for name in ("install.sh", "install-user.sh")}
    scripts.update({f"Dockerfile RUN {n}": line for n, line in enumerate(run_lines(ctx.dockerfile))})
    use_environment_image(ctx, "localhost/containerize-env:abc", ["/bin/sh"])
    scripts.update({f"engine Dockerfile RUN {n}": line for n, line in enumerate(run_lines(ctx.dockerfile))})
    return scripts


@pytest.mark.parametrize(("target", "variant"), list(itertools.product(TARGETS, VARIANTS)))
def test_every_rendered_script_stops_on_a_failed_command(hello_spec, hello_dir, tmp_path, target, variant):
    spec = variant_spec(hello_spec, variant, hello_dir)
    scripts = rendered_scripts(spec, hello_dir, tmp_path / "ctx", target, variant)
    assert "install.sh" in scripts and "install-user.sh" in scripts
    found = {}
    for name, text in scripts.items():
        problems = script_problems(text, require_set_e=name.endswith(".sh"))
        if problems:
            found[name] = problems
    assert found == {}


def test_env_sh_is_only_exports(hello_spec, hello_dir, tmp_path):
    """env.sh is sourced by the scripts above (under their `set -e`): one export a line."""
    ctx = render_context(hello_spec, hello_dir / "hello.ipynb",
                         BuildOptions(base_image=BASE, index_url="https://pypi.example.com/simple"),
                         tmp_path / "ctx", environ={"HTTPS_PROXY": "http://proxy:3128"})
    lines = [line for line in (ctx.directory / ".containerize-build" / "env.sh").read_text().splitlines()
             if line and not line.startswith("#")]
    assert lines and all(line.startswith("export ") for line in lines)
    assert script_problems("set -e\n" + "\n".join(lines)) == []


@pytest.mark.parametrize("cache_env", ["", "CONTAINERIZE_UV_CACHE=/cache CONTAINERIZE_UV_CACHE_MAX_MB=10 "])
def test_the_environment_steps_command_stops_on_a_failed_command(cache_env):
    shell, flag, script = creation_command(cache_env)
    assert (shell, flag) == ("/bin/sh", "-c")
    assert script_problems(script) == []


def test_binder_post_build_and_dockerfile_stop_on_a_failed_command(hello_spec, hello_dir):
    spec = variant_spec(hello_spec, "local", hello_dir)
    files = plan_binder(spec, hello_dir, hello_dir / "binder", hello_dir / "hello.ipynb").files
    assert "postBuild" in files
    assert script_problems(files["postBuild"]) == []
    for line in run_lines(render_binder_dockerfile("localhost/x@sha256:" + "0" * 64)):
        assert script_problems(line, require_set_e=False) == [], line


def test_the_old_apt_line_is_caught():
    """The shape of issue 23 itself, and its relatives, are what the checker finds."""
    old = "#!/bin/sh\nset -eu\napt-get update && apt-get install -y graphviz\nrm -rf /var/lib/apt/lists/*\n"
    assert "`&&` list not at the end" in script_problems(old)[0]
    assert script_problems("#!/bin/sh\necho hi\n") == ["the script does not start with `set -e`"]
    assert "`|| true`" in script_problems("set -e\nfalse || true\necho\n")[0]
    assert "pipeline" in script_problems("set -e\ncurl x | sh\necho\n")[0]
    assert script_problems("set -e\nif [ -f a ] && [ -f b ]; then\n  x\nfi\nA=\"$(du | cut -f1)\"\n") == []
    assert script_problems("if true; then a && b; fi\nc", require_set_e=False) != []
    assert "apt-get update &&" not in render_user_script(["graphviz"])
