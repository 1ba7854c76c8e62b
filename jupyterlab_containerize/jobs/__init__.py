"""One runtime for every long-running job (image builds, BinderHub builds): a `Job` is
`run(emit, cancel) -> result`; the `JobStore` runs, records, redacts, persists and cancels it."""

from .records import EventKind, JobEvent, JobRecord, JobStatus
from .store import Cancel, Emit, Job, JobStore

__all__ = ["Cancel", "Emit", "EventKind", "Job", "JobEvent", "JobRecord", "JobStatus", "JobStore"]
