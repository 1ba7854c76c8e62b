"""Write a CycloneDX 1.6 SBOM of this environment: its Python distributions and Debian packages.

Runs inside the image's builder stage with the image's own Python (3.8+), so stdlib only.
No timestamp or random serial number: the same packages give the same file, and the same layer.
Each distribution's hash is the SHA-256 of its installed RECORD, the wheel's list of every file
it installed with that file's own SHA-256: it names the installed bytes, whichever wheel they came
from. The host adds the base image and the notebook (evidence/sbom.py).
"""

import hashlib
import json
import re
import shutil
import subprocess
import sys
from importlib import metadata

RECORD_NOTE = "SHA-256 of the installed dist-info RECORD (which lists the SHA-256 of each installed file)"


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(line):
    """The distribution a Requires-Dist line names, or None when only an extra asks for it."""
    spec, _, marker = line.partition(";")
    if "extra" in marker:
        return None
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return canonical(match.group(1)) if match else None


def record_hash(dist):
    try:
        text = dist.read_text("RECORD")
    except OSError:
        text = None
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None


def component(dist):
    name = dist.metadata["Name"]
    purl = f"pkg:pypi/{canonical(name)}@{dist.version}"
    item = {"type": "library", "bom-ref": purl, "name": name, "version": dist.version, "purl": purl}
    license_ = dist.metadata.get("License-Expression") or dist.metadata.get("License") or ""
    if license_ and len(license_) < 100 and "\n" not in license_:
        item["licenses"] = [{"license": {"name": license_}}]
    digest = record_hash(dist)
    if digest:
        item["hashes"] = [{"alg": "SHA-256", "content": digest}]
        item["properties"] = [{"name": "containerize:hash", "value": RECORD_NOTE}]
    return item


def debian_packages():
    """(name, version, architecture) of every installed .deb; none on a base without dpkg."""
    if shutil.which("dpkg-query") is None:
        return []
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Package}\t${Version}\t${Architecture}\t${Status}\n"],
                          capture_output=True, text=True, check=False)
    found = []
    for line in done.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and parts[3].endswith(" installed"):
            found.append(tuple(parts[:3]))
    return sorted(set(found))


def deb_component(name, version, arch):
    purl = f"pkg:deb/debian/{name}@{version}?arch={arch}"
    return {"type": "library", "bom-ref": purl, "name": name, "version": version, "purl": purl,
            "properties": [{"name": "containerize:package-manager", "value": "apt"}]}


def main(path):
    seen = {}
    for dist in metadata.distributions():
        if dist.metadata["Name"]:
            seen.setdefault(canonical(dist.metadata["Name"]), dist)
    components = [component(seen[key]) for key in sorted(seen)]
    ref = {key: c["bom-ref"] for key, c in zip(sorted(seen), components)}
    dependencies = []
    for key in sorted(seen):
        wanted = {requirement_name(line) for line in seen[key].requires or []}
        dependencies.append({"ref": ref[key], "dependsOn": sorted(ref[name] for name in wanted if name in ref)})
    components += [deb_component(*deb) for deb in debian_packages()]
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "jupyterlab-containerize"}]},
            "component": {
                "type": "application",
                "bom-ref": "python-environment",
                "name": "python",
                "version": "{}.{}.{}".format(*sys.version_info[:3]),
            },
        },
        "components": components,
        "dependencies": [{"ref": "python-environment", "dependsOn": sorted(ref.values())}] + dependencies,
    }
    with open(path, "w", encoding="utf-8") as out:
        json.dump(bom, out, indent=1, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
