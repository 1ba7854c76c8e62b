"""Real builds on the real engine: the batch and notebook targets, run, verified, inspected."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from jupyterlab_containerize.ca_bundle import CA_ENV_VARS
from jupyterlab_containerize.inspect import inspect_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.secret_files import DEFAULT_POLICY

from .conftest import FIXTURES, TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]
BATCH_TAG = "localhost/containerize-test/hello:batch"


@pytest.fixture(scope="module")
def batch_build(docker_engine, hello_python, tmp_path_factory) -> dict:
    """`jupyter containerize build --target batch --verify`, through the real CLI, from nothing
    (--no-cache: the install downloads) and from a shell that names no CA bundle: the host's system
    store is what the build trusts (on a TLS-inspecting network nothing downloads without it)."""
    folder = tmp_path_factory.mktemp("batch") / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    fresh_shell = {k: v for k, v in os.environ.items() if k not in CA_ENV_VARS}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "jupyterlab_containerize", "build", str(folder / "hello.ipynb"),
         "--target", "batch", "--base", TEST_BASE, "--python", str(hello_python),
         "--tag", BATCH_TAG, "--verify", "--no-cache", "--json"],
        capture_output=True, text=True, timeout=600, env=fresh_shell,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def sh(engine, image: str, script: str, **kwargs) -> str:
    result = engine.run(image, [script], entrypoint=["sh", "-c"], **kwargs)
    assert result.exit_code == 0, result.logs
    return result.logs


def test_batch_build_is_verified(batch_build):
    verify = batch_build["verify"]
    assert verify["passed"] and verify["mismatched"] == []
    assert [c["status"] for c in verify["cells"]] == ["passed"] * 4
    assert all(c["output_match"] for c in verify["cells"][1:])  # the parameters cell has none
    assert batch_build["base_python"] == "3.11.2" and batch_build["size"] > 0


def test_batch_runs_with_parameters(docker_engine, batch_build, tmp_path):
    # the executed notebook comes back through the engine's API: nothing is mounted
    result = docker_engine.run(BATCH_TAG, ["-p", "greeting", '"bye"', "-p", "repeat", "1"],
                               files_out=["/home/jovyan/out"], network=False)
    assert result.exit_code == 0, result.logs
    executed = json.loads(result.files["/home/jovyan/out/hello.ipynb"])
    injected = executed["cells"][2]
    assert injected["metadata"]["tags"] == ["injected-parameters"]
    assert "BYE! attr" in "".join(executed["cells"][3]["outputs"][0]["text"])


def test_files_copied_in_are_readable_by_the_images_user(docker_engine, batch_build, tmp_path):
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "rows.csv").write_text("a,b\n1,2\n")
    # a batch image starts as root (run_notebook.py then runs as the output folder's owner): as its user
    as_user = "setpriv --reuid=1000 --regid=1000 --clear-groups sh -c 'id -u; cat /home/jovyan/in/inputs/rows.csv'"
    listing = sh(docker_engine, BATCH_TAG, as_user,
                 files_in={"/home/jovyan/in/inputs": tmp_path / "inputs"}, network=False)
    assert listing.split() == ["1000", "a,b", "1,2"]


def test_batch_fails_with_the_cells_error(docker_engine, batch_build):
    result = docker_engine.run(BATCH_TAG, ["-p", "repeat", '"x"'], network=False)
    assert result.exit_code == 1
    assert "cell 3 failed: TypeError" in result.logs


def test_image_is_clean_and_labelled(docker_engine, batch_build):
    info = docker_engine.image_info(BATCH_TAG)
    labels = info.labels
    nb_sha = batch_build["notebook_sha256"]
    assert labels["io.jupyter.containerize.notebook.sha256"] == nb_sha
    assert labels["io.jupyter.containerize.spec.hash"]
    assert labels["org.opencontainers.image.title"] == "hello.ipynb"
    listing = sh(docker_engine, BATCH_TAG,
                 "id -u; id -un; ls -a /home/jovyan/work; ls /opt /tmp; env; "
                 "ls /root/.cache 2>&1; command -v uv gcc cc || true")
    # a batch image starts as root only to hand its output folder over (run_notebook.py), then runs the
    # notebook as the folder's owner; the image's user exists for that and for Kubernetes (uid 1000)
    assert listing.splitlines()[:2] == ["0", "root"]
    assert sh(docker_engine, BATCH_TAG, "id -un 1000").strip() == "jovyan"
    assert "helper.py" in listing and "data" in listing and ".env" not in listing
    assert "containerize-uv" not in listing and "containerize-build" not in listing
    assert "PIP_CERT" not in listing and "SSL_CERT_FILE" not in listing
    assert "/uv" not in listing and "gcc" not in listing
    sbom = json.loads(sh(docker_engine, BATCH_TAG, f"cat {labels['io.jupyter.containerize.sbom']}"))
    # the Python distributions (the SBOM also lists the Debian packages, the base and the notebook)
    names = {c["name"].lower(): c["version"] for c in sbom["components"]
             if str(c.get("purl", "")).startswith("pkg:pypi/")}
    assert sbom["bomFormat"] == "CycloneDX" and names["six"] == "1.16.0"
    assert names["attrs"] == "23.2.0" and "uv" not in names


def test_notebook_target_serves_jupyterlab(docker_engine, hello_python, hello_dir, tmp_path):
    spec = inspect_notebook(hello_dir / "hello.ipynb", python=str(hello_python), secret_policy=DEFAULT_POLICY)
    options = BuildOptions(target="notebook", base_image=TEST_BASE,
                           tag="localhost/containerize-test/hello:notebook")
    run_pipeline(BuildRequest(hello_dir / "hello.ipynb", options, spec), docker_engine,
                 lambda *a, **k: None, threading.Event(), tmp_path)
    container = docker_engine.client.containers.run(
        options.tag, detach=True, environment={"JUPYTER_TOKEN": "t0ken"},
        ports={"8888/tcp": ("127.0.0.1", None)})
    try:
        container.reload()
        port = container.ports["8888/tcp"][0]["HostPort"]
        url = f"http://127.0.0.1:{port}/api/contents/hello.ipynb?token=t0ken&content=0"
        deadline, answer = time.monotonic() + 60, None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = json.loads(urllib.request.urlopen(url, timeout=5).read())
            except OSError:
                time.sleep(0.5)
        assert answer and answer["type"] == "notebook", container.logs()[-2000:]
    finally:
        container.remove(force=True)


def test_rebuild_after_editing_a_cell_changes_only_the_last_layer(
        docker_engine, batch_build, hello_python, hello_dir, tmp_path):
    spec = inspect_notebook(hello_dir / "hello.ipynb", python=str(hello_python), secret_policy=DEFAULT_POLICY)
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag=BATCH_TAG + "-edit")
    request = BuildRequest(hello_dir / "hello.ipynb", options, spec)
    run_pipeline(request, docker_engine, lambda *a, **k: None, threading.Event(), tmp_path / "a")
    before = docker_engine.image_info(options.tag).layers
    nb = json.loads((hello_dir / "hello.ipynb").read_text())
    nb["cells"][4]["source"] = "print('edited')"
    (hello_dir / "hello.ipynb").write_text(json.dumps(nb))
    start = time.monotonic()
    run_pipeline(request, docker_engine, lambda *a, **k: None, threading.Event(), tmp_path / "b")
    elapsed = time.monotonic() - start
    after = docker_engine.image_info(options.tag).layers
    # the notebook's layer and the image SBOM after it (it holds the notebook's hash) change, no other
    assert before[:-2] == after[:-2] and before[-2] != after[-2]
    assert elapsed < 20, f"rebuild took {elapsed:.1f} s"


def test_portable_context_builds_with_plain_docker_build(docker_engine, hello_spec, hello_dir,
                                                         tmp_path):
    """--context-only writes a multi-stage Dockerfile any `docker build` can build."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "jupyterlab_containerize", "build", str(hello_dir / "hello.ipynb"),
         "--spec", str(FIXTURES / "hello.spec.json"), "--target", "batch", "--base", TEST_BASE,
         "--context-only", str(tmp_path / "ctx")],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Generated by jupyterlab-containerize")
    tag = "localhost/containerize-test/hello:portable"
    docker_engine.build(tmp_path / "ctx", tag, {}, lambda line: None, threading.Event())
    result = docker_engine.run(tag, ["-p", "repeat", "3"], network=False)
    assert result.exit_code == 0, result.logs
    history = docker_engine.client.api.history(tag)
    assert not any("ca.pem" in (h.get("CreatedBy") or "") for h in history)
    listing = sh(docker_engine, tag, "ls -a /tmp /opt; id -un")
    # batch: root at the start (run_notebook.py hands the output over), the notebook runs as its owner
    assert "containerize-build" not in listing and listing.split()[-1] == "root"
