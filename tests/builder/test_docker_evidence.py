"""What an image says about itself, read back from a real build: OCI annotations, the CycloneDX 1.6
SBOM in the image (validated with cyclonedx-python-lib), SLSA provenance (validated against the
in-toto Statement and SLSA v1 protobuf schemas), and both attached to the pushed image in a real
registry (Distribution 2.8: the referrers tag fallback)."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main
from jupyterlab_containerize.evidence import referrers
from jupyterlab_containerize.layout import IMAGE_SBOM
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from tests.evidence_schemas import validate_cyclonedx, validate_provenance

from .conftest import FIXTURES, TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]
COMMIT_TIME = "1700000000"  # 2023-11-14T22:13:20Z


def git_repo(folder: Path) -> str:
    env = {"GIT_AUTHOR_DATE": f"@{COMMIT_TIME} +0000", "GIT_COMMITTER_DATE": f"@{COMMIT_TIME} +0000",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    (folder / "LICENSE").write_text("MIT License\n\nPermission is hereby granted, free of charge, to any person\n")
    for args in (["init", "-q"], ["remote", "add", "origin", "https://someone:s3cret@git.example.org/lab/hello.git"],
                 ["add", "-A"], ["commit", "-q", "-m", "hello"]):
        subprocess.run(["git", *args], cwd=folder, env=env, check=True)
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=folder, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_annotations_sbom_and_provenance_of_a_pushed_image(docker_engine, registry, hello_spec, hello_dir,
                                                           tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    commit = git_repo(hello_dir)
    tag = f"{registry}/h22-evidence/hello:1"
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag=tag, push=True)
    result = run_pipeline(BuildRequest(hello_dir / "hello.ipynb", options, hello_spec),
                          docker_engine, lambda *a, **k: None, threading.Event(), tmp_path / "w").to_dict()
    try:
        check_pushed_image(docker_engine, tag, result, commit)
    finally:
        docker_engine.remove_image(tag)  # the registry's port differs each run: no tag piles up


def check_pushed_image(docker_engine, tag: str, result: dict, commit: str) -> None:
    labels = docker_engine.image_info(tag).labels
    assert labels["org.opencontainers.image.created"] == "2023-11-14T22:13:20Z"
    assert labels["org.opencontainers.image.revision"] == commit
    assert labels["org.opencontainers.image.source"] == "https://git.example.org/lab/hello.git"  # no password
    assert labels["org.opencontainers.image.url"] == "https://git.example.org/lab/hello"
    assert labels["org.opencontainers.image.licenses"] == "MIT"
    assert labels["org.opencontainers.image.version"] == commit[:7]
    assert labels["org.opencontainers.image.base.name"] == TEST_BASE
    assert labels["io.jupyter.containerize.sbom"] == IMAGE_SBOM

    # the SBOM in the image is the one in the result, and a valid CycloneDX 1.6 document
    run = docker_engine.run(tag, ["-c", "pass"], entrypoint=["/opt/venv/bin/python"], files_out=[IMAGE_SBOM],
                            network=False)
    in_image = json.loads(run.files[IMAGE_SBOM])
    assert in_image == result["sbom"]
    validate_cyclonedx(in_image)
    by_name = {c["name"]: c for c in in_image["components"]}
    assert by_name["six"]["purl"] == "pkg:pypi/six@1.16.0"
    assert by_name["six"]["hashes"][0]["alg"] == "SHA-256"
    attrs_deps = next(d for d in in_image["dependencies"] if d["ref"] == "pkg:pypi/ipykernel@6.29.5")
    assert "pkg:pypi/traitlets@" in " ".join(attrs_deps["dependsOn"])
    assert any(c["purl"].startswith("pkg:deb/debian/python3@") for c in in_image["components"] if "purl" in c)
    assert by_name["hello.ipynb"]["hashes"][0]["content"] == result["notebook_sha256"]
    assert by_name[TEST_BASE]["type"] == "container"

    # provenance: schema-valid, about the pushed manifest, listing notebook, lock and base
    statement = result["provenance"]
    validate_provenance(statement)
    assert statement["subject"][0]["digest"]["sha256"] == result["digest"].split(":")[-1]
    names = {d["name"] for d in statement["predicate"]["buildDefinition"]["resolvedDependencies"]}
    assert {"notebook:hello.ipynb", "spec", "lock:requirements.txt", "base", "environment"} <= names
    assert "s3cret" not in json.dumps(statement)

    # attached in the registry (Distribution 2.8 has no referrers API: the sha256-<hex> tag)
    found = referrers.referrers(result["digest"])
    kinds = {d["artifactType"]: d for d in found}
    assert set(kinds) == {"application/vnd.in-toto+json", "application/vnd.cyclonedx+json"}
    pulled = json.loads(referrers.fetch_document(result["digest"], kinds["application/vnd.in-toto+json"]))
    assert pulled == statement
    assert all(r["fallbackTag"] == "sha256-" + result["digest"].split(":")[-1] for r in result["referrers"])


def verify(capsys, *args: str) -> tuple[int, dict[str, str]]:
    code = main(["verify-image", *args])
    lines = capsys.readouterr().out.splitlines()
    return code, {line.split()[1].rstrip(":"): line for line in lines if line.split()}


def test_verify_image_against_notebook_lock_provenance_and_a_rebuild(docker_engine, registry, hello_spec,
                                                                     hello_dir, tmp_path, capsys):
    from tests.unit.test_evidence import write_keys

    private, public = write_keys(tmp_path, "ed25519")
    tag = f"{registry}/h22-evidence/verify:1"
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag=tag, push=True, signing_key=str(private))
    notebook = hello_dir / "hello.ipynb"
    result = run_pipeline(BuildRequest(notebook, options, hello_spec), docker_engine, lambda *a, **k: None,
                          threading.Event(), tmp_path / "w").to_dict()
    lock = tmp_path / "requirements.txt"
    lock.write_text("".join(f"{p.name}=={p.version}\n" for p in hello_spec.packages))
    try:
        # the provenance is read from the registry (the image was pushed): no file needed
        assert result["provenance_envelope"]["signatures"]
        code, lines = verify(capsys, tag, str(notebook), "--lock", str(lock), "--trusted-key", str(public))
        assert code == 0, lines
        assert lines["signature"].startswith("ok")
        assert lines["labels"].startswith("ok") and lines["sbom"].startswith("ok")
        assert lines["lock"].startswith("ok") and lines["notebook"].startswith("ok")
        assert lines["provenance"].startswith("ok") and lines["layers"].startswith("skipped")

        # another notebook, another lock, a provenance about another image: each one line, exit 1
        other = tmp_path / "other.ipynb"
        other.write_bytes(notebook.read_bytes().replace(b"hello", b"HELLO"))
        wrong = tmp_path / "wrong.txt"
        wrong.write_text("six==1.15.0\nnot-installed==1.0\n")
        stranger = tmp_path / "provenance.json"
        stranger.write_text(json.dumps(referrers_free(result["provenance"])))
        code, lines = verify(capsys, tag, str(other), "--lock", str(wrong), "--provenance", str(stranger))
        assert code == 1
        assert lines["notebook"].startswith("MISMATCH")
        assert lines["lock"].startswith("MISMATCH") and "six 1.16.0 (lock 1.15.0)" in lines["lock"]
        assert "not-installed missing" in lines["lock"]
        assert lines["provenance"].startswith("MISMATCH")
        assert lines["signature"].startswith("skipped")  # an unsigned file, and no key asked for

        # the environment image is listed, kept for the tagged image (a dry run removes nothing)
        assert main(["prune", "--dry-run", "--json"]) == 0
        plan = json.loads(capsys.readouterr().out)
        mine = next(e for e in plan["environments"] if e["tag"] == result["environment_image"])
        assert tag in mine["used_by"] and mine["needed_by"] and mine["notebooks"] == ["hello.ipynb"]
        assert tag not in plan["remove"] and docker_engine.image_info(result["environment_image"])

        # rebuilt from nothing: the layers compared digest for digest, reported whichever way it goes
        code, lines = verify(capsys, tag, str(notebook), "--rebuild", "--spec", str(FIXTURES / "hello.spec.json"))
        assert lines["layers"].split()[0] in ("ok", "MISMATCH")
        base_layers = len(docker_engine.image_info(TEST_BASE).layers)
        if lines["layers"].startswith("MISMATCH"):
            matched = int(lines["layers"].split("matches the first ")[1].split()[0])
            assert matched >= base_layers
    finally:
        for ref in (tag, f"localhost/containerize-verify/{result['image_id'].split(':')[-1][:12]}:rebuild"):
            try:
                docker_engine.remove_image(ref)
            except Exception:
                pass


def referrers_free(statement: dict) -> dict:
    """The same statement about another image."""
    return {**statement, "subject": [{"name": "elsewhere", "digest": {"sha256": "0" * 64}}]}
