"""A small hand-written probe answer, shaped like probe_script.probe() returns."""

from typing import Any, Optional


def dist(
    name: str,
    version: str,
    requires: Optional[list[str]] = None,
    top: Optional[list[str]] = None,
    direct_url: Optional[dict[str, Any]] = None,
    requires_python: Optional[str] = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "version": version,
        "installer": "pip",
        "direct_url": direct_url,
        "requires": requires or [],
        "requires_python": requires_python,
        "top_level": top if top is not None else [name.lower().replace("-", "_")],
        "location": "",
    }


def probe(dists: list[dict[str, Any]], modules: Optional[list[str]] = None, python: str = "3.11.7") -> dict[str, Any]:
    module_map: dict[str, list[str]] = {}
    for d in dists:
        for top in d["top_level"]:
            module_map.setdefault(top, []).append(d["name"])
    return {
        "probe_version": 1,
        "python": {
            "version": python,
            "implementation": "CPython",
            "executable": "/env/bin/python",
            "prefix": "/env",
            "is_venv": True,
            "is_conda": False,
        },
        "platform": {"system": "Linux", "machine": "x86_64", "libc": "glibc 2.36"},
        "marker_environment": {
            "implementation_name": "cpython",
            "implementation_version": python,
            "os_name": "posix",
            "platform_machine": "x86_64",
            "platform_release": "6.1",
            "platform_system": "Linux",
            "platform_version": "#1",
            "python_full_version": python,
            "platform_python_implementation": "CPython",
            "python_version": python.rsplit(".", 1)[0],
            "sys_platform": "linux",
        },
        "stdlib": ["os", "sys", "json", "importlib", "collections", "re"],
        "builtin_modules": ["sys", "builtins"],
        "modules": modules or [],
        "modules_second_level": [],
        "module_map": module_map,
        "distributions": dists,
        "gpu": {
            "frameworks": [],
            "cuda_wheels": [],
            "driver_version": None,
            "cuda_driver_version": None,
            "devices": [],
        },
        "cwd": "/work",
    }
