"""Writes tests/gpu/fixtures/probe-*.json: probe answers for the GPU cases, in probe_script.probe()'s shape.

No GPU machine was lent when they were made, so they are assembled from the packages' published
metadata (versions, Requires-Dist, the CUDA their builds report); replace one with a real recording
(`python jupyterlab_containerize/inspect/probe_script.py > probe.json` on the GPU host) when you can.
Run: python -m tests.gpu.make_fixtures
"""

import json
from pathlib import Path

from tests.unit.fake_probe import dist, probe

HERE = Path(__file__).with_name("fixtures")
NV12 = ["nvidia-cuda-runtime-cu12==12.1.105", "nvidia-cudnn-cu12==8.9.2.26", "nvidia-cublas-cu12==12.1.3.1"]
LINUX = "platform_system == 'Linux' and platform_machine == 'x86_64'"


def nvidia(pins):
    return [dist(p.split("==")[0], p.split("==")[1], top=["nvidia"]) for p in pins]


def gpu(frameworks, driver=None, devices=(), wheels=()):
    return {
        "frameworks": frameworks,
        "cuda_wheels": list(wheels),
        "driver_version": driver,
        "cuda_driver_version": None,
        "devices": [dict(zip(("name", "compute_capability", "memory_mib"), d)) for d in devices],
    }


CASES = {
    "cpu-only": (
        [dist("numpy", "1.26.4"), dist("scikit-learn", "1.4.2", ["numpy>=1.19.5"], top=["sklearn"])],
        gpu([]),
    ),
    "torch-cu12": (
        [
            dist("torch", "2.3.1", [f"{p}; {LINUX}" for p in NV12] + ["triton==2.3.1; " + LINUX, "filelock"]),
            dist("triton", "2.3.1"),
            dist("filelock", "3.13.1"),
            *nvidia(NV12),
        ],
        gpu(
            [{"name": "torch", "version": "2.3.1", "cuda": "12.1", "cudnn": None}],
            "550.54.15",
            [("NVIDIA H100 80GB HBM3", "9.0", 81559)],
            NV12,
        ),
    ),
    "tensorflow": (
        [dist("tensorflow", "2.15.0", ["numpy>=1.23.5"]), dist("numpy", "1.26.4")],
        gpu(
            [{"name": "tensorflow", "version": "2.15.0", "cuda": "12.2", "cudnn": "8"}],
            "535.104.05",
            [("NVIDIA A100-SXM4-40GB", "8.0", 40960)],
        ),
    ),
    "jax-cuda12": (
        [
            dist("jax", "0.4.30", ["jaxlib"]),
            dist("jaxlib", "0.4.30"),
            dist("jax-cuda12-plugin", "0.4.30", ["jax-cuda12-pjrt==0.4.30"], top=["jax_cuda12_plugin"]),
            dist("jax-cuda12-pjrt", "0.4.30", top=["jax_plugins"]),
            *nvidia(NV12),
        ],
        gpu(
            [{"name": "jax", "version": "0.4.30", "cuda": "12", "cudnn": None}],
            "550.54.15",
            [("NVIDIA L4", "8.9", 23034)],
            NV12,
        ),
    ),
    "cupy": (
        [
            dist(
                "cupy-cuda12x", "13.2.0", ["numpy<2.3,>=1.22", "fastrlock>=0.5"], top=["cupy", "cupyx", "cupy_backends"]
            ),
            dist("numpy", "1.26.4"),
            dist("fastrlock", "0.8.2"),
        ],
        gpu(
            [{"name": "cupy", "version": "13.2.0", "cuda": "12.x", "cudnn": None}],
            "535.104.05",
            [("Tesla T4", "7.5", 15360)],
        ),
    ),
    "torch-old-driver": (
        [dist("torch", "2.1.0+cu121", ["filelock"]), dist("filelock", "3.13.1")],
        gpu(
            [{"name": "torch", "version": "2.1.0+cu121", "cuda": "12.1", "cudnn": None}],
            "470.82.01",
            [("Tesla V100-SXM2-16GB", "7.0", 16384)],
        ),
    ),
    "hopper-old-torch": (
        [
            dist("torch", "1.13.1+cu117", ["typing-extensions"]),
            dist("typing-extensions", "4.9.0", top=["typing_extensions"]),
        ],
        gpu(
            [{"name": "torch", "version": "1.13.1+cu117", "cuda": "11.7", "cudnn": None}],
            "550.54.15",
            [("NVIDIA H100 PCIe", "9.0", 81559)],
        ),
    ),
}


# What sys.modules held after the notebook ran (jax loads its CUDA plugin by entry point).
MODULES = {"jax-cuda12": ["jax", "jaxlib", "jax_plugins", "jax_cuda12_plugin"]}


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, (dists, gpu_facts) in CASES.items():
        answer = probe(dists, modules=MODULES.get(name), python="3.11.2")
        answer["gpu"] = gpu_facts
        (HERE / f"probe-{name}.json").write_text(json.dumps(answer, indent=1) + "\n")


if __name__ == "__main__":
    main()
