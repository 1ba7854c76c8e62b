"""Write a CycloneDX 1.5 SBOM of the Python packages installed in this environment.

Runs inside the image's builder stage with the image's own Python (3.8+), so stdlib only.
No timestamp or random serial number: the same packages give the same file, and the same layer.
"""

import json
import re
import sys
from importlib import metadata


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def component(dist):
    name = dist.metadata["Name"]
    purl = f"pkg:pypi/{canonical(name)}@{dist.version}"
    item = {"type": "library", "bom-ref": purl, "name": name, "version": dist.version, "purl": purl}
    license_ = dist.metadata.get("License-Expression") or dist.metadata.get("License") or ""
    if license_ and len(license_) < 100 and "\n" not in license_:
        item["licenses"] = [{"license": {"name": license_}}]
    return item


def main(path):
    seen = {}
    for dist in metadata.distributions():
        if dist.metadata["Name"]:
            seen.setdefault(canonical(dist.metadata["Name"]), dist)
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "jupyterlab-containerize"}]},
            "component": {
                "type": "application",
                "name": "python",
                "version": "{}.{}.{}".format(*sys.version_info[:3]),
            },
        },
        "components": [component(seen[key]) for key in sorted(seen)],
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(bom, out, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
