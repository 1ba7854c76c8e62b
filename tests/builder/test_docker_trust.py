"""A result to trust, on the real engine: the tag moves only after verify passed (a failed verify and a
cancel during verify leave it on the previous image), and the printed batch command runs as printed
by a non-root user on a plain host, writes its output into a folder that did not exist, and fails
non-zero with the executed notebook written when a cell fails."""

from __future__ import annotations

import grp
import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import docker.errors
import pytest

from jupyterlab_containerize.errors import BuildCancelled, VerifyFailed
from jupyterlab_containerize.inspect import inspect_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.publish import kept_of
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.secret_files import DEFAULT_POLICY

from .conftest import FIXTURES, TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]
TAG = "localhost/h18-trust/hello:batch"
USER = 4321  # a host user the image has no account for


def build(engine, folder: Path, python: Path, workdir: Path, cancel=None, on_event=None) -> dict:
    notebook = folder / "hello.ipynb"
    spec = inspect_notebook(notebook, python=str(python), secret_policy=DEFAULT_POLICY)
    request = BuildRequest(notebook, BuildOptions(target="batch", base_image=TEST_BASE, tag=TAG, verify=True),
                           spec)

    def emit(kind, message, step=None, total=None, data=None):
        if on_event:
            on_event(kind, data or {})

    return run_pipeline(request, engine, emit, cancel or threading.Event(), workdir).to_dict()


@pytest.fixture(scope="module")
def verified(docker_engine, hello_python, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("trust") / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    return build(docker_engine, folder, hello_python, tmp_path_factory.mktemp("w"))


def test_a_verified_build_is_under_the_tag(docker_engine, verified):
    assert docker_engine.image_info(TAG).id == verified["image_id"] and verified["verify"]["passed"]
    with pytest.raises(docker.errors.ImageNotFound):
        docker_engine.image_info(f"{TAG}-unverified")  # the staging name is gone


def test_a_failed_verify_leaves_the_tag_on_the_verified_image(docker_engine, verified, hello_python, tmp_path):
    folder = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    (folder / "data" / "numbers.csv").unlink()  # the notebook cannot find its data in the image
    with pytest.raises(VerifyFailed) as caught:
        build(docker_engine, folder, hello_python, tmp_path / "w")
    assert "cell 4 failed" in caught.value.message and "FileNotFoundError" in caught.value.message
    assert docker_engine.image_info(TAG).id == verified["image_id"]
    kept = kept_of(caught.value)
    assert kept["kept_image"] == f"{TAG}-unverified" and kept["tag_image_id"] == verified["image_id"]
    assert docker_engine.image_info(f"{TAG}-unverified").id == kept["kept_image_id"] != verified["image_id"]


def test_a_cancel_during_verify_leaves_the_tag(docker_engine, verified, hello_python, tmp_path):
    folder = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    (folder / "helper.py").write_text("import time\n\ndef shout(s):\n    time.sleep(60)\n    return s.upper() + '!'\n")
    cancel = threading.Event()

    def on_event(kind, data):
        if (data.get("progress") or {}).get("phase") == "verify":
            threading.Timer(3, cancel.set).start()  # the container is running the notebook by then

    with pytest.raises(BuildCancelled) as caught:
        build(docker_engine, folder, hello_python, tmp_path / "w", cancel, on_event)
    assert docker_engine.image_info(TAG).id == verified["image_id"]
    assert kept_of(caught.value)["kept_image"] == f"{TAG}-unverified"


def as_user(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """The printed command, by a non-root user in the docker group, in a POSIX shell."""
    # the group that owns the engine's socket (a chroot's "docker" group may have another gid)
    socket = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock").removeprefix("unix://")
    docker_gid = os.stat(socket).st_gid if os.path.exists(socket) else grp.getgrnam("docker").gr_gid
    return subprocess.run(  # noqa: S603 - the command is the product's own printed text
        ["setpriv", f"--reuid={USER}", f"--regid={USER}", f"--groups={docker_gid}", "sh", "-c", command],
        cwd=cwd, capture_output=True, text=True, timeout=300, env={"PATH": os.environ["PATH"], "HOME": str(cwd)},
    )


@pytest.fixture
def user_dir():
    folder = Path(tempfile.mkdtemp(prefix="h18-trust-", dir="/tmp"))
    os.chown(folder, USER, USER)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_printed_batch_command_writes_into_a_missing_folder_as_non_root(verified, user_dir):
    command = verified["run_command"]
    assert "NAME VALUE" not in command and "-p greeting '\"hello\"' -p repeat 2" in command
    done = as_user(command.replace("docker run", "docker run --network none"), user_dir)
    assert done.returncode == 0, done.stderr[-2000:]
    out = user_dir / "out"
    assert out.stat().st_uid == USER and (out / "hello.ipynb").stat().st_uid == USER  # the user's files
    executed = json.loads((out / "hello.ipynb").read_text())
    assert "HELLO!HELLO! attr" in "".join(executed["cells"][3]["outputs"][0]["text"])


def test_a_failing_cell_exits_non_zero_with_the_executed_notebook_written(verified, user_dir):
    done = as_user(verified["run_command"] + " -p repeat '\"x\"'", user_dir)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("run_notebook: cell 3 failed: TypeError")
    assert (user_dir / "out" / "hello.ipynb").is_file()


def test_an_unknown_parameter_or_the_placeholder_is_refused(verified, user_dir):
    done = as_user(verified["run_command"] + " -p NAME VALUE", user_dir)
    assert done.returncode == 2
    assert done.stderr.strip() == ("run_notebook: unknown parameter NAME: the notebook's parameters are "
                                   "greeting, repeat")


def test_a_folder_docker_creates_is_given_to_the_images_user(verified, user_dir):
    # without the printed mkdir: Docker makes the missing folder, as root
    done = as_user(f'docker run --rm --network none -v "$PWD/made:/home/jovyan/out" {TAG}', user_dir)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (user_dir / "made" / "hello.ipynb").stat().st_uid == 1000 and "belonged to root" in done.stderr


def test_an_unwritable_output_folder_exits_non_zero_before_any_cell(verified, user_dir):
    locked = user_dir / "locked"
    locked.mkdir()  # root's, 0755: a user of the image (here --user) cannot write there
    done = as_user(f'docker run --rm --network none --user {USER}:{USER} -v "$PWD/locked:/home/jovyan/out" {TAG}',
                   user_dir)
    assert done.returncode == 73
    assert done.stderr.strip().startswith("run_notebook: cannot write to /home/jovyan/out (Permission denied")
    assert len(done.stderr.strip().splitlines()) == 1 and not any(locked.iterdir())
