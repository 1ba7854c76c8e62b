"""Check an environment against what it is labelled with, inside the image (issue 23).

Runs with the environment's own Python (3.8+), stdlib only:
    python -I environment_check.py EXPECTED.json REPORT
EXPECTED holds {"apt": [names], "pins": {name: version or null}, "programs": [names]}. Every apt
package must be installed (dpkg-query), every pin present at its version with all the files its
RECORD lists, every distribution of the image's SBOM present, every program on PATH. The report
(written only when all holds) lists what is installed, sorted and without time: the same
environment gives the same bytes, so its sha256 is a label the image can be checked against later.
Exit 0: all holds; 1: the first line on stderr says what does not.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata

SBOM = "/opt/containerize/sbom.cdx.json"
MARK = "containerize-check:"


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def same_version(a, b):
    """1.0 and 1.0.0 are one version; anything subtler is compared as text."""
    return re.sub(r"(\.0+)+$", "", a.lower()) == re.sub(r"(\.0+)+$", "", b.lower())


def installed_distributions(problems):
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        files = dist.files or []
        missing = [str(f) for f in files if not os.path.exists(str(dist.locate_file(f)))]
        if missing:
            problems.append(f"{name} {dist.version}: {len(missing)} of its files are missing ({missing[0]})")
        found.setdefault(canonical(name), (dist.version, len(files)))
    return found


def apt_packages(names, problems):
    if not names:
        return {}
    if shutil.which("dpkg-query") is None:
        problems.append("apt packages are expected but the image has no dpkg-query")
        return {}
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Version} ${db:Status-Abbrev} ${Provides}\\n"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False).stdout
    installed, provided = {}, {}
    for line in out.decode("utf-8", "replace").splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 3 or not parts[2].startswith("ii"):
            continue
        installed[parts[0]] = parts[1]
        for item in (parts[3] if len(parts) > 3 else "").split(","):
            if item.strip():
                provided.setdefault(item.strip().split(" ")[0], f"{parts[0]} {parts[1]}")
    found = {}
    for name in sorted(set(names)):
        bare = name.split(":")[0].split("=")[0]
        if bare in installed:
            found[bare] = installed[bare]
        elif bare in provided:
            found[bare] = provided[bare]
        else:
            problems.append(f"the apt package {bare} is not installed")
    return found


def sbom_pins():
    try:
        with open(SBOM) as f:
            components = json.load(f).get("components") or []
    except (OSError, ValueError):
        return {}
    # Python distributions only: the SBOM lists the image's Debian packages too (purl pkg:deb/...)
    return {canonical(c["name"]): c["version"] for c in components
            if c.get("name") and c.get("version") and str(c.get("purl") or "pkg:pypi/").startswith("pkg:pypi/")}


def main(expected_path, report_path):
    with open(expected_path) as f:
        expected = json.load(f)
    problems = []
    dists = installed_distributions(problems)
    pins = dict(sbom_pins())
    pins.update({canonical(k): v for k, v in (expected.get("pins") or {}).items()})
    for name, version in sorted(pins.items()):
        if name not in dists:
            problems.append(f"the distribution {name} is not installed")
        elif version and not same_version(dists[name][0], version):
            problems.append(f"{name} is {dists[name][0]}, not {version}")
    apt = apt_packages(expected.get("apt") or [], problems)
    for program in sorted(set(expected.get("programs") or [])):
        if shutil.which(program) is None:
            problems.append(f"the program {program} is not on PATH")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        for problem in problems[:20]:
            print(f"{MARK} {problem}")
        sys.stderr.write(f"{MARK} FAILED: {problems[0]}{more}\n")
        return 1
    lines = ["python " + ".".join(str(v) for v in sys.version_info[:3])]
    lines += [f"dist {name} {version} files={count}" for name, (version, count) in sorted(dists.items())]
    lines += [f"apt {name} {version}" for name, version in sorted(apt.items())]
    os.makedirs(os.path.dirname(report_path), exist_ok=True)
    with open(report_path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{MARK} ok: {len(dists)} distributions, {len(apt)} apt packages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
