"""Image builds as jobs: `run_build` wrapped as one, on the server's job store (jobs/), which runs
several at once in worker threads and keeps their records on disk."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, Optional

from ..builder.engine import Engine
from ..builder.engines import make_engine
from ..errors import ContainerizeError
from ..inspect import StaticChoices
from ..jobs import Cancel, Emit, Job, JobRecord, JobStore
from ..options import BuildOptions
from ..spec import EnvironmentSpec
from .build import run_build
from .publish import kept_of
from .run import BuildRequest

EngineFactory = Callable[[], Engine]


def docker_engine() -> Engine:
    return make_engine()


class ImageBuild(Job):
    """One build request, end to end, on an engine made for it in the worker thread."""

    def __init__(self, request: BuildRequest, engine_factory: EngineFactory) -> None:
        self.request = request
        self.engine_factory = engine_factory

    def run(self, emit: Emit, cancel: Cancel) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="containerize-build-") as workdir:
            return run_build(self.request, self.engine_factory(), emit, cancel, Path(workdir))

    def error_data(self, err: ContainerizeError) -> dict[str, Any]:
        return {**err.to_dict(), **kept_of(err)}  # where the new image is when the tag did not move


class BuildManager(JobStore):
    """The server's image builds: records in `data_dir`, at most `max_workers` building at once."""

    def __init__(self, data_dir: Path, engine_factory: EngineFactory = docker_engine,
                 max_workers: int = 2) -> None:
        super().__init__(Path(data_dir), max_workers=max_workers, noun="build")
        self.data_dir = Path(data_dir)
        self._engine_factory = engine_factory

    def engine(self) -> Any:
        """The engine builds run on (for the environments view and prune)."""
        return self._engine_factory()

    def check_engine(self) -> None:
        """Raises EngineUnavailable now, so a POST answers 503 instead of a failed record later."""
        self._engine_factory().ping()

    def submit(self, notebook: Path, options: BuildOptions,
               spec: Optional[EnvironmentSpec] = None, root: Optional[Path] = None,
               static: Optional[StaticChoices] = None) -> JobRecord:
        request = BuildRequest(notebook, options, spec, root, static=static or StaticChoices())
        return self.start(ImageBuild(request, self._engine_factory), str(notebook), options.to_dict())
