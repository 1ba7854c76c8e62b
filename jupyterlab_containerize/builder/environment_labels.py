"""The labels an environment image carries (what decides whether a lock fits in it), read by reuse,
the check and prune alike."""

from __future__ import annotations

from typing import Optional

from packaging.utils import canonicalize_name

from ..layout import LABEL_PREFIX, OCI, OCI_BASE_DIGEST, OCI_BASE_NAME

REPOSITORY = "localhost/containerize-env"
ENV_LABEL = f"{LABEL_PREFIX}.environment"
BASE_LABEL = f"{ENV_LABEL}.base"
PINS_LABEL = f"{ENV_LABEL}.pins"
PINS_HASH_LABEL = f"{ENV_LABEL}.pins.sha256"
APT_LABEL = f"{ENV_LABEL}.apt"
KERNELS_LABEL = f"{ENV_LABEL}.kernels"
KEEP_CA_LABEL = f"{ENV_LABEL}.keep-ca"
INDEX_LABEL = f"{ENV_LABEL}.index"  # a hash of the package index URLs: one name==version per index
REUSABLE_LABEL = f"{ENV_LABEL}.reusable"
FORMAT_LABEL = f"{ENV_LABEL}.format"
PARENT_LABEL = f"{ENV_LABEL}.parent"  # the environment image an extended one was made on
DEPTH_LABEL = f"{ENV_LABEL}.depth"  # how many environments are stacked in it
FORMAT = "2"  # bump when an environment image's layout changes: older ones are then not reused (2: SBOM 1.6)
MAX_DEPTH = 6  # past this many stacked environments a lock is installed on the base again


def parse_pins(listed: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for item in listed.split():
        name, sep, version = item.partition("==")
        if sep:
            pins[canonicalize_name(name)] = version
    return pins


def environment_annotations(base: str, base_digest: Optional[str], key: str, pins: int) -> dict[str, str]:
    """The environment image's OCI annotations: what it is and what it was made from (no time: a commit
    has its own)."""
    found = {f"{OCI}.title": f"Python environment {key}",
             f"{OCI}.description": f"{pins} Python distributions installed by jupyterlab-containerize on {base}",
             OCI_BASE_NAME: base}
    if base_digest:
        found[OCI_BASE_DIGEST] = base_digest
    return found
