"""The environment probe: runs inside the inspected interpreter and returns plain JSON-able data.

Standalone on purpose: it is sent as source text to a kernel or to `python -c`, so it may import
only the standard library, must run on Python 3.8+, and defines a single function `probe()`.
It never imports the user's packages (importing torch or tensorflow is slow and has side effects):
GPU builds are read from the packages' own files.
"""

import json
import os
import platform
import re
import subprocess
import sys


def probe():  # noqa: C901 - one self-contained function keeps the kernel's namespace clean
    try:
        from importlib import metadata as md
    except ImportError:  # Python < 3.8
        md = None

    def read_text(dist, name):
        try:
            return dist.read_text(name)
        except Exception:
            return None

    def canonical(name):
        return re.sub(r"[-_.]+", "-", name).lower()

    def headers(dist):
        """METADATA's header block only: the email parser over long descriptions is the slow part."""
        text = read_text(dist, "METADATA") or read_text(dist, "PKG-INFO") or ""
        fields = {}
        key = None
        for line in text.split("\n\n", 1)[0].splitlines():
            if line[:1] in (" ", "\t") and key:
                continue  # continuation of a folded field (License, Description): not needed
            key, sep, value = line.partition(":")
            if sep:
                fields.setdefault(key.strip().lower(), []).append(value.strip())
        return fields

    def record_paths(dist):
        text = read_text(dist, "RECORD")
        if text is None:
            return [str(f) for f in dist.files or ()]
        return [line.split(",", 1)[0].strip('"') for line in text.splitlines() if line]

    def top_levels(dist):
        text = read_text(dist, "top_level.txt")
        if text:
            return [t.strip().replace("/", ".") for t in text.split() if t.strip()]
        names = set()
        for path in record_paths(dist):
            parts = path.replace("\\", "/").split("/")
            head = parts[0]
            if not head or head in ("..", "__pycache__") or head.endswith((".dist-info", ".egg-info", ".data")):
                continue
            if len(parts) == 1:
                if head.endswith(".py"):
                    names.add(head[:-3])
                elif head.endswith((".so", ".pyd")):
                    names.add(head.split(".")[0])
            elif not head.endswith(".pth"):
                names.add(head)
        return sorted(names)

    def second_levels(dist, top):
        # Namespace packages (google.*, azure.*) are shared by many distributions.
        subs = set()
        for f in dist.files or ():
            parts = f.parts
            if len(parts) > 2 and parts[0] == top:
                subs.add(top + "." + (parts[1][:-3] if parts[1].endswith(".py") else parts[1]))
        return sorted(subs)

    distributions = []
    module_map = {}
    kept = []  # (name, dist): each METADATA is parsed once, everything below reuses it
    seen = set()
    if md is not None:
        for dist in md.distributions():
            meta = headers(dist)
            name = (meta.get("name") or [None])[0]
            if not name or canonical(name) in seen:
                continue  # the first one on sys.path wins, as for imports
            seen.add(canonical(name))
            kept.append((name, dist))
            direct_url = read_text(dist, "direct_url.json")
            try:
                direct_url = json.loads(direct_url) if direct_url else None
            except ValueError:
                direct_url = None
            tops = top_levels(dist)
            for top in tops:
                module_map.setdefault(top, []).append(name)
            distributions.append(
                {
                    "name": name,
                    "version": (meta.get("version") or [""])[0],
                    "installer": (read_text(dist, "INSTALLER") or "").strip() or None,
                    "direct_url": direct_url,
                    "requires": meta.get("requires-dist", []),
                    "requires_python": (meta.get("requires-python") or [None])[0],
                    "top_level": tops,
                    "location": str(getattr(dist, "_path", "") or ""),
                }
            )
        shared = {top for top, names in module_map.items() if len(names) > 1}
        if shared:
            tops_by_name = {d["name"]: set(d["top_level"]) for d in distributions}
            for name, dist in kept:
                for top in tops_by_name[name] & shared:
                    for sub in second_levels(dist, top):
                        module_map.setdefault(sub, []).append(name)

    loaded = sorted({m.split(".")[0] for m in list(sys.modules) if m and not m.startswith("_")})
    loaded_full = sorted(m for m in list(sys.modules) if m.count(".") == 1 and not m.startswith("_"))

    return {
        "probe_version": 1,
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "executable": sys.executable,
            "prefix": sys.prefix,
            "is_venv": sys.prefix != getattr(sys, "base_prefix", sys.prefix),
            "is_conda": os.path.isdir(os.path.join(sys.prefix, "conda-meta")),
        },
        "platform": {
            "system": platform.system(),
            "machine": platform.machine(),
            "libc": " ".join(platform.libc_ver()).strip() if platform.system() == "Linux" else "",
        },
        "marker_environment": {
            "implementation_name": sys.implementation.name,
            "implementation_version": ".".join(str(n) for n in sys.implementation.version[:3]),
            "os_name": os.name,
            "platform_machine": platform.machine(),
            "platform_release": platform.release(),
            "platform_system": platform.system(),
            "platform_version": platform.version(),
            "python_full_version": platform.python_version(),
            "platform_python_implementation": platform.python_implementation(),
            "python_version": ".".join(platform.python_version_tuple()[:2]),
            "sys_platform": sys.platform,
        },
        "stdlib": sorted(getattr(sys, "stdlib_module_names", ())),
        "builtin_modules": sorted(sys.builtin_module_names),
        "modules": loaded,
        "modules_second_level": loaded_full,
        "module_map": module_map,
        "distributions": distributions,
        "gpu": gpu_facts(md, kept, {d["name"]: d["version"] for d in distributions}),
        "cwd": os.getcwd(),
    }


