"""One store for every long-running job: image builds, BinderHub builds and whatever comes next.

A job is `run(emit, cancel) -> result`; the store runs it in a worker thread (at most `max_workers`
at once, or no queue at all), records its events, result and error as one `JobRecord`, redacts
them by one policy (jobs/redaction.py), persists them where it has a folder, keeps the last `keep`
finished ones, and answers cancel the same way for every kind: a job that already ended is a 409.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Callable, Optional, Protocol

from ..errors import BuildCancelled, BuildFinished, BuildNotFound, ContainerizeError
from .persist import forget_job, load_jobs, save_job
from .records import EventKind, JobEvent, JobRecord, JobStatus
from .redaction import redact_data, redact_message

PERSIST_EVERY_S = 1.0  # log lines are many; write them at most once a second


class Emit(Protocol):
    """How a job reports progress: one event, redacted and numbered by the store."""

    def __call__(self, kind: EventKind, message: str, step: Optional[int] = None, total: Optional[int] = None,
                 data: Optional[dict[str, Any]] = None) -> None: ...


class Cancel(threading.Event):
    """The stop signal a job polls; a job that blocks on I/O registers `on_set` to be woken."""

    def __init__(self) -> None:
        super().__init__()
        self._callbacks: list[Callable[[], None]] = []
        self._callbacks_lock = threading.Lock()

    def on_set(self, callback: Callable[[], None]) -> None:
        with self._callbacks_lock:
            self._callbacks.append(callback)
            now = self.is_set()
        if now:
            callback()

    def set(self) -> None:
        super().set()
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()


class Job:
    """What the store runs. `keeps`: result keys that hand the user a credential on purpose."""

    keeps: tuple[str, ...] = ()

    def run(self, emit: Emit, cancel: Cancel) -> dict[str, Any]:
        raise NotImplementedError

    def error_data(self, err: ContainerizeError) -> dict[str, Any]:
        """The record's `error` when the job raised `err`."""
        return err.to_dict()


