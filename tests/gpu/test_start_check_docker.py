"""The start check in a real container with no GPU: one clear line, and the command does not start."""

from __future__ import annotations

import io
import os
import tarfile

import pytest

from jupyterlab_containerize.gpu import START_CHECK_SCRIPT

docker = pytest.importorskip("docker")
pytestmark = [pytest.mark.docker, pytest.mark.integration]
BASE = os.environ.get("TEST_BASE_IMAGE", "localhost/containerize-test/python:3.11")


@pytest.fixture(scope="module")
def check_image():
    client = docker.from_env()
    dockerfile = (
        f"FROM {BASE}\n"
        "COPY gpu_check.py /opt/containerize/gpu_check.py\n"
        "ENV CONTAINERIZE_CUDA=12.1 CONTAINERIZE_MIN_DRIVER=525.60.13\n"
        'ENTRYPOINT ["python3", "/opt/containerize/gpu_check.py"]\n'
        'CMD ["echo", "notebook started"]\n'
    )
    context = io.BytesIO()
    with tarfile.open(fileobj=context, mode="w") as tar:
        for name, data in (("Dockerfile", dockerfile.encode()), ("gpu_check.py", START_CHECK_SCRIPT.read_bytes())):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    context.seek(0)
    image, _ = client.images.build(
        fileobj=context, custom_context=True, tag="containerize-test/gpu-check:latest", rm=True
    )
    yield client, image.id
    client.images.remove(image.id, force=True)


def run(client, image, **env):
    container = client.containers.run(image, detach=True, environment=env)
    try:
        status = container.wait(timeout=60)["StatusCode"]
        return status, container.logs(stdout=True, stderr=False).decode(), container.logs(stdout=False).decode()
    finally:
        container.remove(force=True)


def test_no_gpu_says_so_in_one_line(check_image):
    status, out, err = run(*check_image)
    assert status == 3
    assert out == ""  # the command never started
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "No GPU is visible" in lines[0] and "--gpus all" in lines[0]


def test_warn_mode_starts_anyway(check_image):
    status, out, err = run(*check_image, CONTAINERIZE_GPU_CHECK="warn")
    assert status == 0 and out.strip() == "notebook started" and "No GPU" in err


def test_off_mode_is_silent(check_image):
    status, out, err = run(*check_image, CONTAINERIZE_GPU_CHECK="off")
    assert (status, out.strip(), err) == (0, "notebook started", "")
