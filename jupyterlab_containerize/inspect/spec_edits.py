"""A spec the user edited (the panel's table, a saved `inspect --json`): what its edits imply.

Removing a package removes what only it needed: a `dependency` pin is kept only while a kept root
(an imported, runtime, implicit, requested or user package) still reaches it through `required_by`.
src/specEdits.ts does the same in the panel, so the table shows it at once.
"""

from __future__ import annotations

from collections import deque

from packaging.utils import canonicalize_name

from ..spec import EnvironmentSpec, Package


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
