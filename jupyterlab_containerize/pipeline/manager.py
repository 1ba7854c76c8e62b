"""Several builds at once, in worker threads; records and events readable from the event loop."""

from __future__ import annotations

import tempfile
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Callable, Optional

from ..builder.docker_engine import DockerEngine
from ..builder.engine import Engine
from ..errors import BuildCancelled, BuildFinished, BuildNotFound, ContainerizeError
from ..inspect import StaticChoices
from ..options import BuildOptions
from ..redact import redact, redact_value
from ..spec import EnvironmentSpec
from .build import run_build
from .publish import kept_of
from .records import BuildEvent, BuildRecord, BuildStatus, wait_until_finished
from .run import BuildRequest
from .store import load_records, save_record

EngineFactory = Callable[[], Engine]
PERSIST_EVERY_S = 1.0  # log lines are many; write them at most once a second


def docker_engine() -> Engine:
    return DockerEngine()


class BuildManager:
    def __init__(self, data_dir: Path, engine_factory: EngineFactory = docker_engine,
                 max_workers: int = 2) -> None:
        self.data_dir = Path(data_dir)
        self._engine_factory = engine_factory
        # daemon threads, at most max_workers building: a server that stops is not held up
        self._slots = threading.BoundedSemaphore(max_workers)
        self._lock = threading.Lock()
        self._cancels: dict[str, threading.Event] = {}
        self._persisted: dict[str, float] = {}
        self._records = {r.id: r for r in load_records(self.data_dir)}  # interrupted ones marked failed

    def engine(self) -> Any:
        """The engine builds run on (for the environments view and prune)."""
        return self._engine_factory()

    def check_engine(self) -> None:
        """Raises EngineUnavailable now, so a POST answers 503 instead of a failed record later."""
        self._engine_factory().ping()

    def submit(self, notebook: Path, options: BuildOptions,
               spec: Optional[EnvironmentSpec] = None, root: Optional[Path] = None,
               static: Optional[StaticChoices] = None) -> BuildRecord:
        record = BuildRecord(id=uuid.uuid4().hex[:12], notebook=str(notebook),
                             options=options.to_dict())
        cancel = threading.Event()
        with self._lock:
            self._records[record.id] = record
            self._cancels[record.id] = cancel
        save_record(self.data_dir, record)
        request = BuildRequest(notebook, options, spec, root, static=static or StaticChoices())
        threading.Thread(target=self._run_in_slot, args=(record, request, cancel), daemon=True,
                         name=f"containerize-{record.id}").start()
        return record

    def get(self, build_id: str) -> BuildRecord:
        with self._lock:
            record = self._records.get(build_id)
        if record is None:
            raise BuildNotFound(f"No build {build_id!r}.")
        return record

    def view(self, build_id: str, since: int = 0) -> dict[str, Any]:
        record = self.get(build_id)
        with self._lock:
            return record.view(since)

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.summary() for r in sorted(self._records.values(), key=lambda r: r.created)]

    def cancel(self, build_id: str) -> BuildRecord:
        """Stop a queued or running build; BuildFinished (409, with its status) when it already ended."""
        record = self.get(build_id)
        with self._lock:
            if BuildStatus(record.status).finished:
                raise BuildFinished(f"Build {build_id} already ended ({record.status}); there is nothing to cancel.",
                                    build_status=record.status)
            event = self._cancels.get(build_id)
            if event is not None:
                event.set()
            if record.status == BuildStatus.QUEUED.value:
                self._finish(record, BuildStatus.CANCELLED, error=BuildCancelled(
                    "The build was cancelled before it started.").to_dict())
        return record

    def shutdown(self) -> None:
        for event in list(self._cancels.values()):
            event.set()

    def wait(self, build_id: str, timeout: float = 600) -> BuildRecord:
        """Block until the build finishes (tests and scripts)."""
        return wait_until_finished(self.get, build_id, timeout, poll_s=0.2)

    def _run_in_slot(self, record: BuildRecord, request: BuildRequest,
                     cancel: threading.Event) -> None:
        with self._slots:
            self._run(record, request, cancel)

    def _run(self, record: BuildRecord, request: BuildRequest, cancel: threading.Event) -> None:
        with self._lock:
            if record.status != BuildStatus.QUEUED.value:
                return  # cancelled while queued
            record.status = BuildStatus.RUNNING.value
            record.started = time.time()
        save_record(self.data_dir, record)
        emit = self._emitter(record)
        try:
            with tempfile.TemporaryDirectory(prefix=f"containerize-{record.id}-") as workdir:
                result = run_build(request, self._engine_factory(), emit, cancel, Path(workdir))
            with self._lock:
                self._finish(record, BuildStatus.SUCCEEDED, result=result)
        except BuildCancelled as err:
            error = {**err.to_dict(), **kept_of(err)}  # where the new image is when the tag did not move
            emit("error", err.message, data=error)
            with self._lock:
                self._finish(record, BuildStatus.CANCELLED, error=error)
        except ContainerizeError as err:
            status = BuildStatus.CANCELLED if cancel.is_set() else BuildStatus.FAILED
            error = {**err.to_dict(), **kept_of(err)}
            emit("error", str(err), data=error)
            with self._lock:
                self._finish(record, status, error=error)
        except Exception as err:  # a bug must still end the record, with the trace to report
            emit("error", f"Unexpected error: {err}")
            with self._lock:
                self._finish(record, BuildStatus.FAILED, error={
                    "code": "internal-error", "message": str(err), "hint": None,
                    "detail": traceback.format_exc()})
        finally:
            self._cancels.pop(record.id, None)

    def _emitter(self, record: BuildRecord) -> Callable[..., None]:
        def emit(kind: str, message: str, step: Optional[int] = None,
                 total: Optional[int] = None, data: Optional[dict[str, Any]] = None) -> None:
            # tools echo index and proxy URLs with their passwords: none is stored or shown
            data = dict(data) if data else None
            progress = data.pop("progress", None) if data else None
            event = BuildEvent(index=0, kind=kind, message=redact(message), step=step, total=total,
                               data=redact_value(data) if data else None, progress=progress)
            with self._lock:
                event.index = len(record.events)
                record.events.append(event)
            now = time.monotonic()
            if kind != "log" or now - self._persisted.get(record.id, 0) > PERSIST_EVERY_S:
                self._persisted[record.id] = now
                self._save(record)
        return emit

    def _finish(self, record: BuildRecord, status: BuildStatus, result: Optional[dict] = None,
                error: Optional[dict] = None) -> None:
        """Called with the lock held."""
        record.status = status.value
        record.finished = time.time()
        record.result = redact_value(result)
        record.error = redact_value(error)  # messages and detail quote the build log
        save_record(self.data_dir, record)

    def _save(self, record: BuildRecord) -> None:
        with self._lock:
            save_record(self.data_dir, record)
