"""The accuracy measure: what each import really is in the benchmark environment, and how each tool's pins compare."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .environment import SetupError, last_line, run
from .notebook import Notebook

GROUND_TRUTH_SCRIPT = r"""
import importlib.metadata as md, importlib.util, json, os, sys
nb_dir = os.path.realpath(sys.argv[1])
tops = json.loads(sys.argv[2])
sys.path.insert(0, nb_dir)  # the kernel runs in the notebook's folder
owner = {}
for dist in md.distributions():
    for f in dist.files or ():
        owner.setdefault(os.path.normpath(str(dist.locate_file(f))), (dist.metadata["Name"], dist.version))
stdlib = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names) | {"__future__"}
out = {}
for top in tops:
    if top in stdlib:
        out[top] = {"kind": "stdlib"}
        continue
    try:
        spec = importlib.util.find_spec(top)
    except Exception:
        spec = None
    if spec is None:
        out[top] = {"kind": "unresolved"}
        continue
    paths = [spec.origin] if spec.origin and spec.origin not in ("built-in", "frozen", "namespace") else []
    paths += list(spec.submodule_search_locations or [])
    found = None
    for p in paths:
        p = os.path.normpath(p)
        if os.path.realpath(p).startswith(nb_dir + os.sep):
            found = {"kind": "local"}
            break
        if p in owner:
            found = {"kind": "package", "distribution": owner[p][0], "version": owner[p][1]}
            break
        prefix = p + os.sep
        hit = next((o for f, o in owner.items() if f.startswith(prefix)), None)
        if hit:
            found = {"kind": "package", "distribution": hit[0], "version": hit[1]}
            break
    out[top] = found or {"kind": "unowned", "paths": paths}
print(json.dumps(out))
"""


def ground_truth(python: Path, notebook: Notebook) -> dict[str, dict[str, Any]]:
    done = run([str(python), "-c", GROUND_TRUTH_SCRIPT, str(notebook.path.parent), json.dumps(notebook.tops)],
                cwd=str(notebook.path.parent))
    if done.returncode != 0:
        raise SetupError(f"the ground-truth script failed: {last_line(done.stderr)}")
    return json.loads(done.stdout)


# --------------------------------------------------------------------------------------------
# Scoring


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Score:
    tool: str
    time_s: Optional[float]
    exact: int = 0
    wrong_version: int = 0
    wrong_name: int = 0
    missing: int = 0
    extra: list[str] = field(default_factory=list)
    per_import: dict[str, str] = field(default_factory=dict)  # top -> what the tool pinned
    error: Optional[str] = None

    @property
    def total(self) -> int:
        return self.exact + self.wrong_version + self.wrong_name + self.missing


def score_spec(tool: str, time_s: Optional[float], spec: dict[str, Any], truth: dict[str, dict[str, Any]]) -> Score:
    """Our spec: per kernel-resolved import, the distribution the import record names and its pin in packages."""
    score = Score(tool, time_s)
    pins = {canonical(p["name"]): (p["name"], p.get("version")) for p in spec.get("packages", [])}
    records: dict[str, list[dict[str, Any]]] = {}
    for record in spec.get("imports", []):
        if not record.get("runtime"):
            records.setdefault(record["module"].split(".")[0], []).append(record)
    for top, fact in truth.items():
        if fact["kind"] != "package":
            continue
        dists = {str(r["distribution"]) for r in records.get(top, [])
                 if r.get("kind") == "package" and r.get("distribution")}
        if not dists:
            kinds = sorted({r.get("kind", "?") for r in records.get(top, [])}) or ["absent"]
            score.missing += 1
            score.per_import[top] = f"({'/'.join(kinds)})"
            continue
        name = sorted(dists)[0]
        pinned = pins.get(canonical(name))
        shown = f"{pinned[0]}=={pinned[1]}" if pinned else f"{name} (not in packages)"
        score.per_import[top] = shown
        if len(dists) > 1 or canonical(name) != canonical(fact["distribution"]):
            score.wrong_name += 1
        elif pinned is None or pinned[1] is None:
            score.missing += 1
        elif pinned[1] != fact["version"]:
            score.wrong_version += 1
        else:
            score.exact += 1
    return score


def parse_requirements(text: str) -> dict[str, tuple[str, Optional[str]]]:
    entries = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==\s*([^\s;]+))?", line)
        if match:
            entries[canonical(match.group(1))] = (match.group(1), match.group(2))
    return entries


def score_requirements(tool: str, time_s: Optional[float], text: str, mapping: dict[str, str],
                       truth: dict[str, dict[str, Any]]) -> Score:
    """pipreqs: per kernel-resolved import, the line it wrote for that import (found by its own name mapping)."""
    score = Score(tool, time_s)
    entries = parse_requirements(text)
    claimed: set[str] = set()
    for top, fact in truth.items():
        if fact["kind"] != "package":
            continue
        right = canonical(fact["distribution"])
        guess = canonical(mapping.get(top, top))
        key = right if right in entries else guess if guess in entries else None
        if key is None:
            score.missing += 1
            score.per_import[top] = "(missing)"
            continue
        claimed.add(key)
        name, version = entries[key]
        score.per_import[top] = f"{name}=={version}" if version else name
        if key != right:
            score.wrong_name += 1
        elif version != fact["version"]:
            score.wrong_version += 1
        else:
            score.exact += 1
    score.extra = sorted(f"{n}=={v}" if v else n for k, (n, v) in entries.items() if k not in claimed)
    return score


def pinned_exactly(value: str, fact: dict[str, Any]) -> bool:
    name, _, version = value.partition("==")
    return canonical(name) == canonical(fact["distribution"]) and version == fact["version"]


def cross_check(spec: dict[str, Any], truth: dict[str, dict[str, Any]], label: str) -> list[str]:
    """Where the spec's kind for an import disagrees with the environment: worth telling the product's owner."""
    notes = []
    kinds: dict[str, set[str]] = {}
    for record in spec.get("imports", []):
        if not record.get("runtime"):
            kinds.setdefault(record["module"].split(".")[0], set()).add(record["kind"])
    for top, fact in truth.items():
        want = fact["kind"]
        got = kinds.get(top, {"absent"})
        if got != {want}:
            notes.append(f"{label}: import {top}: environment says {want}, spec says {'/'.join(sorted(got))}")
    for top in sorted(set(kinds) - set(truth)):
        kind = "/".join(sorted(kinds[top]))
        notes.append(f"{label}: spec lists import {top} ({kind}) that the notebook does not import")
    return notes
