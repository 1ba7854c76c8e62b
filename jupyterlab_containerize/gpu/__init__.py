"""GPU: choose how an image gets CUDA from what the kernel used, and check it before the build and at start."""

from pathlib import Path

from .check import check_plan
from .plan import GpuPlan, GpuWarning, parse_gpu_option, plan_gpu, uses_gpu

START_CHECK_SCRIPT = Path(__file__).with_name("files") / "gpu_check.py"

__all__ = [
    "GpuPlan",
    "GpuWarning",
    "START_CHECK_SCRIPT",
    "check_plan",
    "parse_gpu_option",
    "plan_gpu",
    "uses_gpu",
]
