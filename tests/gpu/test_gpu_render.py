"""For each recorded case, the CLI renders the right base, wheels, index and start check (no engine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main

from .test_gpu_plan import spec_for

NOTEBOOK = Path(__file__).parents[2] / "examples" / "weather" / "analysis.ipynb"


def render(case: str, tmp_path: Path, capsys, *flags: str) -> tuple[str, str, str, str]:
    spec_file = tmp_path / f"{case}.json"
    spec_file.write_text(json.dumps(spec_for(case, tmp_path).to_dict()))
    context = tmp_path / "context"
    assert main(["build", str(NOTEBOOK), "--spec", str(spec_file), "--context-only", str(context), *flags]) == 0
    out, err = capsys.readouterr()
    build_only = context / ".containerize-build"
    lock = (build_only / "requirements.txt").read_text()
    index_file = build_only / "extra-index-url"  # values live in files beside env.sh, never in an image
    indexes = index_file.read_text() if index_file.exists() else ""
    return (context / "Dockerfile").read_text(), lock, indexes, err


def test_cpu_only_has_no_cuda(tmp_path, capsys):
    dockerfile, lock, _, _ = render("cpu-only", tmp_path, capsys, "--base", "python:3.11-slim")
    assert "FROM python:3.11-slim" in dockerfile and "gpu_check" not in dockerfile
    assert "scikit-learn==1.4.2" in lock


def test_torch_on_the_slim_base_with_the_start_check(tmp_path, capsys):
    dockerfile, lock, _, _ = render("torch-cu12", tmp_path, capsys)
    assert "FROM python:3.11.2-slim" in dockerfile or "FROM python:3.11-slim" in dockerfile
    assert "nvidia/cuda" not in dockerfile  # CUDA comes with the wheels, never twice
    assert '"/opt/containerize/gpu_check.py"' in dockerfile and 'CONTAINERIZE_CUDA="12.1"' in dockerfile
    assert "torch==2.3.1" in lock and "nvidia-cudnn-cu12==8.9.2.26" in lock


def test_torch_cpu_image_with_cpu_wheels(tmp_path, capsys):
    dockerfile, lock, env_sh, _ = render("torch-cu12", tmp_path, capsys, "--gpu", "none", "--cpu-wheels")
    assert "torch==2.3.1+cpu" in lock and "nvidia-" not in lock and "triton" not in lock
    assert "download.pytorch.org/whl/cpu" in env_sh
    assert "gpu_check" not in dockerfile


def test_tensorflow_on_the_cuda_runtime_base(tmp_path, capsys):
    dockerfile, _, _, _ = render("tensorflow", tmp_path, capsys)
    assert "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04" in dockerfile
    assert "devel" not in dockerfile


def test_batch_entrypoint_is_wrapped(tmp_path, capsys):
    dockerfile, _, _, _ = render("jax-cuda12", tmp_path, capsys, "--target", "batch")
    entry = next(line for line in dockerfile.splitlines() if line.startswith("ENTRYPOINT"))
    assert json.loads(entry[len("ENTRYPOINT ") :])[:3] == [
        "/opt/venv/bin/python",
        "/opt/containerize/gpu_check.py",
        "/opt/venv/bin/python",
    ]


def test_old_torch_build_uses_pytorch_index_and_warns(tmp_path, capsys):
    _, lock, env_sh, err = render("torch-old-driver", tmp_path, capsys)
    assert "torch==2.1.0+cu121" in lock and "download.pytorch.org/whl/cu121" in env_sh
    assert "needs NVIDIA driver >= 525.60.13; this machine has 470.82.01" in err
    assert "GPU: cuda:11.4" in err


@pytest.mark.parametrize("case", ["hopper-old-torch"])
def test_arch_warning_is_printed(case, tmp_path, capsys):
    _, _, _, err = render(case, tmp_path, capsys)
    assert "Hopper" in err and "no kernel image is available" in err
