"""A spec the user edited (the panel's table, a saved `inspect --json`): what its edits imply.

Removing a package removes what only it needed: a `dependency` pin is kept only while a kept root
(an imported, runtime, implicit, requested or user package) still reaches it through `required_by`.
src/specEdits.ts does the same in the panel, so the table shows it at once.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional

from packaging.utils import canonicalize_name

from ..errors import ReleaseRefused
from ..spec import EnvironmentSpec, Package
from .release_check import ReleaseCheck, check_release

MAX_CHECKED = 40  # pins without metadata checked before a build; more are left to the installer
Checker = Callable[..., ReleaseCheck]


def drop_orphaned_dependencies(spec: EnvironmentSpec) -> list[str]:
    """Drop the `dependency` pins no kept root reaches any more, and the names of removed packages
    from the kept ones' `required_by`. Returns the names dropped. A spec as inspected is unchanged:
    its dependencies are its roots' closure; one with no `required_by` (read from a lock) is kept."""
    by_name: dict[str, Package] = {canonicalize_name(p.name): p for p in spec.packages}
    children: dict[str, list[str]] = {}
    for name, package in by_name.items():
        for parent in package.required_by:
            children.setdefault(canonicalize_name(parent), []).append(name)
    queue: deque[str] = deque(name for name, p in by_name.items() if _is_root(p))
    reached: set[str] = set(queue)
    while queue:
        for child in children.get(queue.popleft(), []):
            if child not in reached:
                reached.add(child)
                queue.append(child)
    dropped = [p.name for p in spec.packages if canonicalize_name(p.name) not in reached]
    spec.packages = [p for p in spec.packages if canonicalize_name(p.name) in reached]
    for package in spec.packages:
        package.required_by = [r for r in package.required_by if canonicalize_name(r) in reached]
    return dropped


def _is_root(package: Package) -> bool:
    return package.reason != "dependency" or not package.required_by


def check_unknown_pins(spec: EnvironmentSpec, index_url: Optional[str] = None,
                       checker: Checker = check_release) -> list[ReleaseCheck]:
    """Every index pin the user picked or added (`edited`, or a `user` package) is checked with that
    release's own metadata: its Requires-Python replaces whatever the spec carried, and one that cannot
    install on the spec's Python and platform raises ReleaseRefused. An index that does not answer
    leaves them to the installer (its metadata is then unknown, never the inspected version's)."""
    python = spec.python.version
    unknown = [p for p in spec.packages
               if p.version and p.source.kind == "index" and (p.edited or p.reason == "user")]
    if not python or not unknown:
        return []
    with ThreadPoolExecutor(max_workers=8) as pool:
        checks = list(pool.map(lambda p: checker(p.name, p.version, python, spec.platform.machine,
                                                 spec.platform.libc, index_url), unknown[:MAX_CHECKED]))
    for package, check in zip(unknown, checks):
        package.requires_python = check.requires_python if check.checked else None
    refused = [c for c in checks if c.ok is False]
    if refused:
        more = f" (and {len(refused) - 1} more: {', '.join(f'{c.name} {c.version}' for c in refused[1:4])})" \
            if len(refused) > 1 else ""
        raise ReleaseRefused(f"{refused[0].message}{more}", detail="\n".join(c.message or "" for c in refused))
    return checks


def prepare_edited_spec(spec: EnvironmentSpec, index_url: Optional[str] = None,
                        checker: Checker = check_release) -> list[str]:
    """What a spec the user edited needs before it is built: the orphaned dependencies dropped and the
    picked versions checked. Blocking (it asks the index): call it in a thread. Returns the dropped names."""
    dropped = drop_orphaned_dependencies(spec)
    check_unknown_pins(spec, index_url, checker)
    return dropped
