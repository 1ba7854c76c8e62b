"""Re-resolve pins that refuse the base's Python to the newest version that accepts it (host uv)."""

from __future__ import annotations

from ..uv_compile import compile_pins, uv_binary
from ..validate import safe_package_name, safe_version

__all__ = ["newest_fitting", "uv_binary"]


def newest_fitting(names: list[str], python_version: str, timeout: float = 60) -> dict[str, str]:
    """{name: version} for each name uv can pin for that Python; {} when uv or the index fails."""
    if not names:
        return {}
    wanted = [safe_package_name(n) for n in names]
    compiled = compile_pins(wanted, safe_version(python_version), no_deps=True, timeout=timeout)
    return {} if compiled.error else compiled.pins
