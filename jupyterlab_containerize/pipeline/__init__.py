"""The pipeline: one build request run end to end (inspect -> render -> build -> verify -> share),
and the manager that runs several in worker threads for the server. The CLI, REST and panel use it."""

from .manager import BuildManager
from .records import BuildEvent, BuildRecord, BuildStatus
from .repair import run_build
from .run import BuildRequest, default_tag, run_pipeline

__all__ = [
    "BuildEvent", "BuildManager", "BuildRecord", "BuildRequest", "BuildStatus", "default_tag", "run_build",
    "run_pipeline",
]
