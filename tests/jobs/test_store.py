"""The job store on fake jobs (no Docker, no network): running, persistence, one redaction policy,
cancel of queued/running/finished jobs, the history limit."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from jupyterlab_containerize.errors import BuildCancelled, BuildFinished, BuildNotFound, ContainerizeError
from jupyterlab_containerize.jobs import Cancel, Emit, Job, JobRecord, JobStore
from jupyterlab_containerize.jobs.persist import save_job
from jupyterlab_containerize.jobs.redaction import redact_data, redact_message

PASSWORD = "hub-pa55word-XYZ"
GHP = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
LEAKY = f"pip said: https://me:{PASSWORD}@pypi.example.com/simple and git used {GHP}"


class Steps(Job):
    """Emits its lines, then returns its result (or raises)."""

    def __init__(self, lines: tuple[str, ...] = ("one", "two"), result: Optional[dict[str, Any]] = None,
                 raises: Optional[BaseException] = None, keeps: tuple[str, ...] = ()) -> None:
        self.lines, self.result, self.raises, self.keeps = lines, result or {"ok": True}, raises, keeps
        self.ran = threading.Event()

    def run(self, emit: Emit, cancel: Cancel) -> dict[str, Any]:
        self.ran.set()
        for line in self.lines:
            emit("log", line)
        if self.raises is not None:
            raise self.raises
        emit("done", "finished", data={"size": 1})
        return self.result


class Blocking(Job):
    """Runs until cancelled; `woken` says whether the cancel callback reached it."""

    def __init__(self) -> None:
        self.started, self.woken = threading.Event(), threading.Event()

    def run(self, emit: Emit, cancel: Cancel) -> dict[str, Any]:
        cancel.on_set(self.woken.set)  # as a job blocked on a stream closes it
        self.started.set()
        emit("log", "working")
        assert self.woken.wait(10)
        raise BuildCancelled("The job was cancelled.")


def run_one(store: JobStore, job: Job, options: Optional[dict[str, Any]] = None) -> JobRecord:
    return store.wait(store.start(job, "nb.ipynb", options or {}).id, 10)


def test_a_job_runs_and_its_record_persists(tmp_path: Path):
    store = JobStore(tmp_path / "jobs", max_workers=2)
    record = run_one(store, Steps(result={"image": "x"}))
    assert record.status == "succeeded" and record.result == {"image": "x"} and record.started
    assert [e.index for e in record.events] == [0, 1, 2] and record.events[-1].kind == "done"
    assert store.view(record.id, since=2)["events"] == [record.events[2].to_dict()]
    saved = json.loads((tmp_path / "jobs" / f"{record.id}.json").read_text())
    assert saved == record.to_dict() and saved["next"] == 3
    again = JobStore(tmp_path / "jobs")
    assert again.get(record.id).to_dict() == record.to_dict()
    assert [r["id"] for r in again.list()] == [record.id] and "events" not in again.list()[0]


def test_a_job_left_running_by_a_stopped_server_is_interrupted(tmp_path: Path):
    save_job(tmp_path, JobRecord(id="abcdef123456", notebook="x.ipynb", options={}, status="running"))
    record = JobStore(tmp_path).get("abcdef123456")
    assert record.status == "failed" and record.error and record.error["code"] == "interrupted"
    assert json.loads((tmp_path / "abcdef123456.json").read_text())["status"] == "failed"


def test_a_memory_store_writes_nothing_and_starts_at_once(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = JobStore(None)  # no queue: running from the start
    job = Blocking()
    record = store.start(job, "nb.ipynb", {})
    assert record.status == "running" and record.started == record.created
    assert job.started.wait(10)
    store.cancel(record.id)
    assert store.wait(record.id, 10).status == "cancelled"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("outcome", ["succeeded", "failed", "crashed"])
def test_one_redaction_policy_for_events_options_result_and_error(tmp_path: Path, outcome: str):
    raises: Optional[BaseException] = {"succeeded": None, "failed": ContainerizeError(LEAKY, hint=LEAKY,
                                                                                      detail=LEAKY),
                                       "crashed": RuntimeError(LEAKY)}[outcome]
    store = JobStore(tmp_path)
    record = run_one(store, Steps(lines=(LEAKY,), result={"note": LEAKY, "url": LEAKY}, raises=raises),
                     options={"index_url": f"https://me:{PASSWORD}@pypi.example.com/simple", "token": GHP})
    assert record.status == ("succeeded" if outcome == "succeeded" else "failed")
    for shown in (json.dumps(store.view(record.id)), json.dumps(store.list()),
                  (tmp_path / f"{record.id}.json").read_text()):
        assert PASSWORD not in shown and GHP not in shown
        assert "https://***@pypi.example.com/simple" in shown  # the line stays, its secret masked


def test_a_kept_result_field_loses_only_its_userinfo(tmp_path: Path):
    url = f"https://me:{PASSWORD}@hub.example.org/user/x/?token=server-token"
    record = run_one(JobStore(None), Steps(result={"launch_url": url, "other": url}, keeps=("launch_url",)))
    assert record.result == {"launch_url": "https://***@hub.example.org/user/x/?token=server-token",
                             "other": "https://***@hub.example.org/user/x/?token=***"}


def test_cancel_a_queued_job_before_it_starts(tmp_path: Path):
    store = JobStore(tmp_path, max_workers=1)
    first, second = Blocking(), Steps()
    running = store.start(first, "a.ipynb", {})
    assert first.started.wait(10)
    queued = store.start(second, "b.ipynb", {})
    assert store.get(queued.id).status == "queued"
    store.cancel(queued.id)
    store.cancel(running.id)
    assert store.wait(queued.id, 10).status == "cancelled" and store.wait(running.id, 10).status == "cancelled"
    assert store.get(queued.id).error["message"] == "The build was cancelled before it started."
    assert not second.ran.is_set() and store.get(queued.id).started is None
    deadline = time.monotonic() + 10  # the threads let go of their cancel signals as they end
    while store._cancels and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not store._cancels


def test_cancel_a_running_job_wakes_it_and_ends_it_cancelled(tmp_path: Path):
    store = JobStore(tmp_path, max_workers=1)
    job = Blocking()
    record = store.start(job, "nb.ipynb", {})
    assert job.started.wait(10)
    assert store.cancel(record.id).id == record.id
    final = store.wait(record.id, 10)
    assert job.woken.is_set() and final.status == "cancelled" and final.error["code"] == "build-cancelled"
    assert final.events[-1].kind == "error" and final.events[-1].message == "The job was cancelled."


def test_an_error_raised_after_cancel_ends_the_job_cancelled(tmp_path: Path):
    class Closed(Blocking):
        def run(self, emit: Emit, cancel: Cancel) -> dict[str, Any]:
            cancel.on_set(self.woken.set)
            self.started.set()
            assert self.woken.wait(10)
            raise ContainerizeError("the stream was closed")

    store = JobStore(None)
    job = Closed()
    record = store.start(job, "nb.ipynb", {})
    assert job.started.wait(10)
    store.cancel(record.id)
    assert store.wait(record.id, 10).status == "cancelled"


@pytest.mark.parametrize("raises", [None, ContainerizeError("no"), RuntimeError("bug")],
                         ids=["succeeded", "failed", "crashed"])
def test_cancel_of_a_finished_job_is_a_conflict_with_its_status(tmp_path: Path, raises):
    store = JobStore(tmp_path, noun="BinderHub build", finished_hint="Read it.")
    record = run_one(store, Steps(raises=raises))
    with pytest.raises(BuildFinished) as finished:
        store.cancel(record.id)
    assert finished.value.status == 409 and finished.value.to_dict()["status"] == record.status
    assert finished.value.message.startswith(f"BinderHub build {record.id} already ended ({record.status})")
    assert finished.value.hint == "Read it." and store.get(record.id).status == record.status


def test_a_bug_in_a_job_ends_it_failed_with_the_trace(tmp_path: Path):
    record = run_one(JobStore(tmp_path), Steps(raises=RuntimeError("bug")))
    assert record.status == "failed" and record.error["code"] == "internal-error"
    assert "RuntimeError: bug" in record.error["detail"] and record.events[-1].message == "Unexpected error: bug"


@pytest.mark.parametrize("on_disk", [True, False])
def test_the_store_keeps_the_last_finished_jobs(tmp_path: Path, on_disk: bool):
    store = JobStore(tmp_path if on_disk else None, keep=2)
    ids = [run_one(store, Steps()).id for _ in range(4)]
    blocking = Blocking()
    running = store.start(blocking, "nb.ipynb", {})
    assert [r["id"] for r in store.list()] == [*ids[-2:], running.id]  # two finished, and the one running
    if on_disk:
        assert sorted(p.stem for p in tmp_path.glob("*.json")) == sorted([*ids[-2:], running.id])
    store.cancel(running.id)
    store.wait(running.id, 10)


def test_an_unknown_job_is_not_found_with_the_store_hint():
    with pytest.raises(BuildNotFound) as missing:
        JobStore(None, noun="BinderHub build", not_found_hint="List them.").get("nope")
    assert missing.value.message == "No BinderHub build 'nope'." and missing.value.hint == "List them."


def test_shutdown_cancels_every_running_job():
    store = JobStore(None)
    jobs = [Blocking(), Blocking()]
    ids = [store.start(job, "nb.ipynb", {}).id for job in jobs]
    assert all(job.started.wait(10) for job in jobs)
    store.shutdown()
    assert [store.wait(i, 10).status for i in ids] == ["cancelled", "cancelled"]


def test_cancel_set_before_a_callback_is_registered_still_calls_it():
    cancel, called = Cancel(), []
    cancel.set()
    callback: Callable[[], None] = lambda: called.append(1)  # noqa: E731
    cancel.on_set(callback)
    assert called == [1] and cancel.is_set()


def test_userinfo_goes_whatever_its_characters():
    # redact() stops at a quote; the jobs' second pass does not
    assert redact_message('GET http://octo:pa"ss@hub.example.org/build') == "GET http://***@hub.example.org/build"
    assert redact_data({"a": ["http://t0k@h/x", 3]}) == {"a": ["http://***@h/x", 3]}
