"""Build: engine and image operations only. A rendered context -> an image on an engine."""

from .engine import Engine, ImageInfo, RunResult

__all__ = ["Engine", "ImageInfo", "RunResult"]
