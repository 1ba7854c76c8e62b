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

    def top_levels(dist):
        text = read_text(dist, "top_level.txt")
        if text:
            return [t.strip().replace("/", ".") for t in text.split() if t.strip()]
        names = set()
        for f in dist.files or ():
            parts = f.parts
            if (
                not parts
                or parts[0] in ("..", "__pycache__")
                or parts[0].endswith((".dist-info", ".egg-info", ".data"))
            ):
                continue
            head = parts[0]
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
    seen = set()
    if md is not None:
        for dist in md.distributions():
            name = dist.metadata["Name"] if dist.metadata else None
            if not name or canonical(name) in seen:
                continue  # the first one on sys.path wins, as for imports
            seen.add(canonical(name))
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
                    "version": dist.version,
                    "installer": (read_text(dist, "INSTALLER") or "").strip() or None,
                    "direct_url": direct_url,
                    "requires": list(dist.requires or []),
                    "requires_python": dist.metadata.get("Requires-Python"),
                    "top_level": tops,
                    "location": str(getattr(dist, "_path", "") or ""),
                }
            )
        shared = {top for top, names in module_map.items() if len(names) > 1}
        if shared:
            by_name = {d["name"]: d for d in distributions}
            for dist in md.distributions():
                name = dist.metadata["Name"] if dist.metadata else None
                if name in by_name:
                    for top in set(by_name[name]["top_level"]) & shared:
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
        "gpu": gpu_facts(md, read_text),
        "cwd": os.getcwd(),
    }


def gpu_facts(md, read_text):
    facts = {"frameworks": [], "cuda_wheels": [], "driver_version": None, "cuda_driver_version": None, "devices": []}
    if md is None:
        return facts

    def dist_or_none(name):
        try:
            return md.distribution(name)
        except Exception:
            return None

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

    torch = dist_or_none("torch")
    if torch is not None:
        text = file_text(torch, "torch/version.py")
        facts["frameworks"].append(
            {
                "name": "torch",
                "version": torch.version,
                "cuda": assigned(text, "cuda") if text and "cuda = None" not in text else None,
                "cudnn": None,
            }
        )
    for tf_name in ("tensorflow", "tensorflow-gpu", "tensorflow-cpu"):
        tf = dist_or_none(tf_name)
        if tf is not None:
            text = file_text(tf, "tensorflow/python/platform/build_info.py")
            facts["frameworks"].append(
                {
                    "name": "tensorflow",
                    "version": tf.version,
                    "cuda": assigned(text, "cuda_version"),
                    "cudnn": assigned(text, "cudnn_version"),
                }
            )
            break
    jaxlib = dist_or_none("jaxlib")
    if jaxlib is not None:
        cuda = None
        for d in md.distributions():
            n = (d.metadata["Name"] or "").lower() if d.metadata else ""
            m = re.match(r"jax[-_]cuda(\d+)[-_](plugin|pjrt)", n)
            if m:
                cuda = m.group(1)
        m = re.search(r"\+cuda(\d+)", jaxlib.version)
        facts["frameworks"].append(
            {"name": "jax", "version": jaxlib.version, "cuda": cuda or (m.group(1) if m else None), "cudnn": None}
        )
    for d in md.distributions():
        n = (d.metadata["Name"] or "").lower() if d.metadata else ""
        m = re.match(r"cupy[-_]cuda(\d+)(x|\d*)", n)
        if m:
            major = m.group(1)
            cuda = major + ".x" if m.group(2) == "x" else (major[:-1] + "." + major[-1] if len(major) > 2 else major)
            facts["frameworks"].append({"name": "cupy", "version": d.version, "cuda": cuda, "cudnn": None})
        if n.startswith("nvidia-") and re.search(r"cu\d+$", n):
            facts["cuda_wheels"].append(d.metadata["Name"] + "==" + d.version)

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