def gpu_facts(md, kept, versions):
    facts = {"frameworks": [], "cuda_wheels": [], "driver_version": None, "cuda_driver_version": None, "devices": []}
    if md is None:
        return facts
    by_name = {name.lower(): (name, dist) for name, dist in kept}

    def file_text(dist, suffix):
        for f in dist.files or ():
            if str(f).replace("\\", "/").endswith(suffix):
                try:
                    return f.read_text()
                except Exception:
                    return None
        return None

    def assigned(text, key):
        m = re.search(r"""['"]?%s['"]?\s*[:=]\s*['"]([^'"]+)['"]""" % re.escape(key), text or "")
        return m.group(1) if m else None

    if "torch" in by_name:
        name, dist = by_name["torch"]
        text = file_text(dist, "torch/version.py")
        cuda = assigned(text, "cuda") if text and "cuda = None" not in text else None
        facts["frameworks"].append({"name": "torch", "version": versions[name], "cuda": cuda, "cudnn": None})
    for tf_name in ("tensorflow", "tensorflow-gpu", "tensorflow-cpu"):
        if tf_name in by_name:
            name, dist = by_name[tf_name]
            text = file_text(dist, "tensorflow/python/platform/build_info.py")
            facts["frameworks"].append(
                {
                    "name": "tensorflow",
                    "version": versions[name],
                    "cuda": assigned(text, "cuda_version"),
                    "cudnn": assigned(text, "cudnn_version"),
                }
            )
            break
    if "jaxlib" in by_name:
        cuda = None
        for lowered in by_name:
            m = re.match(r"jax[-_]cuda(\d+)[-_](plugin|pjrt)", lowered)
            if m:
                cuda = m.group(1)
        jaxlib_version = versions[by_name["jaxlib"][0]]
        m = re.search(r"\+cuda(\d+)", jaxlib_version)
        facts["frameworks"].append(
            {"name": "jax", "version": jaxlib_version, "cuda": cuda or (m.group(1) if m else None), "cudnn": None}
        )
    for lowered, (name, _dist) in by_name.items():
        m = re.match(r"cupy[-_]cuda(\d+)(x|\d*)", lowered)
        if m:
            major = m.group(1)
            cuda = major + ".x" if m.group(2) == "x" else (major[:-1] + "." + major[-1] if len(major) > 2 else major)
            facts["frameworks"].append({"name": "cupy", "version": versions[name], "cuda": cuda, "cudnn": None})
        if lowered.startswith("nvidia-") and re.search(r"cu\d+\Z", lowered):
            facts["cuda_wheels"].append(name + "==" + versions[name])

    facts["driver_version"], facts["devices"] = nvidia_smi()
    if facts["driver_version"] is None:
        try:
            with open("/proc/driver/nvidia/version") as fh:
                m = re.search(r"Kernel Module\s+([\d.]+)", fh.read())
                facts["driver_version"] = m.group(1) if m else None
        except OSError:
            pass
    facts["cuda_driver_version"] = cuda_driver_version()
    return facts


def nvidia_smi():
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,compute_cap,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None, []
    if out.returncode != 0:
        return None, []
    driver, devices = None, []
    for line in out.stdout.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 4:
            driver = parts[1]
            mem = int(parts[3]) if parts[3].isdigit() else None
            devices.append({"name": parts[0], "compute_capability": parts[2], "memory_mib": mem})
    return driver, devices


def cuda_driver_version():
    # The CUDA version the driver supports, from libcuda itself (no toolkit needed).
    try:
        import ctypes

        lib = ctypes.CDLL("libcuda.so.1")
        version = ctypes.c_int()
        if lib.cuDriverGetVersion(ctypes.byref(version)) == 0 and version.value:
            return "%d.%d" % (version.value // 1000, (version.value % 1000) // 10)
    except Exception:
        pass
    return None


if __name__ == "__main__":
    sys.stdout.write(json.dumps(probe()))