class JobStore:
    def __init__(self, directory: Optional[Path] = None, max_workers: Optional[int] = None,
                 keep: Optional[int] = None, noun: str = "build", not_found_hint: Optional[str] = None,
                 finished_hint: Optional[str] = None) -> None:
        """`directory`: where records persist (None: memory only); `max_workers`: None runs each job
        at once, without a queue; `keep`: how many finished records stay (None: all)."""
        self.directory = Path(directory) if directory is not None else None
        self._keep = keep
        self._noun = noun
        self._not_found_hint = not_found_hint
        self._finished_hint = finished_hint
        # daemon threads, at most max_workers running: a server that stops is not held up
        self._slots = threading.BoundedSemaphore(max_workers) if max_workers else None
        self._lock = threading.RLock()  # _finish and _save take it, and cancel holds it around _finish
        self._cancels: dict[str, Cancel] = {}
        self._persisted: dict[str, float] = {}
        # interrupted ones are marked failed
        self._records = {r.id: r for r in load_jobs(self.directory)} if self.directory else {}

    def start(self, job: Job, notebook: str, options: dict[str, Any]) -> JobRecord:
        """Record the job and run it in its own thread; the record comes back at once."""
        record = JobRecord(id=uuid.uuid4().hex[:12], notebook=notebook, options=redact_data(options))
        if self._slots is None:  # no queue: the job starts now
            record.status, record.started = JobStatus.RUNNING.value, record.created
        cancel = Cancel()
        with self._lock:
            self._prune()
            self._records[record.id] = record
            self._cancels[record.id] = cancel
        self._save(record)
        threading.Thread(target=self._run_in_slot, args=(record, job, cancel), daemon=True,
                         name=f"containerize-{record.id}").start()
        return record

    def get(self, job_id: str) -> JobRecord:
        with self._lock:
            record = self._records.get(job_id)
        if record is None:
            raise BuildNotFound(f"No {self._noun} {job_id!r}.", hint=self._not_found_hint)
        return record

    def view(self, job_id: str, since: int = 0) -> dict[str, Any]:
        record = self.get(job_id)
        with self._lock:
            return record.view(since)

    def summary(self, job_id: str) -> dict[str, Any]:
        record = self.get(job_id)
        with self._lock:
            return record.summary()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.summary() for r in sorted(self._records.values(), key=lambda r: r.created)]

    def cancel(self, job_id: str) -> JobRecord:
        """Stop a queued or running job; BuildFinished (409, with its status) when it already ended."""
        record = self.get(job_id)
        with self._lock:
            if JobStatus(record.status).finished:
                noun = self._noun[0].upper() + self._noun[1:]
                raise BuildFinished(f"{noun} {job_id} already ended ({record.status}); there is nothing to cancel.",
                                    build_status=record.status, hint=self._finished_hint)
            cancel = self._cancels.get(job_id)
            if record.status == JobStatus.QUEUED.value:
                self._finish(record, JobStatus.CANCELLED, error=BuildCancelled(
                    f"The {self._noun} was cancelled before it started.").to_dict())
        if cancel is not None:  # outside the lock: a job's callback may take its time (closing a stream)
            cancel.set()
        return record

    def shutdown(self) -> None:
        with self._lock:
            cancels = list(self._cancels.values())
        for cancel in cancels:
            cancel.set()

    def wait(self, job_id: str, timeout: float = 600, poll_s: float = 0.05) -> JobRecord:
        """Block until the job's status is final (tests and scripts)."""
        deadline = time.monotonic() + timeout
        while not JobStatus(self.get(job_id).status).finished:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self._noun} {job_id} still {self.get(job_id).status}")
            time.sleep(poll_s)
        return self.get(job_id)

    def _run_in_slot(self, record: JobRecord, job: Job, cancel: Cancel) -> None:
        try:
            with self._slots or contextlib.nullcontext():
                if self._mark_running(record):
                    self._run(record, job, cancel)
        finally:
            with self._lock:
                self._cancels.pop(record.id, None)
                self._persisted.pop(record.id, None)

    def _mark_running(self, record: JobRecord) -> bool:
        """False when the job was cancelled while it waited for a slot."""
        with self._lock:
            if record.status == JobStatus.RUNNING.value:  # no queue: running since start()
                return True
            if record.status != JobStatus.QUEUED.value:
                return False
            record.status, record.started = JobStatus.RUNNING.value, time.time()
        self._save(record)
        return True

    def _run(self, record: JobRecord, job: Job, cancel: Cancel) -> None:
        emit = self._emitter(record)
        try:
            result = job.run(emit, cancel)
            self._finish(record, JobStatus.SUCCEEDED, result=result, keeps=job.keeps)
        except ContainerizeError as err:
            cancelled = isinstance(err, BuildCancelled) or cancel.is_set()
            error = job.error_data(err)
            emit("error", err.message, data=error)
            self._finish(record, JobStatus.CANCELLED if cancelled else JobStatus.FAILED, error=error)
        except Exception as err:  # a bug must still end the record, with the trace to report
            emit("error", f"Unexpected error: {err}")
            self._finish(record, JobStatus.FAILED, error={
                "code": "internal-error", "message": str(err), "hint": None, "detail": traceback.format_exc()})

    def _emitter(self, record: JobRecord) -> Emit:
        def emit(kind: EventKind, message: str, step: Optional[int] = None, total: Optional[int] = None,
                 data: Optional[dict[str, Any]] = None) -> None:
            data = dict(data) if data else None
            progress = data.pop("progress", None) if data else None
            event = JobEvent(index=0, kind=kind, message=redact_message(message), step=step, total=total,
                             data=redact_data(data) if data else None, progress=progress)
            now = time.monotonic()
            with self._lock:
                event.index = len(record.events)
                record.events.append(event)
                due = kind != "log" or now - self._persisted.get(record.id, 0) > PERSIST_EVERY_S
                if due:
                    self._persisted[record.id] = now
            if due:
                self._save(record)
        return emit

    def _finish(self, record: JobRecord, status: JobStatus, result: Optional[dict[str, Any]] = None,
                error: Optional[dict[str, Any]] = None, keeps: tuple[str, ...] = ()) -> None:
        with self._lock:
            record.status, record.finished = status.value, time.time()
            record.result = redact_data(result, keeps)
            record.error = redact_data(error)  # messages and detail quote the log
            self._save(record)

    def _save(self, record: JobRecord) -> None:
        if self.directory is not None:
            with self._lock:
                save_job(self.directory, record)

    def _prune(self) -> None:
        """Called with the lock held: forget the oldest finished records beyond `keep`."""
        if self._keep is None:
            return
        finished = sorted((r for r in self._records.values() if JobStatus(r.status).finished),
                          key=lambda r: r.created)
        for record in finished[:max(0, len(finished) - self._keep)]:
            del self._records[record.id]
            if self.directory is not None:
                forget_job(self.directory, record.id)
