"""Check an image against what it claims to be built from, for a reviewer who got both: its labels,
its SBOM against the lock, the notebook's bytes, the provenance, and (asked for) the layers rebuilt
and compared by digest. Each check is one line: ok, MISMATCH, or skipped with the reason."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from packaging.utils import canonicalize_name

from ..builder.engine import Engine, ImageInfo
from ..errors import ContainerizeError, InvalidRequest
from ..layout import IMAGE_SBOM, LABEL_PREFIX, NOTEBOOK_SHA_LABEL, SBOM_PATH, WORK
from . import sbom
from .annotations import BASE_DIGEST, BASE_NAME, CREATED

NOTEBOOK_LABEL = f"{LABEL_PREFIX}.notebook"
REQUIRED = (CREATED, BASE_NAME, "org.opencontainers.image.title", NOTEBOOK_SHA_LABEL)
_PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)")


@dataclass
class Check:
    name: str
    status: str  # "ok" | "mismatch" | "skipped"
    message: str

    def line(self) -> str:
        mark = {"ok": "ok      ", "mismatch": "MISMATCH", "skipped": "skipped "}[self.status]
        return f"{mark} {self.name}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "message": self.message}


def read_pins(path: Path) -> dict[str, str]:
    """name -> version from a requirements file (name==version lines), a spec (inspect --json) or a
    notebook carrying a lock (metadata.containerize.lock)."""
    text = path.read_text(errors="replace")
    if path.suffix in (".json", ".ipynb"):
        try:
            data = json.loads(text)
        except ValueError as err:
            raise InvalidRequest(f"{path} is not JSON: {err}.") from err
        if path.suffix == ".ipynb":
            from ..inspect.notebook_lock import read_lock

            data = read_lock(data) or {}
        packages = data.get("packages") if isinstance(data, dict) else None
        if not isinstance(packages, list):
            raise InvalidRequest(f"{path} holds no packages (a spec, a lock or a notebook with a lock).")
        return {canonicalize_name(str(p["name"])): str(p["version"]) for p in packages
                if isinstance(p, dict) and p.get("name") and p.get("version")
                and (p.get("source") or {}).get("kind", "index") == "index"}
    pins: dict[str, str] = {}
    for line in text.splitlines():
        match = _PIN.fullmatch(line.split("#", 1)[0].split(";", 1)[0].strip().split(" ", 1)[0])
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def check_labels(info: ImageInfo) -> Check:
    missing = [key for key in REQUIRED if not info.labels.get(key)]
    if missing:
        return Check("labels", "mismatch", f"missing {', '.join(missing)}")
    digest = f", base {info.labels[BASE_DIGEST]}" if info.labels.get(BASE_DIGEST) else ""
    revision = info.labels.get("org.opencontainers.image.revision")
    source = f" from {info.labels.get('org.opencontainers.image.source', '?')} at {revision}" if revision else ""
    return Check("labels", "ok", f"created {info.labels[CREATED]}, base {info.labels[BASE_NAME]}{digest}{source}")


def check_sbom(document: Optional[dict[str, Any]], environment: Optional[dict[str, Any]],
               info: ImageInfo) -> Check:
    if document is None:
        return Check("sbom", "mismatch", f"no {IMAGE_SBOM} in the image (built before SBOMs were added?)")
    if document.get("bomFormat") != "CycloneDX" or document.get("specVersion") != sbom.SPEC_VERSION:
        return Check("sbom", "mismatch", f"not a CycloneDX {sbom.SPEC_VERSION} document")
    pins = sbom.python_pins(document)
    if environment is not None and sbom.python_pins(environment) != pins:
        return Check("sbom", "mismatch", "the image's SBOM and the environment's own disagree on the packages")
    notebook = info.labels.get(NOTEBOOK_SHA_LABEL, "")
    hashes = sbom.notebook_hashes(document)
    if notebook and hashes and notebook not in hashes.values() and len(hashes) == 1:
        return Check("sbom", "mismatch", "the SBOM's notebook hash is not the label's")
    return Check("sbom", "ok", f"CycloneDX {sbom.SPEC_VERSION}, {len(pins)} Python distributions, "
                               f"{len(document.get('components') or []) - len(pins)} other components")


def check_lock(document: Optional[dict[str, Any]], lock: Optional[dict[str, str]], where: str) -> Check:
    if lock is None:
        return Check("lock", "skipped", "no lock given (--lock FILE, or a notebook that carries one)")
    if document is None:
        return Check("lock", "mismatch", "the image has no SBOM to compare the lock with")
    held = sbom.python_pins(document)
    missing = sorted(name for name in lock if name not in held)
    other = sorted(f"{name} {held[name]} (lock {lock[name]})" for name in lock
                   if name in held and held[name] != lock[name])
    if missing or other:
        shown = [f"{name} missing" for name in missing[:5]] + other[:5]
        return Check("lock", "mismatch", f"{len(missing) + len(other)} of {len(lock)} pins of {where} differ: "
                                         + "; ".join(shown))
    return Check("lock", "ok", f"all {len(lock)} pins of {where} installed at the same versions")


def check_notebook(info: ImageInfo, files: dict[str, bytes], notebook: Optional[Path]) -> Check:
    if notebook is None:
        return Check("notebook", "skipped", "no notebook given")
    sha = hashlib.sha256(notebook.read_bytes()).hexdigest()
    label = info.labels.get(NOTEBOOK_SHA_LABEL, "")
    name = info.labels.get(NOTEBOOK_LABEL, notebook.name)
    in_image = files.get(f"{WORK}/{name}")
    if label != sha:
        return Check("notebook", "mismatch",
                     f"{notebook.name} has sha256 {sha[:16]}..., the image says {label[:16]}...")
    if in_image is not None and hashlib.sha256(in_image).hexdigest() != sha:
        return Check("notebook", "mismatch", f"the image's {WORK}/{name} is not {notebook.name}")
    return Check("notebook", "ok", f"{notebook.name} is the notebook in the image (sha256 {sha[:16]}...)")


def check_provenance(statement: Optional[dict[str, Any]], info: ImageInfo,
                     notebook_sha: Optional[str]) -> Check:
    if statement is None:
        return Check("provenance", "skipped", "none given (--provenance FILE) or attached in a registry")
    if statement.get("_type") != "https://in-toto.io/Statement/v1" or \
            statement.get("predicateType") != "https://slsa.dev/provenance/v1":
        return Check("provenance", "mismatch", "not an in-toto Statement v1 with SLSA provenance v1")
    subject = {s.get("digest", {}).get("sha256") for s in statement.get("subject") or [] if isinstance(s, dict)}
    names = {info.id.split(":")[-1], *(d.split(":")[-1] for d in ([info.digest] if info.digest else []))}
    if not subject & names:
        return Check("provenance", "mismatch", "its subject is another image (neither this id nor its digest)")
    deps = statement["predicate"]["buildDefinition"].get("resolvedDependencies") or []
    notebooks = {d["digest"].get("sha256") for d in deps if str(d.get("name", "")).startswith("notebook:")}
    label = info.labels.get(NOTEBOOK_SHA_LABEL)
    if label and notebooks and label not in notebooks:
        return Check("provenance", "mismatch", "it names another notebook than the image's")
    if notebook_sha and notebooks and notebook_sha not in notebooks:
        return Check("provenance", "mismatch", "it names another notebook than the one given")
    builder = statement["predicate"]["runDetails"]["builder"]["id"]
    return Check("provenance", "ok", f"about this image, built by {builder}, from {len(deps)} named inputs")


def check_signature(document: Optional[dict[str, Any]], key: Optional[Path]) -> Check:
    from .signing import is_envelope, verify

    if document is None:
        return Check("signature", "skipped", "no provenance to check")
    if not is_envelope(document):
        return Check("signature", "mismatch" if key else "skipped",
                     "the provenance is not signed" + ("" if key else " (no --trusted-key asked for one)"))
    if key is None:
        return Check("signature", "skipped", "signed; --trusted-key PEM checks by whom")
    try:
        verify(document, key)
    except ContainerizeError as err:
        return Check("signature", "mismatch", err.message)
    return Check("signature", "ok", f"the provenance is signed by the key in {key.name}")


def check_layers(info: ImageInfo, rebuilt: ImageInfo) -> Check:
    same = 0
    for ours, theirs in zip(info.layers, rebuilt.layers):
        if ours != theirs:
            break
        same += 1
    total = max(len(info.layers), len(rebuilt.layers))
    if same == total:
        return Check("layers", "ok", f"the rebuild gave the same {total} layers, digest for digest")
    return Check("layers", "mismatch", f"the rebuild matches the first {same} of {total} layers; layer {same + 1} "
                                       "differs (see docs/build.md: which layers are reproducible)")


def image_documents(engine: Engine, image: str, info: ImageInfo) -> tuple[Optional[dict[str, Any]],
                                                                          Optional[dict[str, Any]],
                                                                          dict[str, bytes]]:
    """The image's SBOM, its environment's SBOM and its notebook, read from a container never started."""
    name = info.labels.get(NOTEBOOK_LABEL, "")
    paths = [IMAGE_SBOM, SBOM_PATH] + ([f"{WORK}/{name}"] if name and ".." not in name.split("/") else [])
    files = engine.read_files(image, paths)
    return _json(files.get(IMAGE_SBOM)), _json(files.get(SBOM_PATH)), files


def _json(data: Optional[bytes]) -> Optional[dict[str, Any]]:
    if data is None:
        return None
    try:
        found = json.loads(data)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None
