"""Evidence without an engine: annotations from a git repository, the in-image SBOM script run on a
real venv, the image SBOM composed and validated (CycloneDX 1.6), the provenance against the in-toto
and SLSA schemas, the referrers fallback index, verify-image's lock reading and layer comparison."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_containerize.builder.engine import ImageInfo
from jupyterlab_containerize.evidence import annotations, provenance, sbom, verify_image
from jupyterlab_containerize.evidence.referrers import _is_loopback, referrers_tag
from jupyterlab_containerize.render.build_only import FILES_DIR
from tests.evidence_schemas import validate_cyclonedx, validate_provenance

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "@1600000000 +0000",
           "GIT_COMMITTER_DATE": "@1600000000 +0000", "PATH": "/usr/bin:/bin"}


def git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, env={**GIT_ENV, "HOME": str(folder)}, check=True,
                   capture_output=True)


@pytest.mark.parametrize("remote, public", [
    ("https://user:tok3n@github.com/org/repo.git", "https://github.com/org/repo.git"),
    ("git@github.com:org/repo.git", "https://github.com/org/repo.git"),
    ("ssh://git@gitlab.example.org:2222/org/repo", "https://gitlab.example.org/org/repo"),
    ("http://127.0.0.1:8080/repo?token=x#frag", "http://127.0.0.1:8080/repo"),
])
def test_public_url_drops_credentials(remote, public):
    assert annotations.public_url(remote) == public


def test_annotations_from_a_repository_with_a_pyproject(tmp_path):
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    notebook = project / "notebooks" / "a.ipynb"
    notebook.write_text("{}")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2.1.0"\nlicense = "Apache-2.0"\n')
    git(project, "init", "-q")
    git(project, "remote", "add", "origin", "git@example.org:lab/project.git")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "one")
    found = annotations.image_annotations(notebook, "python:3.11-slim", "python@sha256:" + "a" * 64, environ={})
    assert found[annotations.CREATED] == "2020-09-13T12:26:40Z"  # the commit's time, not now
    assert found[annotations.SOURCE] == "https://example.org/lab/project.git"
    assert found[annotations.URL] == "https://example.org/lab/project"
    assert found[annotations.VERSION] == "2.1.0" and found[annotations.LICENSES] == "Apache-2.0"
    assert found[annotations.BASE_DIGEST] == "python@sha256:" + "a" * 64
    assert len(found[annotations.REVISION]) == 40
    fixed = annotations.image_annotations(notebook, "b", None, environ={"SOURCE_DATE_EPOCH": "0"})
    assert fixed[annotations.CREATED] == "1970-01-01T00:00:00Z" and annotations.BASE_DIGEST not in fixed
    # a server whose root is below the repository's top reads neither git nor the files above its root
    confined = annotations.image_annotations(notebook, "b", None, environ={}, root=project / "notebooks")
    assert not {annotations.SOURCE, annotations.REVISION, annotations.VERSION, annotations.LICENSES} & set(confined)


def test_annotations_outside_a_repository(tmp_path):
    notebook = tmp_path / "a.ipynb"
    notebook.write_text("{}")
    (tmp_path / "LICENSE").write_text("Some text\nSPDX-License-Identifier: BSD-3-Clause\n")
    found = annotations.image_annotations(notebook, "b", None, environ={})
    assert annotations.SOURCE not in found and annotations.REVISION not in found
    assert found[annotations.LICENSES] == "BSD-3-Clause" and found[annotations.CREATED].endswith("Z")


def test_the_in_image_script_and_the_image_sbom_validate(tmp_path):
    out = tmp_path / "env.cdx.json"
    subprocess.run([sys.executable, str(FILES_DIR / "sbom.py"), str(out)], check=True)
    env = json.loads(out.read_text())
    assert env["specVersion"] == "1.6"
    validate_cyclonedx(env)
    pytest_item = next(c for c in env["components"] if c["name"].lower() == "pytest")
    assert len(pytest_item["hashes"][0]["content"]) == 64
    graph = {d["ref"]: d["dependsOn"] for d in env["dependencies"]}
    assert any(ref.startswith("pkg:pypi/pluggy@") for ref in graph[pytest_item["bom-ref"]])
    image = sbom.image_sbom(env, "a.ipynb", "localhost/base:1", "sha256:" + "b" * 64,
                            "registry.example.org/base@sha256:" + "c" * 64, {"a.ipynb": "d" * 64})
    validate_cyclonedx(image)
    base = next(c for c in image["components"] if c["bom-ref"] == sbom.BASE_REF)
    assert base["purl"].startswith("pkg:oci/base@sha256%3A") and base["hashes"][0]["content"] == "c" * 64
    assert sbom.notebook_hashes(image) == {"a.ipynb": "d" * 64}
    assert sbom.python_pins(image) == sbom.python_pins(env) and sbom.to_bytes(image) == sbom.to_bytes(image)


def test_the_provenance_validates(tmp_path):
    (tmp_path / "requirements.txt").write_text("six==1.16.0\n")
    deps = [provenance.file_resource("lock:requirements.txt", tmp_path / "requirements.txt"),
            provenance.image_resource("base", "python:3.11-slim", "sha256:" + "1" * 64, None)]
    made = [provenance.file_resource("Dockerfile", tmp_path / "requirements.txt", content=True)]
    statement = provenance.statement("me/x", "sha256:" + "2" * 64, {"target": "batch"}, deps, made,
                                     "2024-01-01T00:00:00Z", "2024-01-01T00:01:00Z", "id-1")
    validate_provenance(statement)
    moved = provenance.with_subject(statement, "reg/me/x", "sha256:" + "3" * 64)
    assert moved["subject"] == [{"name": "reg/me/x", "digest": {"sha256": "3" * 64}}]


def test_referrers_helpers():
    assert referrers_tag("sha256:" + "a" * 64) == "sha256-" + "a" * 64
    assert _is_loopback("127.0.0.1:5000") and _is_loopback("localhost:5000") and not _is_loopback("ghcr.io")


def test_verify_image_reads_locks_and_compares_layers(tmp_path):
    reqs = tmp_path / "requirements.txt"
    reqs.write_text("# pinned\nSix==1.16.0 \\\n    --hash=sha256:aa\nattrs==23.2.0 ; python_version >= '3'\n-e .\n")
    assert verify_image.read_pins(reqs) == {"six": "1.16.0", "attrs": "23.2.0"}
    info = ImageInfo(id="sha256:1", size=1, layers=["a", "b", "c"])
    assert verify_image.check_layers(info, ImageInfo(id="sha256:2", size=1, layers=["a", "b", "c"])).status == "ok"
    differ = verify_image.check_layers(info, ImageInfo(id="sha256:2", size=1, layers=["a", "x", "c"]))
    assert differ.status == "mismatch" and "first 1 of 3" in differ.message
    assert verify_image.check_lock(None, None, "").status == "skipped"
    assert verify_image.check_sbom(None, None, info).line().startswith("MISMATCH sbom:")


def write_keys(folder: Path, kind: str) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519

    key = ed25519.Ed25519PrivateKey.generate() if kind == "ed25519" else ec.generate_private_key(ec.SECP256R1())
    private, public = folder / f"{kind}.pem", folder / f"{kind}.pub.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_signed_provenance_verifies_with_its_key_only(tmp_path, kind):
    import base64

    from jupyterlab_containerize.errors import SigningFailed
    from jupyterlab_containerize.evidence import signing

    private, public = write_keys(tmp_path, kind)
    _, other = write_keys(tmp_path / "..", "ed25519" if kind == "p256" else "p256")
    payload = b'{"_type": "https://in-toto.io/Statement/v1"}'
    envelope = signing.sign(payload, private)
    assert signing.is_envelope(envelope) and signing.unwrap(envelope) == json.loads(payload)
    assert signing.verify(envelope, public) == json.loads(payload)
    assert private.read_text() not in json.dumps(envelope)
    with pytest.raises(SigningFailed, match="No signature"):
        signing.verify(envelope, other)
    tampered = {**envelope, "payload": base64.b64encode(payload.replace(b"v1", b"v2")).decode()}
    with pytest.raises(SigningFailed, match="No signature"):
        signing.verify(tampered, public)
    with pytest.raises(SigningFailed, match="cannot be read"):
        signing.sign(payload, public)  # a public key cannot sign
    check = verify_image.check_signature(envelope, public)
    assert check.status == "ok"
    assert verify_image.check_signature({"_type": "x"}, public).status == "mismatch"


def test_a_portable_context_carries_the_annotations(tmp_path):
    from jupyterlab_containerize.options import BuildOptions
    from jupyterlab_containerize.pipeline.portable import render_portable_context
    from jupyterlab_containerize.spec import EnvironmentSpec
    from tests.builder.conftest import FIXTURES

    folder = tmp_path / "hello"
    import shutil

    shutil.copytree(FIXTURES / "hello", folder)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "one")
    spec = EnvironmentSpec.from_dict(json.loads((FIXTURES / "hello.spec.json").read_text()))
    options = BuildOptions(target="batch", base_image="python:3.11-slim")
    portable = render_portable_context(spec, folder / "hello.ipynb", options, tmp_path / "context", host_settings=False)
    dockerfile = (tmp_path / "context" / "Dockerfile").read_text()
    assert portable.context.dockerfile == dockerfile
    assert 'org.opencontainers.image.created="2020-09-13T12:26:40Z"' in dockerfile
    assert "org.opencontainers.image.revision=" in dockerfile
    # per-commit labels after the notebook: a new commit rebuilds no other layer
    assert dockerfile.index("image.created") > dockerfile.index("# the notebook goes last")
