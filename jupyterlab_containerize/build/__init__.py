"""Build: a rendered context -> an image on an engine, with progress events, cancel and records."""

from .engine import Engine, ImageInfo, Mount, RunResult
from .events import BuildEvent, BuildRecord, BuildStatus, EventKind
from .manager import BuildManager
from .pipeline import BuildRequest, default_tag, run_pipeline

__all__ = [
    "BuildEvent",
    "BuildManager",
    "BuildRecord",
    "BuildRequest",
    "BuildStatus",
    "Engine",
    "EventKind",
    "ImageInfo",
    "Mount",
    "RunResult",
    "default_tag",
    "run_pipeline",
]
