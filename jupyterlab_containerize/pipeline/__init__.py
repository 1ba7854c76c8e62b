"""The pipeline: one build request run end to end (inspect -> plan -> render -> build -> verify ->
publish), and the manager that runs several in worker threads for the server. The CLI, REST and panel
use it; build.run_build is the entry of every build."""

from .build import run_build
from .manager import BuildManager
from .records import BuildEvent, BuildRecord, BuildStatus
from .result import BuildResult
from .run import BuildRequest, default_tag, run_pipeline

__all__ = [
    "BuildEvent", "BuildManager", "BuildRecord", "BuildRequest", "BuildResult", "BuildStatus", "default_tag",
    "run_build", "run_pipeline",
]
