"""SLSA provenance v1 in an in-toto Statement v1: which notebook, spec, lock and base image went in,
what ran on them (the Dockerfile and install scripts, by content), and the builder.

The subject is the image: its config digest (the image id) for a local build, its manifest digest
once pushed (the digest a registry and `docker pull IMAGE@sha256:...` know).
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, Optional

from .. import __version__

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
PROJECT_URL = "https://github.com/jupyterlab-containerize/jupyterlab-containerize"
BUILD_TYPE = f"{PROJECT_URL}/blob/main/docs/build.md#what-a-reviewer-can-check"
BUILDER_ID = f"{PROJECT_URL}@{__version__}"
MEDIA_TYPE = "application/vnd.in-toto+json"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_resource(name: str, path: Path, uri: Optional[str] = None, content: bool = False) -> dict[str, Any]:
    data = path.read_bytes()
    item: dict[str, Any] = {"name": name, "digest": {"sha256": sha256_hex(data)}}
    if uri:
        item["uri"] = uri
    if content:  # the commands themselves, so a reviewer reads what ran without the tool's source
        item["content"] = base64.b64encode(data).decode()
        item["mediaType"] = "text/plain"
    return item


def image_resource(name: str, ref: str, image_id: str, digest: Optional[str]) -> dict[str, Any]:
    """An image by its manifest digest when known, always by its config digest (the image id)."""
    item: dict[str, Any] = {"name": name, "uri": f"docker://{digest or ref}",
                            "digest": {"sha256": (digest or image_id).split(":")[-1]},
                            "annotations": {"imageId": image_id}}
    return item


def statement(subject_name: str, subject_digest: str, external: dict[str, Any],
              dependencies: list[dict[str, Any]], byproducts: list[dict[str, Any]],
              started: str, finished: str, invocation: str) -> dict[str, Any]:
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": subject_name, "digest": {"sha256": subject_digest.split(":")[-1]}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": external,
                "internalParameters": {"containerizeVersion": __version__},
                "resolvedDependencies": dependencies,
            },
            "runDetails": {
                "builder": {"id": BUILDER_ID, "version": {"jupyterlab-containerize": __version__}},
                "metadata": {"invocationId": invocation, "startedOn": started, "finishedOn": finished},
                "byproducts": byproducts,
            },
        },
    }


def with_subject(document: dict[str, Any], name: str, digest: str) -> dict[str, Any]:
    """The same statement about another name of the image (its pushed manifest)."""
    return {**document, "subject": [{"name": name, "digest": {"sha256": digest.split(":")[-1]}}]}


def to_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1, sort_keys=True) + "\n").encode()
