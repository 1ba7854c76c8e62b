"""GPU choices for each recorded case: base image, wheels, warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import InvalidRequest
from jupyterlab_containerize.gpu import check_plan, parse_gpu_option, plan_gpu
from jupyterlab_containerize.gpu.apply import apply_gpu
from jupyterlab_containerize.inspect.resolve import ResolveInput, resolve
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import EnvironmentSpec, NotebookInfo
from tests.notebooks import notebook

FIXTURES = Path(__file__).with_name("fixtures")
IMPORTS = {
    "cpu-only": "import sklearn",
    "torch-cu12": "import torch",
    "tensorflow": "import tensorflow as tf",
    "jax-cuda12": "import jax",
    "cupy": "import cupy",
    "torch-old-driver": "import torch",
    "hopper-old-torch": "import torch",
}


def spec_for(case: str, tmp_path: Path) -> EnvironmentSpec:
    probe = json.loads((FIXTURES / f"probe-{case}.json").read_text())
    nb = notebook(IMPORTS[case])
    static = analyze_notebook(nb, tmp_path, DEFAULT_POLICY)
    return resolve(ResolveInput(static=static, notebook=NotebookInfo(path="nb.ipynb"), source="kernel", probe=probe))


def pins_after(spec: EnvironmentSpec, option: str, cpu_wheels: bool = False) -> dict[str, str]:
    """What the build installs once the GPU plan has dropped or retargeted pins."""
    return {p.name: p.version for p in apply_gpu(spec, option, cpu_wheels).spec.packages}


def test_cpu_only(tmp_path):
    plan = plan_gpu(spec_for("cpu-only", tmp_path), "auto")
    assert (plan.mode, plan.base_image, plan.run_args, plan.start_check) == ("cpu", None, [], False)
    assert check_plan(spec_for("cpu-only", tmp_path), plan) == []


def test_torch_ships_cuda_in_wheels(tmp_path):
    spec = spec_for("torch-cu12", tmp_path)
    plan = plan_gpu(spec, "auto")
    assert (plan.mode, plan.cuda, plan.base_image) == ("cuda", "12.1", None)  # slim base: no CUDA twice
    assert plan.run_args == ["--gpus", "all"] and plan.start_check and plan.min_driver == "525.60.13"
    assert "torch" in plan.reason and "slim" in plan.reason
    assert check_plan(spec, plan) == []
    pins = pins_after(spec, "auto")
    assert pins["torch"] == "2.3.1" and pins["nvidia-cudnn-cu12"] == "8.9.2.26"


def test_torch_cpu_image_drops_cuda_and_can_take_cpu_wheels(tmp_path):
    spec = spec_for("torch-cu12", tmp_path)
    pins = pins_after(spec, "none")
    assert not any(name.startswith("nvidia-") for name in pins) and "triton" in pins
    small = plan_gpu(spec, "none", cpu_wheels=True)
    pins = pins_after(spec, "none", cpu_wheels=True)
    assert pins["torch"] == "2.3.1+cpu" and "triton" not in pins
    assert small.extra_index_urls == ["https://download.pytorch.org/whl/cpu"]


def test_tensorflow_needs_system_cuda(tmp_path):
    plan = plan_gpu(spec_for("tensorflow", tmp_path), "auto")
    assert plan.base_image == "nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04"
    assert "runtime" in plan.base_image and "devel" not in plan.base_image
    assert plan.install_python is True


def test_jax_ships_cuda_in_wheels(tmp_path):
    spec = spec_for("jax-cuda12", tmp_path)
    plan = plan_gpu(spec, "auto")
    assert (plan.mode, plan.base_image) == ("cuda", None)
    cpu = plan_gpu(spec, "none")
    assert {"jax-cuda12-plugin", "jax-cuda12-pjrt"} <= set(cpu.drop_packages)


def test_cupy_needs_system_cuda(tmp_path):
    spec = spec_for("cupy", tmp_path)
    plan = plan_gpu(spec, "auto")
    assert plan.base_image is not None and plan.base_image.startswith("nvidia/cuda:12.")
    assert plan_gpu(spec, "none").warnings[0].code == "cupy-needs-gpu"


def test_old_driver_is_caught_before_the_build(tmp_path):
    spec = spec_for("torch-old-driver", tmp_path)
    plan = plan_gpu(spec, "auto")
    assert plan.pin_overrides["torch"] == "2.1.0+cu121"
    assert plan.extra_index_urls == ["https://download.pytorch.org/whl/cu121"]
    warnings = check_plan(spec, plan)
    assert [w.code for w in warnings] == ["driver-too-old"]
    assert "470.82.01" in warnings[0].message and "GPU: cuda:11.4" in warnings[0].fix


def test_hopper_with_a_cuda_117_torch(tmp_path):
    spec = spec_for("hopper-old-torch", tmp_path)
    plan = plan_gpu(spec, "auto")
    assert plan.cuda == "11.7"
    warnings = check_plan(spec, plan)
    assert warnings[0].code == "arch-unsupported" and "Hopper" in warnings[0].message and "11.8" in warnings[0].fix
    retargeted = plan_gpu(spec, "cuda:11.8")
    assert "torch" not in retargeted.pin_overrides  # torch 1.13 has cu116/cu117 builds only
    assert retargeted.warnings[0].code == "no-torch-build"


def test_explicit_cuda_retargets_torch(tmp_path):
    plan = plan_gpu(spec_for("torch-cu12", tmp_path), "cuda:11.8")
    assert plan.pin_overrides["torch"] == "2.3.1+cu118" and plan.cuda == "11.8"
    assert plan.extra_index_urls == ["https://download.pytorch.org/whl/cu118"]


def test_bare_cuda_means_the_runtime_base(tmp_path):
    plan = plan_gpu(spec_for("cpu-only", tmp_path), "cuda")
    assert plan.base_image and plan.base_image.startswith("nvidia/cuda:") and plan.install_python
    plan = plan_gpu(spec_for("cpu-only", tmp_path), "cuda:12.6")
    assert plan.base_image == "nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04"


@pytest.mark.parametrize("option", ["gpu", "cuda:twelve", "none:12.1", "cuda:12.1;rm -rf /"])
def test_bad_options(option):
    with pytest.raises(InvalidRequest):
        parse_gpu_option(option)


def test_blackwell_needs_new_torch_and_cuda(tmp_path):
    spec = spec_for("torch-cu12", tmp_path)
    spec.gpu.devices[0].name, spec.gpu.devices[0].compute_capability = "NVIDIA GeForce RTX 5090", "12.0"
    warnings = check_plan(spec, plan_gpu(spec, "auto"))
    assert warnings[0].code == "arch-unsupported" and "12.8" in warnings[0].message
