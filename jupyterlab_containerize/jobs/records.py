"""Job records and their progress events: plain data, JSON on disk and over REST (the same JSON
for every kind of job: image builds, BinderHub builds)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Literal, Optional


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


# what an event says: a numbered step, a log line, the error that ended the job, the end, a verify check
EventKind = Literal["step", "log", "error", "done", "verify"]


@dataclass
class JobEvent:
    index: int
    kind: str
    message: str
    time: float = field(default_factory=time.time)
    step: Optional[int] = None
    total: Optional[int] = None
    data: Optional[dict[str, Any]] = None
    # image builds: {phase: environment|notebook|verify|push, step, total}, one numbering for the whole build
    progress: Optional[dict[str, Any]] = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class JobRecord:
    id: str
    notebook: str  # what the job is for: the notebook or folder path, as the panel matches builds
    options: dict[str, Any]
    status: str = JobStatus.QUEUED.value
    created: float = field(default_factory=time.time)
    started: Optional[float] = None
    finished: Optional[float] = None
    events: list[JobEvent] = field(default_factory=list)
    result: Optional[dict[str, Any]] = None
    error: Optional[dict[str, Any]] = None

    def summary(self) -> dict[str, Any]:
        """What the list endpoint shows: everything but the events."""
        data = {k: v for k, v in asdict(self).items() if k != "events"}
        data["next"] = len(self.events)
        return data

    def view(self, since: int = 0) -> dict[str, Any]:
        data = self.summary()
        data["events"] = [e.to_dict() for e in self.events[max(since, 0):]]
        return data

    def to_dict(self) -> dict[str, Any]:
        return self.view(0)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobRecord:
        events = [JobEvent(**e) for e in data.get("events", [])]
        keep = {k: data[k] for k in ("id", "notebook", "options", "status", "created", "started",
                                     "finished", "result", "error") if k in data}
        return cls(events=events, **keep)

