"""Render the build context from hand-made specs; no engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import UnsafeValue
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.spec import EnvironmentSpec, Package, PackageSource

BASE = "localhost/containerize-test/python:3.11"


def render(spec: EnvironmentSpec, nb_dir: Path, tmp_path: Path, environ=None, **options):
    options.setdefault("base_image", BASE)
    return render_context(spec, nb_dir / "hello.ipynb", BuildOptions(**options), tmp_path / "ctx",
                          environ=environ or {})


def test_context_holds_lock_notebook_files_and_modules(hello_spec, hello_dir, tmp_path):
    ctx = render(hello_spec, hello_dir, tmp_path, target="batch")
    root = ctx.directory
    build_only = root / ".containerize-build"
    assert (build_only / "requirements.txt").read_text() == "attrs==23.2.0\nsix==1.16.0\n"
    assert (build_only / "runtime-requirements.txt").read_text().splitlines() == [
        "ipykernel==6.29.5", "nbclient", "nbformat"]
    assert (root / "hello.ipynb").read_bytes() == (hello_dir / "hello.ipynb").read_bytes()
    assert sorted(ctx.files) == ["data/numbers.csv", "helper.py"]
    assert (root / "work" / "helper.py").exists()
    assert not (root / "work" / ".env").exists()


def test_notebook_is_the_last_filesystem_layer(hello_spec, hello_dir, tmp_path):
    lines = render(hello_spec, hello_dir, tmp_path).dockerfile.splitlines()
    copies = [i for i, line in enumerate(lines) if line.startswith(("COPY", "RUN"))]
    assert "hello.ipynb" in lines[copies[-1]]
    venv_copy = lines.index("COPY --from=builder /opt/venv /opt/venv")
    assert venv_copy < copies[-1]


def test_only_the_notebook_changes_the_dockerfile_labels(hello_spec, hello_dir, tmp_path):
    first = render(hello_spec, hello_dir, tmp_path / "a").dockerfile
    nb = json.loads((hello_dir / "hello.ipynb").read_text())
    nb["cells"][2]["source"] = "print('edited')"
    (hello_dir / "hello.ipynb").write_text(json.dumps(nb))
    second = render(hello_spec, hello_dir, tmp_path / "b").dockerfile
    changed = [b for a, b in zip(first.splitlines(), second.splitlines()) if a != b]
    assert len(changed) == 1 and "notebook.sha256" in changed[0]


def test_final_stage_has_user_venv_labels_and_no_build_secrets(hello_spec, hello_dir, tmp_path):
    ctx = render(hello_spec, hello_dir, tmp_path, environ={"HTTPS_PROXY": "http://proxy:3128"},
                 index_url="https://user:s3cret@pypi.example.com/simple")
    final = ctx.dockerfile.split("\nFROM ")[-1]
    user_script = (ctx.directory / ".containerize-build" / "install-user.sh").read_text()
    assert "useradd -m -u 1000 -s /bin/bash jovyan" in user_script
    assert "install-user.sh" in final and "install.sh " not in final
    assert "USER 1000" in final and "COPY --from=builder /opt/venv /opt/venv" in final
    assert "COPY .containerize-build/ " not in final and "ca.pem" not in final
    assert "s3cret" not in ctx.dockerfile and "proxy" not in ctx.dockerfile
    assert ctx.build_args == {"HTTPS_PROXY": "http://proxy:3128"}
    assert (ctx.directory / ".containerize-build" / "index-url").read_text().endswith("/simple")
    labels = ctx.labels
    assert labels["io.jupyter.containerize.notebook.sha256"] == ctx.notebook_sha256
    assert labels["io.jupyter.containerize.spec.hash"] == hello_spec.environment_hash()
    assert labels["io.jupyter.containerize.sbom"] == "/opt/containerize/sbom.cdx.json"


def test_host_ca_bundle_is_builder_only_unless_kept(hello_spec, hello_dir, tmp_path):
    pem = tmp_path / "corp.pem"
    pem.write_bytes(Path("/etc/ssl/certs/ca-certificates.crt").read_bytes())  # ca_bundle must be certificates
    ctx = render(hello_spec, hello_dir, tmp_path / "a", environ={"PIP_CERT": str(pem)})
    assert (ctx.directory / ".containerize-build" / "ca.pem").exists()
    assert "!.containerize-build/ca.pem" in (ctx.directory / ".dockerignore").read_text()
    assert "ca.pem" not in ctx.dockerfile.split("\nFROM ")[-1]
    kept = render(hello_spec, hello_dir, tmp_path / "b", environ={"PIP_CERT": str(pem)},
                  keep_ca=True)
    assert "SSL_CERT_FILE=/etc/ssl/certs/containerize-extra-ca.pem" in kept.dockerfile


def test_targets_entrypoints(hello_spec, hello_dir, tmp_path):
    batch = render(hello_spec, hello_dir, tmp_path / "a", target="batch").dockerfile
    assert 'ENTRYPOINT ["/opt/venv/bin/python", "/opt/containerize/run_notebook.py"' in batch
    lab = render(hello_spec, hello_dir, tmp_path / "b", target="notebook")
    assert "EXPOSE 8888" in lab.dockerfile and '"lab", "--ip=0.0.0.0"' in lab.dockerfile
    runtime = lab.directory / ".containerize-build" / "runtime-requirements.txt"
    assert "jupyterlab" in runtime.read_text()


def test_secret_files_stay_out_unless_named(hello_spec, hello_dir, tmp_path):
    hello_spec.files.append(".env")
    ctx = render(hello_spec, hello_dir, tmp_path / "a")
    assert ".env" not in ctx.files and any("looks like a secret" in w for w in ctx.warnings)
    named = render(hello_spec, hello_dir, tmp_path / "b", include=[".env"])
    assert ".env" in named.files
    assert "!work/.env" in (named.directory / ".dockerignore").read_text()


def test_files_outside_the_notebook_folder_are_refused(hello_spec, hello_dir, tmp_path):
    hello_spec.files.append("../../../../etc/passwd")  # beyond the two levels a project may reach
    ctx = render(hello_spec, hello_dir, tmp_path)
    assert any("outside the notebook's folder" in w for w in ctx.warnings)


def test_unsafe_names_never_reach_the_dockerfile(hello_spec, hello_dir, tmp_path):
    hello_spec.packages.append(Package("evil; rm -rf /", "1.0"))
    with pytest.raises(UnsafeValue):
        render(hello_spec, hello_dir, tmp_path / "a")
    hello_spec.packages[-1] = Package("ok", "1.0 && curl x")
    with pytest.raises(UnsafeValue):
        render(hello_spec, hello_dir, tmp_path / "b")
    with pytest.raises(UnsafeValue):
        BuildOptions(tag="Bad Tag!")


def test_env_values_are_quoted_and_dollar_kept_literal(hello_spec, hello_dir, tmp_path):
    hello_spec.env = {"GREETING": 'say "hi" $HOME'}
    dockerfile = render(hello_spec, hello_dir, tmp_path).dockerfile
    assert '\n    GREETING="say \\"hi\\" \\$HOME"' in dockerfile
    # one ENV step: the spec's values continue the runtime's, whose $PATH alone is expanded
    env = dockerfile[dockerfile.index("\nENV "):]
    assert env.startswith("\nENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH") and env.count("\nENV ") == 1


def test_local_installs_are_reported_not_installed(hello_spec, hello_dir, tmp_path):
    hello_spec.packages.append(Package("mylib", "0.1", source=PackageSource(kind="editable",
                                                                          path="/home/me/mylib")))
    hello_spec.packages.append(Package("gitlib", "0.2", source=PackageSource(
        kind="vcs", vcs="git", url="https://example.com/gitlib.git", commit="abc123")))
    ctx = render(hello_spec, hello_dir, tmp_path)
    lock = (ctx.directory / ".containerize-build" / "requirements.txt").read_text()
    assert "mylib" not in lock and any("mylib" in w for w in ctx.warnings)
    assert "gitlib @ git+https://example.com/gitlib.git@abc123" in lock


def test_kernel_name_gets_a_kernelspec(hello_spec, hello_dir, tmp_path):
    hello_spec.notebook.kernel_name = "my-env"
    ctx = render(hello_spec, hello_dir, tmp_path)
    kernel = ctx.directory / ".containerize-build/kernels/my-env/kernel.json"
    spec = json.loads(kernel.read_text())
    assert spec["argv"][0] == "/opt/venv/bin/python"


def test_context_dir_must_be_empty(hello_spec, hello_dir, tmp_path):
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "x").write_text("")
    with pytest.raises(UnsafeValue):
        render(hello_spec, hello_dir, tmp_path)


def test_install_script_uses_uv_from_the_lock_and_leaves_nothing(hello_spec, hello_dir, tmp_path):
    ctx = render(hello_spec, hello_dir, tmp_path, environ={"PIP_CERT": "/etc/ssl/certs/ca-certificates.crt"},
                 index_url="https://me:pw@pypi.example.com/simple")
    script = (ctx.directory / ".containerize-build" / "install.sh").read_text()
    assert "PY=python3" in script and "\"$PY\" -m venv --without-pip /opt/venv" in script  # the base's own python3
    assert '"$UV" pip install --python /opt/venv/bin/python -r' in script
    assert "/opt/venv/bin/python -I -B /tmp/containerize-build/compile_bytecode.py /opt/venv/lib" in script
    assert "export UV_NO_CACHE=1" in script  # no cache unless the engine's cache volume is given
    assert "-r /tmp/containerize-build/requirements.txt" in script
    assert script.rstrip().endswith("rm -rf /tmp/containerize-build /tmp/containerize-uv /root/.cache")
    assert "pw@" not in script and "pw@" not in ctx.dockerfile
    env_sh = (ctx.directory / ".containerize-build" / "env.sh").read_text()
    assert 'UV_INDEX_URL="$(cat /tmp/containerize-build/index-url)"' in env_sh


def test_engine_dockerfile_starts_from_the_environment_image(hello_spec, hello_dir, tmp_path):
    from jupyterlab_containerize.render.context import use_environment_image

    ctx = render(hello_spec, hello_dir, tmp_path, target="notebook")
    use_environment_image(ctx, "localhost/containerize-env:abc", ["tini", "--"])
    lines = ctx.dockerfile.splitlines()
    assert "FROM localhost/containerize-env:abc" in lines
    assert 'ENTRYPOINT ["tini", "--"]' in lines
    assert ".containerize-build" not in ctx.dockerfile
    assert ".containerize-build\n" in (ctx.directory / ".dockerignore").read_text()
    assert (ctx.directory / "Dockerfile.portable").exists()


def test_pip_is_installed_when_the_notebook_runs_pip(hello_spec, hello_dir, tmp_path):
    from jupyterlab_containerize.spec import InstallCommand

    hello_spec.install_commands.append(InstallCommand(2, "pip", ["six"], "%pip install six"))
    ctx = render(hello_spec, hello_dir, tmp_path)
    runtime = (ctx.directory / ".containerize-build" / "runtime-requirements.txt").read_text()
    assert "pip" in runtime.split()


@pytest.mark.parametrize("target", ["notebook", "batch", "serve"])
def test_the_progress_plan_counts_every_step_the_engine_build_runs(hello_spec, hello_dir, tmp_path, target):
    """The notebook phase is counted before the evidence step adds the image SBOM's layer: counted
    short, the last two steps shared a number ([15/16] twice)."""
    from jupyterlab_containerize.pipeline.environment_step import plan_sizes
    from jupyterlab_containerize.pipeline.progress import dockerfile_steps
    from jupyterlab_containerize.render.context import use_environment_image

    hello_spec.programs = {"dot": "graphviz"}
    ctx = render(hello_spec, hello_dir, tmp_path, target=target)
    counted = plan_sizes(ctx, BuildOptions(base_image=BASE, target=target), None)["notebook"]
    ctx.plan.image_sbom = True  # what prepare_evidence sets, with the SBOM file beside
    (ctx.directory / "containerize" / "image.cdx.json").write_text("{}")
    use_environment_image(ctx, "localhost/containerize-env:x", ["tini", "--"])
    assert dockerfile_steps(ctx.dockerfile) == counted
