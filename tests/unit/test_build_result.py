"""The typed build result and the typed verify report: the JSON the REST API, the panel and the CLI
read stays what it was (keys, their order, values)."""

from __future__ import annotations

import json

from jupyterlab_containerize.errors import VerifyFailed
from jupyterlab_containerize.pipeline.result import SERVE_CURL, BuildResult, run_command

BASE_KEYS = ["image", "tag", "image_id", "size", "size_text", "digest", "previous_image_id", "base_image",
             "base_python", "target", "environment_image", "environment", "notebook_sha256", "run_command", "gpu",
             "warnings", "sbom", "provenance"]


def result(**extra) -> BuildResult:
    return BuildResult(tag="hello:batch", image_id="sha256:feed", size=726_000_000, digest=None,
                       previous_image_id=None, base_image="python:3.11-slim", base_python="3.11.2", target="batch",
                       environment_image="localhost/containerize-env:1", environment={"how": "built"},
                       notebook_sha256="ab", run_command="docker run hello:batch", gpu={"mode": "cpu"},
                       warnings=[], sbom={}, provenance={}, **extra)


def test_the_optional_keys_appear_only_when_set_and_in_their_place():
    assert list(result().to_dict()) == [*BASE_KEYS, "progress_plan"]
    full = result(provenance_envelope={}, serve={}, manifests=[], notebooks=[], verify={}, referrers=[],
                  export="x.tar", repairs=[], repaired_spec=None).to_dict()
    assert list(full) == [*BASE_KEYS, "provenance_envelope", "serve", "manifests", "notebooks", "verify",
                          "referrers", "export", "progress_plan", "repairs", "repaired_spec"]
    assert full["image"] == full["tag"] == "hello:batch" and full["size_text"] == "726 MB"
    assert full["repaired_spec"] is None  # --repair with no change: the key says so


def test_the_serve_lines_name_the_layouts_port():
    assert "127.0.0.1:8080:8080" in run_command("hello:serve", "serve")
    assert SERVE_CURL.endswith("http://127.0.0.1:8080/run")


def test_the_verify_report_is_a_field_and_the_rest_error_carries_it_as_json_text():
    report = {"passed": False, "cells": [{"index": 1, "cell": 2, "status": "failed"}]}
    err = VerifyFailed("Verify failed: cell 2 failed", report=report)
    assert err.report is report and json.loads(err.to_dict()["detail"]) == report
    # the runner stopped before any verdict: no report, its log is the detail
    stopped = VerifyFailed("The notebook runner stopped", detail="Killed\n")
    assert stopped.report is None and stopped.to_dict()["detail"] == "Killed\n"
