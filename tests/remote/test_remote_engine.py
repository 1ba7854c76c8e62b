"""Build, verify, push and export through an engine that cannot see the client's files: a
second dockerd reached over tcp:// with TLS, the client in a mount namespace of its own whose
/tmp (the notebook, the rendered context, verify's results, the export) the engine never sees.
Nothing may be bind-mounted; everything travels through the engine's API."""

from __future__ import annotations

import json
import textwrap
import urllib.request
from pathlib import Path

import pytest

from tests.builder.conftest import FIXTURES

from .conftest import CERTS, ENGINE_URL, PYTHON, TEST_BASE, user_env

pytestmark = [pytest.mark.docker, pytest.mark.integration]

# The Python API as the server uses it: the engine from explicit settings, with DOCKER_HOST
# pointing nowhere so that any call that fell back to the environment would fail.
API_SCRIPT = textwrap.dedent("""
    import json, sys, threading
    from pathlib import Path

    import nbformat

    from jupyterlab_containerize.builder.docker_engine import DockerEngine
    from jupyterlab_containerize.errors import VerifyFailed
    from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
    from jupyterlab_containerize.options import BuildOptions
    from jupyterlab_containerize.spec import EnvironmentSpec

    url, certs, base, tag = sys.argv[1:5]
    engine = DockerEngine(base_url=url, tls_cert_path=certs, tls_verify=True)
    spec = EnvironmentSpec.from_dict(json.loads(Path("hello.spec.json").read_text()))
    notebook = Path("hello/hello.ipynb")

    def build(options, workdir):
        return run_pipeline(BuildRequest(notebook, options, spec), engine, lambda *a, **k: None,
                            threading.Event(), Path(workdir)).to_dict()

    out = {"built": build(BuildOptions(target="batch", base_image=base, tag=tag, verify=True,
                                       push=True, verify_timeout=120), "/tmp/client/work-a")}
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"))
    nbformat.write(nb, notebook)
    try:
        build(BuildOptions(target="batch", base_image=base, tag=tag + "-broken", verify=True,
                           verify_timeout=120), "/tmp/client/work-b")
    except VerifyFailed as err:
        out["broken"] = err.to_dict()
    print(json.dumps(out))
""")

# The CLI as a user runs it, then a look at what it left in the private /tmp.
CLI_SCRIPT = textwrap.dedent("""
    import json, os, subprocess, sys, tarfile
    done = subprocess.run([sys.executable, "-m", "jupyterlab_containerize", *sys.argv[1:]],
                          capture_output=True, text=True)
    export = "/tmp/client/hello.tar"
    names = tarfile.open(export).getnames() if os.path.exists(export) else []
    print(json.dumps({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-4000:],
                      "export_names": names}))
""")


def staged(tmp_path: Path, script: str) -> dict[str, Path]:
    (tmp_path / "script.py").write_text(script)
    return {"hello": FIXTURES / "hello", "hello.spec.json": FIXTURES / "hello.spec.json",
            "script.py": tmp_path / "script.py"}


def manifest_digest(registry: str, repository: str, tag: str) -> str:
    request = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{tag}",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"}, method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310  (the local registry)
        return str(answer.headers["Docker-Content-Digest"])


def test_the_client_tmp_is_hidden_from_the_engine(isolated, tmp_path):
    """The premise: what the client writes under /tmp does not exist where the engine runs."""
    marker = f"/tmp/client/only-the-client-sees-{tmp_path.name}"
    done = isolated({}, ["sh", "-c", f"touch {marker} && ls {marker}"], {})
    assert done.returncode == 0, done.stderr
    assert not Path(marker).exists()


def test_cli_builds_verifies_pushes_and_exports_through_a_tls_engine(
        remote_engine, isolated, registry, tmp_path):
    tag = f"{registry}/containerize-remote/hello:cli"
    done = isolated(staged(tmp_path, CLI_SCRIPT), [
        PYTHON, "script.py", "build", "/tmp/client/hello/hello.ipynb",
        "--spec", "/tmp/client/hello.spec.json", "--target", "batch", "--base", TEST_BASE,
        "--tag", tag, "--verify", "--push", "--export", "/tmp/client/hello.tar", "--json",
    ], user_env())
    assert done.returncode == 0, done.stderr[-3000:]
    run = json.loads(done.stdout)
    assert run["code"] == 0, run["stderr"]
    result = json.loads(run["stdout"])
    assert result["verify"]["passed"]
    assert [c["status"] for c in result["verify"]["cells"]] == ["passed"] * 4
    assert result["digest"].endswith(manifest_digest(registry, "containerize-remote/hello", "cli"))
    assert "manifest.json" in run["export_names"]
    assert remote_engine.image_info(tag).id == result["image_id"]  # built there, not locally


def test_python_api_with_the_servers_settings_and_a_failing_cell(
        remote_engine, isolated, registry, tmp_path):
    tag = f"{registry}/containerize-remote/hello:api"
    done = isolated(staged(tmp_path, API_SCRIPT),
                    [PYTHON, "script.py", ENGINE_URL, str(CERTS), TEST_BASE, tag],
                    {"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.splitlines()[-1])
    built = out["built"]
    assert built["verify"]["passed"] and built["digest"]
    assert built["digest"].endswith(manifest_digest(registry, "containerize-remote/hello", "api"))
    broken = out["broken"]  # the notebook's own failure, in the notebook's words
    assert broken["code"] == "verify-failed"
    assert "cell 6 failed" in broken["message"] and "ValueError: broken on purpose" in broken["message"]  # 1-based
