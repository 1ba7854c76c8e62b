"""The environment check's decisions on a fake engine: trusted, broken (untagged, recorded, told), or
never checked (an inherited label); no Docker. The real engine's side is in test_apt_faults.py."""

from __future__ import annotations

import pytest

from jupyterlab_containerize.builder import environment_check
from jupyterlab_containerize.builder.engine import ImageInfo, RunResult
from jupyterlab_containerize.builder.environment_check import (
    CHECK_KEY_LABEL,
    CHECK_LABEL,
    REPORT_PATH,
    check_failure,
    check_labels,
    first_trusted,
    is_broken,
    trusted,
)
from jupyterlab_containerize.builder.environment_reuse import APT_LABEL, ENV_LABEL, PINS_LABEL
from jupyterlab_containerize.errors import EnvironmentCheckFailed
from tests.builder.fakes import FakeEngine

TAG = "localhost/containerize-env:k1"
REPORT = b"python 3.11.2\ndist six 1.16.0 files=6\napt tree 2.1.0-1\n"


class Engine(FakeEngine):
    def __init__(self, labels: dict[str, str], image_id: str = "sha256:one") -> None:
        super().__init__()
        self.labels, self.image_id, self.removed = labels, image_id, []
        self.container_files = {REPORT_PATH: REPORT}

    def image_info(self, ref: str) -> ImageInfo:
        return ImageInfo(id=self.image_id, size=1, labels=self.labels, tags=[TAG])

    def untag(self, tag: str) -> None:
        self.removed.append(tag)


@pytest.fixture(autouse=True)
def own_records(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(environment_check, "_verified", set())
    monkeypatch.setattr(environment_check, "_broken", set())


def labels(**more: str) -> dict[str, str]:
    return {ENV_LABEL: "k1", APT_LABEL: "tree", PINS_LABEL: "six==1.16.0",
            **check_labels({REPORT_PATH: REPORT}, "k1"), **more}


def test_an_image_that_gives_its_report_again_is_trusted_once_checked():
    engine = Engine(labels())
    told: list = []
    assert trusted(engine, TAG, lambda *a, **k: told.append(a))
    assert trusted(engine, TAG, lambda *a, **k: told.append(a))
    assert len(engine.runs) == 1 and told == [] and engine.runs[0]["network"] is False


def test_a_failing_check_untags_records_and_tells():
    engine = Engine(labels())
    engine.run_result = RunResult(1, "containerize-check: FAILED: the apt package tree is not installed\n")
    told: list = []
    assert not trusted(engine, TAG, lambda kind, message, **k: told.append(message))
    assert engine.removed == [TAG] and is_broken("sha256:one")
    assert "is broken: the apt package tree is not installed" in told[0]
    assert not trusted(engine, TAG, lambda *a, **k: None) and len(engine.runs) == 1  # never again


def test_another_installed_set_is_broken():
    engine = Engine(labels())
    engine.container_files = {REPORT_PATH: REPORT.replace(b"1.16.0", b"1.17.0")}
    assert not trusted(engine, TAG, lambda *a, **k: None) and engine.removed == [TAG]


def test_an_inherited_check_label_is_not_a_check_and_not_broken():
    engine = Engine(labels(**{ENV_LABEL: "k2"}))  # committed FROM a checked image, by code that does not check
    assert not trusted(engine, TAG, lambda *a, **k: None)
    assert engine.runs == [] and engine.removed == [] and not is_broken("sha256:one")


def test_no_report_no_label_and_the_checks_own_line_is_the_error():
    with pytest.raises(EnvironmentCheckFailed):
        check_labels({}, "k1")
    assert set(check_labels({REPORT_PATH: REPORT}, "k1")) == {CHECK_LABEL, CHECK_KEY_LABEL}
    failed = check_failure(["Installed 3 packages", "containerize-check: FAILED: the program dot is not on PATH"])
    assert failed is not None and "the program dot is not on PATH" in failed.message and "\n" not in failed.message
    assert check_failure(["error: something else"]) is None


def test_a_broken_candidate_is_passed_over_for_the_next_and_the_search_is_bounded():
    class Candidate:
        def __init__(self, tag: str) -> None:
            self.tag = tag

    class Two(Engine):
        def image_info(self, ref: str) -> ImageInfo:
            return ImageInfo(id=f"sha256:{ref}", size=1, labels=self.labels, tags=[ref])

        def run(self, image: str, *args, **kwargs) -> RunResult:
            self.run_result = RunResult(1 if image.endswith(":bad") else 0, "")
            return super().run(image, *args, **kwargs)

    engine = Two(labels())
    offered = iter([Candidate(f"{TAG[:-3]}:bad"), Candidate(f"{TAG[:-3]}:good")])
    found = first_trusted(lambda: next(offered), engine, lambda *a, **k: None, [])
    assert found is not None and found.tag.endswith(":good") and is_broken(f"sha256:{TAG[:-3]}:bad")
    unchecked = Engine(labels(**{ENV_LABEL: "other"}))
    calls: list = []
    assert first_trusted(lambda: calls.append(1) or Candidate(TAG), unchecked, lambda *a, **k: None, []) is None
    assert len(calls) == environment_check.MAX_CANDIDATES
