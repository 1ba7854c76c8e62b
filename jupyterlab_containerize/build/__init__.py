"""Build: engine and image operations only. A rendered context -> an image on an engine."""

from .engine import Engine, ImageInfo, Mount, RunResult

__all__ = ["Engine", "ImageInfo", "Mount", "RunResult"]
