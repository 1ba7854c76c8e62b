"""System facts, kernel side: where the programs the notebook ran come from, and which shared
libraries its loaded compiled extensions link to, with the Debian package of each.

Standalone like probe_script.py (stdlib only, Python 3.8+), exec'd in the kernel beside
touch_hook.py. Every command has a fixed argv, no shell and a timeout. dpkg is asked only where the
kernel runs on Debian or Ubuntu; elsewhere the paths come back without packages and the server
falls back to its curated tables.
"""

import os
import shutil
import subprocess
import sys

MAX_PROGRAMS = 64
MAX_EXTENSIONS = 600
MAX_MODULES_PER_LIBRARY = 8
COMMAND_TIMEOUT = 8.0
LOADER_NAMES = ("linux-vdso", "linux-gate", "ld-linux", "ld64.so", "ld-musl")


def system_facts(programs, state=None):
    """{os, dpkg, programs: {name: {path, package, distribution}}, libraries: {soname: {path, package, modules}}}."""
    release = os_release()
    family = (release.get("id", "") + " " + release.get("id_like", "")).split()
    dpkg = shutil.which("dpkg-query") if ("debian" in family or "ubuntu" in family) else None
    env_roots = tuple(os.path.join(os.path.abspath(p), "") for p in {sys.prefix, sys.exec_prefix} if p != "/")
    facts = {"os": release, "dpkg": bool(dpkg), "programs": {}, "libraries": {}}
    for name in list(programs)[:MAX_PROGRAMS]:
        where = name if os.sep in name else shutil.which(name)
        real = os.path.realpath(where) if where else None
        in_env = bool(real) and (real.startswith(env_roots) or where.startswith(env_roots))
        facts["programs"][name] = {
            "path": where,
            "package": None,
            "distribution": console_script_owner(os.path.basename(name)) if in_env else None,
            "in_environment": in_env,
        }
    cache = getattr(state, "ldd", None) if state is not None else None
    facts["libraries"] = shared_libraries(env_roots, cache if isinstance(cache, dict) else {})
    if dpkg:
        wanted = [p["path"] for p in facts["programs"].values() if p["path"] and not p["in_environment"]]
        wanted += [lib["path"] for lib in facts["libraries"].values() if lib["path"]]
        owners = dpkg_owners(dpkg, wanted)
        for entry in list(facts["programs"].values()) + list(facts["libraries"].values()):
            entry["package"] = owners.get(entry["path"]) if entry["path"] else None
    return facts


def os_release():
    fields = {}
    for path in ("/etc/os-release", "/usr/lib/os-release"):
        try:
            with open(path) as fh:
                for line in fh:
                    key, sep, value = line.strip().partition("=")
                    if sep:
                        fields[key.lower()] = value.strip().strip("\"'")
            break
        except OSError:
            continue
    return {k: fields.get(k, "") for k in ("id", "id_like", "version_id")}


def console_script_owner(name):
    """The distribution whose console_scripts entry point is `name` (pip's `kaggle`, `black`)."""
    try:
        from importlib import metadata
    except ImportError:
        return None
    for dist in metadata.distributions():
        try:
            for entry in dist.entry_points:
                if entry.group in ("console_scripts", "gui_scripts") and entry.name == name:
                    return dist.metadata["Name"]
        except Exception:
            continue
    return None


def extension_files():
    """Compiled extension modules loaded in this process, outside the interpreter's own stdlib."""
    import importlib.machinery
    import sysconfig

    paths = sysconfig.get_paths()
    stdlib = tuple(os.path.join(os.path.abspath(p), "") for p in {paths.get("platstdlib"), paths.get("stdlib")} if p)
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    found = {}
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None)
        if not isinstance(where, str) or not where.endswith(suffixes):
            continue
        where = os.path.abspath(where)
        parts = where.split(os.sep)
        packaged = "site-packages" in parts or "dist-packages" in parts
        if "lib-dynload" in parts or (where.startswith(stdlib) and not packaged):
            continue  # the interpreter's own: the base image's python has them
        found.setdefault(where, name.partition(".")[0])
        if len(found) >= MAX_EXTENSIONS:
            break
    return found


def shared_libraries(env_roots, cache):
    """soname -> {path, package, modules}: libraries outside the environment (or not found at all)."""
    files = extension_files()
    ldd = shutil.which("ldd")
    todo = [f for f in sorted(files) if f not in cache]
    if ldd and todo:
        for start in range(0, len(todo), 100):
            cache.update(run_ldd(ldd, todo[start:start + 100]))
    libraries = {}
    for path, module in files.items():
        for soname, resolved in cache.get(path, ()):
            if soname.startswith(LOADER_NAMES) or (resolved and resolved.startswith(env_roots)):
                continue
            entry = libraries.setdefault(soname, {"path": resolved, "package": None, "modules": []})
            if module not in entry["modules"] and len(entry["modules"]) < MAX_MODULES_PER_LIBRARY:
                entry["modules"].append(module)
    return libraries


def run_ldd(ldd, files):
    """file -> [(soname, resolved path or None)]; files ldd cannot read map to []."""
    result = {f: [] for f in files}
    try:
        done = subprocess.run([ldd, *files], capture_output=True, text=True,  # noqa: S603 - fixed argv, no shell
                              timeout=COMMAND_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return result
    current = files[0] if len(files) == 1 else None
    for line in done.stdout.splitlines():
        if not line.startswith(("\t", " ")) and line.endswith(":"):
            current = line[:-1] if line[:-1] in result else None
            continue
        if current is None or "=>" not in line:
            continue
        soname, _, target = line.strip().partition(" => ")
        target = target.split(" (", 1)[0].strip()
        result[current].append((soname.strip(), None if not target or target == "not found" else target))
    return result


def dpkg_owners(dpkg, paths):
    """path -> Debian package, asked once for all paths (and their merged-/usr twins)."""
    variants = {}
    for path in dict.fromkeys(paths):
        for candidate in (path, os.path.realpath(path)):
            variants[candidate] = path
            if candidate.startswith("/usr/lib/") or candidate.startswith("/usr/bin/"):
                variants[candidate[4:]] = path
            elif candidate.startswith(("/lib/", "/bin/", "/lib64/", "/sbin/")):
                variants["/usr" + candidate] = path
    if not variants:
        return {}
    try:
        done = subprocess.run([dpkg, "-S", *sorted(variants)], capture_output=True,  # noqa: S603 - fixed argv
                              text=True, timeout=COMMAND_TIMEOUT)
    except (OSError, subprocess.SubprocessError):
        return {}
    owners = {}
    for line in done.stdout.splitlines():
        if line.startswith("diversion ") or ": " not in line:
            continue
        packages, _, path = line.rpartition(": ")
        original = variants.get(path.strip())
        if original and original not in owners:
            owners[original] = packages.split(",")[0].strip().split(":")[0]
    return owners
