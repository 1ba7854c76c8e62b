"""Image builds as jobs (BuildManager) on a fake engine: several builds, events since N, cancel,
records on disk."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import BuildFinished, BuildNotFound
from jupyterlab_containerize.jobs.persist import save_job
from jupyterlab_containerize.jobs.records import JobRecord
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline import BuildManager

from .fakes import FakeEngine

OPTIONS = dict(base_image="localhost/containerize-test/python:3.11")


def test_builds_run_and_persist(hello_spec, hello_dir, tmp_path):
    manager = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    records = [manager.submit(hello_dir / "hello.ipynb", BuildOptions(**OPTIONS), hello_spec)
               for _ in range(3)]
    for record in records:
        assert manager.wait(record.id, 30).status == "succeeded"
    view = manager.view(records[0].id, since=2)
    assert view["events"][0]["index"] == 2 and view["result"]["image_id"] == "sha256:feed"
    assert view["events"][-1]["kind"] == "done"
    saved = json.loads((tmp_path / "builds" / f"{records[0].id}.json").read_text())
    assert saved["status"] == "succeeded" and saved["result"]["tag"] == "hello:notebook"
    assert len(manager.list()) == 3 and "events" not in manager.list()[0]


def test_records_survive_a_restart_and_interrupted_ones_fail(hello_spec, hello_dir, tmp_path):
    manager = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    done = manager.submit(hello_dir / "hello.ipynb", BuildOptions(**OPTIONS), hello_spec)
    manager.wait(done.id, 30)
    save_job(tmp_path / "builds", JobRecord(id="abcdef123456", notebook="x.ipynb",
                                            options={}, status="running"))
    again = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    assert again.get(done.id).status == "succeeded"
    interrupted = again.get("abcdef123456")
    assert interrupted.status == "failed" and interrupted.error["code"] == "interrupted"


def test_cancel_a_running_build(hello_spec, hello_dir, tmp_path):
    started = threading.Event()
    manager = BuildManager(tmp_path / "builds", engine_factory=lambda: FakeEngine(block=started))
    record = manager.submit(hello_dir / "hello.ipynb", BuildOptions(**OPTIONS), hello_spec)
    assert started.wait(10)
    manager.cancel(record.id)
    final = manager.wait(record.id, 10)
    assert final.status == "cancelled" and final.error["code"] == "build-cancelled"
    assert final.events[-1].kind == "error"


def test_cancel_a_queued_build_then_a_finished_one_is_a_conflict(hello_spec, hello_dir, tmp_path):
    started = threading.Event()
    manager = BuildManager(tmp_path / "builds", engine_factory=lambda: FakeEngine(block=started), max_workers=1)
    running = manager.submit(hello_dir / "hello.ipynb", BuildOptions(**OPTIONS), hello_spec)
    assert started.wait(10)
    queued = manager.submit(hello_dir / "hello.ipynb", BuildOptions(**OPTIONS), hello_spec)
    assert manager.get(queued.id).status == "queued"
    manager.cancel(queued.id)
    saved = json.loads((tmp_path / "builds" / f"{queued.id}.json").read_text())
    assert saved["status"] == "cancelled" and saved["error"]["code"] == "build-cancelled" and not saved["started"]
    manager.cancel(running.id)
    assert manager.wait(running.id, 10).status == "cancelled"
    with pytest.raises(BuildFinished) as finished:
        manager.cancel(running.id)
    assert finished.value.to_dict()["status"] == "cancelled" and "/containerize/builds/ID" in finished.value.hint


def test_unknown_build_is_not_found(tmp_path):
    with pytest.raises(BuildNotFound):
        BuildManager(tmp_path, engine_factory=FakeEngine).get("nope")


def test_options_with_credentials_are_redacted_in_records(hello_spec, hello_dir, tmp_path):
    manager = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    options = BuildOptions(index_url="https://me:s3cret@pypi.example.com/simple", **OPTIONS)
    record = manager.submit(hello_dir / "hello.ipynb", options, hello_spec)
    manager.wait(record.id, 30)
    text = (tmp_path / "builds" / f"{record.id}.json").read_text()
    assert "s3cret" not in text and "***@pypi.example.com" in text
    assert Path(record.notebook).name == "hello.ipynb"
