"""Verify: run the notebook inside the built image and compare it with its saved outputs."""

from .report import CellVerdict, VerifyReport
from .runner import verify_image

__all__ = ["CellVerdict", "VerifyReport", "verify_image"]
