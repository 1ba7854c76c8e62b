"""Build records and their progress events: plain data, JSON on disk and over REST."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Callable, Optional


class BuildStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (BuildStatus.SUCCEEDED, BuildStatus.FAILED, BuildStatus.CANCELLED)


@dataclass
class BuildEvent:
    index: int
    kind: str
    message: str
    time: float = field(default_factory=time.time)
    step: Optional[int] = None
    total: Optional[int] = None
    data: Optional[dict[str, Any]] = None
    # {phase: environment|notebook|verify|push, step, total}: one numbering for the whole build
    progress: Optional[dict[str, Any]] = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class BuildRecord:
    id: str
    notebook: str
    options: dict[str, Any]
    status: str = BuildStatus.QUEUED.value
    created: float = field(default_factory=time.time)
    started: Optional[float] = None
    finished: Optional[float] = None
    events: list[BuildEvent] = field(default_factory=list)
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
    def from_dict(cls, data: dict[str, Any]) -> BuildRecord:
        events = [BuildEvent(**e) for e in data.get("events", [])]
        keep = {k: data[k] for k in ("id", "notebook", "options", "status", "created", "started",
                                     "finished", "result", "error") if k in data}
        return cls(events=events, **keep)


def wait_until_finished(get: Callable[[str], BuildRecord], build_id: str, timeout: float,
                        poll_s: float, what: str = "build") -> BuildRecord:
    """Block until a record's status is final (tests and scripts); shared by every record store."""
    deadline = time.monotonic() + timeout
    while not BuildStatus(get(build_id).status).finished:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} {build_id} still {get(build_id).status}")
        time.sleep(poll_s)
    return get(build_id)
