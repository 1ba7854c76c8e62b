"""The image's CycloneDX 1.6 SBOM: the environment's (written in the image by render/files/sbom.py:
Python distributions with hashes and their dependency graph, Debian packages), the base image by
digest, and the notebooks by SHA-256. Deterministic (no timestamp, no random serial): the same
environment, base and notebook give the same file, so the layer it is copied into stays the same.
"""

from __future__ import annotations

import json
from typing import Any, Optional
from urllib.parse import quote

from .. import __version__

SPEC_VERSION = "1.6"
MEDIA_TYPE = "application/vnd.cyclonedx+json"
IMAGE_REF = "image"
ENVIRONMENT_REF = "python-environment"
BASE_REF = "base-image"


def environment_sbom(raw: bytes) -> dict[str, Any]:
    """The SBOM the environment image holds, or an empty one (an image made before 1.6)."""
    try:
        found = json.loads(raw or b"{}")
    except ValueError:
        found = {}
    return found if isinstance(found, dict) else {}


def image_sbom(environment: dict[str, Any], image: str, base: str, base_id: str,
               base_digest: Optional[str], notebooks: dict[str, str]) -> dict[str, Any]:
    """`notebooks`: name in the work folder -> SHA-256 of its bytes."""
    env_meta = (environment.get("metadata") or {}).get("component") or {}
    python = {"type": "application", "bom-ref": ENVIRONMENT_REF, "name": env_meta.get("name", "python"),
              "version": str(env_meta.get("version", ""))}
    base_component = {"type": "container", "bom-ref": BASE_REF, "name": base,
                      "hashes": [{"alg": "SHA-256", "content": (base_digest or base_id).split(":")[-1]}],
                      "properties": [{"name": "containerize:image-id", "value": base_id}]}
    if base_digest:
        repository, _, digest = base_digest.partition("@")
        name = repository.rsplit("/", 1)[-1]
        base_component["purl"] = (f"pkg:oci/{name}@{quote(digest, safe='')}"
                                  f"?repository_url={quote(repository, safe='/')}")
        base_component["version"] = digest
    files = [{"type": "file", "bom-ref": f"notebook:{name}", "name": name,
              "hashes": [{"alg": "SHA-256", "content": sha}]} for name, sha in sorted(notebooks.items())]
    env_components = [c for c in environment.get("components") or [] if isinstance(c, dict)]
    dependencies = [d for d in environment.get("dependencies") or []
                    if isinstance(d, dict) and d.get("ref") != ENVIRONMENT_REF]
    python_refs = sorted(str(c["bom-ref"]) for c in env_components
                         if str(c.get("purl", "")).startswith("pkg:pypi/"))
    debs = sorted(str(c["bom-ref"]) for c in env_components if str(c.get("purl", "")).startswith("pkg:deb/"))
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "jupyterlab-containerize",
                                      "version": __version__}]},
            "component": {"type": "container", "bom-ref": IMAGE_REF, "name": image},
        },
        "components": [python, base_component, *files, *env_components],
        "dependencies": [
            {"ref": IMAGE_REF, "dependsOn": [ENVIRONMENT_REF, BASE_REF, *(f["bom-ref"] for f in files), *debs]},
            {"ref": ENVIRONMENT_REF, "dependsOn": python_refs},
            {"ref": BASE_REF, "dependsOn": []},
            *({"ref": f["bom-ref"], "dependsOn": []} for f in files),
            *dependencies,
            *({"ref": ref, "dependsOn": []} for ref in debs),
        ],
    }


def python_pins(sbom: dict[str, Any]) -> dict[str, str]:
    """canonical name -> version of the Python distributions it lists."""
    from packaging.utils import canonicalize_name

    return {canonicalize_name(str(c["name"])): str(c.get("version", ""))
            for c in sbom.get("components") or []
            if isinstance(c, dict) and str(c.get("purl", "")).startswith("pkg:pypi/") and c.get("name")}


def notebook_hashes(sbom: dict[str, Any]) -> dict[str, str]:
    return {str(c["name"]): str((c.get("hashes") or [{}])[0].get("content", ""))
            for c in sbom.get("components") or [] if isinstance(c, dict) and c.get("type") == "file"}


def to_bytes(sbom: dict[str, Any]) -> bytes:
    return (json.dumps(sbom, indent=1, sort_keys=True) + "\n").encode()
