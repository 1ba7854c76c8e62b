"""Job records on disk, one JSON file each, so they survive a server restart."""

from __future__ import annotations

import json
from pathlib import Path

from ..safe_write import make_dirs, write_text
from .records import JobRecord, JobStatus

INTERRUPTED = "The server stopped while this build ran; start it again."


def save_job(directory: Path, record: JobRecord) -> None:
    """Write atomically: a reader never sees half a file."""
    make_dirs(directory)
    write_text(directory / f"{record.id}.json", json.dumps(record.to_dict()), mode=0o600)


def forget_job(directory: Path, job_id: str) -> None:
    """A record beyond the store's history limit goes from the disk too."""
    (directory / f"{job_id}.json").unlink(missing_ok=True)


def load_jobs(directory: Path) -> list[JobRecord]:
    """Every readable record; ones left running by a stopped server become failed."""
    records = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            record = JobRecord.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            continue  # a damaged record must not stop the server
        if not JobStatus(record.status).finished:
            record.status = JobStatus.FAILED.value
            record.error = {"code": "interrupted", "message": INTERRUPTED, "hint": None,
                            "detail": None}
            save_job(directory, record)  # only what changed is written back
        records.append(record)
    return sorted(records, key=lambda r: r.created)
