"""The environment layer's reproducibility, without an engine: what the scripts fix (times, bytecode,
caches), apt beside uv, and the normaliser's choice of what changed and what is a build-time leftover."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import subprocess
import sys
import time

from jupyterlab_containerize.builder.engine import READY_TO_COMMIT
from jupyterlab_containerize.builder.environment_image import creation_script
from jupyterlab_containerize.render.build_only import FILES_DIR
from jupyterlab_containerize.render.install_script import (
    SOURCE_DATE_EPOCH,
    InstallPlan,
    render_install_script,
    render_user_script,
)

PLAN = InstallPlan(requirement_files=[("-r", "requirements.txt")], local_sources=["mylib"])


def normaliser():
    spec = importlib.util.spec_from_file_location("normalise_layer", FILES_DIR / "normalise_layer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sh_syntax(script: str) -> None:
    done = subprocess.run(["sh", "-n"], input=script, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_scripts_write_fixed_times_and_hash_based_bytecode():
    user, install = render_user_script(["jq"]), render_install_script(PLAN)
    for script in (user, install):
        assert f"export SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}" in script  # useradd's date; uv: checked-hash .pyc
        sh_syntax(script)
    # only what this run downloaded is deleted: a file of the base deleted is a whiteout timed in the layer
    assert "rm -rf /var/cache/apt/archives" not in user
    assert '-cnewer "$0" -delete' in user


def test_wheels_go_in_beside_apt_and_source_builds_wait_for_it():
    lines = render_install_script(PLAN).splitlines()
    wheels = next(i for i, line in enumerate(lines) if "--only-binary :all:" in line)
    full = next(i for i, line in enumerate(lines) if '"$UV" pip install --python' in line
                and "requirements.txt" in line and "--only-binary" not in line)
    # after apt only when the wheels beside it did not all go in (a source build)
    assert lines[full].startswith('if [ -z "${INSTALLED_BESIDE_APT:-}" ]; then "$UV" pip install')
    local = next(i for i, line in enumerate(lines) if "mylib" in line and "pip install" in line)
    waits = [i for i, line in enumerate(lines) if line.strip() == "wait_for_apt"]
    assert wheels < waits[0] < full < local  # the lock again, then the user's sources, after apt
    assert waits[-1] > local  # and the script never ends before apt did
    compiles = [i for i, line in enumerate(lines) if "compile_bytecode.py" in line]
    # while apt runs, what the wheels brought; after everything, what is new since (the user's sources)
    assert wheels < compiles[0] < waits[0] and lines[compiles[0]].startswith("    ")
    assert compiles[-1] > local and "--compile-bytecode" not in "\n".join(lines)
    assert lines[compiles[-1]].startswith("/opt/venv/bin/python")  # the user's sources: always compiled


def test_nothing_runs_twice_when_every_wheel_went_in_beside_apt():
    lines = render_install_script(dataclasses.replace(PLAN, local_sources=[])).splitlines()
    compiles = [line for line in lines if "compile_bytecode.py" in line]
    assert len(compiles) == 2 and compiles[-1].startswith('if [ -z "${INSTALLED_BESIDE_APT:-}" ]; then ')


def test_bytecode_is_checked_hash_new_files_only_and_no_tests(tmp_path):
    package = tmp_path / "lib" / "pkg"
    (package / "tests").mkdir(parents=True)
    (package / "__init__.py").write_text("x = 1\n")
    (package / "tests" / "test_x.py").write_text("def test(): pass\n")
    (package / "py2.py").write_text("print 'vendored'\n")
    run = [sys.executable, "-I", "-B", str(FILES_DIR / "compile_bytecode.py"), str(tmp_path / "lib")]
    first = subprocess.run(run, capture_output=True, text=True, check=True)
    assert "Bytecode compiled 1 files in" in first.stdout
    pyc = package / "__pycache__" / f"__init__.{sys.implementation.cache_tag}.pyc"
    assert pyc.read_bytes()[4:8] == (3).to_bytes(4, "little")  # hash-based, checked
    assert not (package / "tests" / "__pycache__").exists()
    before = pyc.stat().st_ino
    again = subprocess.run(run, capture_output=True, text=True, check=True)
    assert "Bytecode compiled 0 files in" in again.stdout and pyc.stat().st_ino == before  # not rewritten
    (package / "__init__.py").write_text("x = 2\n")
    assert "Bytecode compiled 1 files" in subprocess.run(run, capture_output=True, text=True).stdout


def test_the_creation_command_runs_apt_beside_uv_then_normalises():
    script = "\n".join(creation_script("CONTAINERIZE_UV_CACHE=/dev/x "))
    sh_syntax(script)
    lines = script.splitlines()
    assert lines[0] == "set -e"
    assert lines[2].startswith("( set +e; sh /tmp/containerize-build/install-user.sh") and lines[2].endswith("&")
    check = next(i for i, line in enumerate(lines) if "environment_check.py" in line)
    assert lines.index("wait") < check < len(lines) - 1  # the check after both scripts, before the normaliser
    assert "CONTAINERIZE_APT_STATUS=" in lines[3] and "CONTAINERIZE_UV_CACHE=/dev/x sh" in lines[3]
    assert "normalise_layer.py" in lines[-3] and f"SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}" in lines[-3]
    # then the line the engine commits at, while the container waits (no unmount flush first)
    assert lines[-2] == f'echo "{READY_TO_COMMIT}"' and lines[-1].startswith("sleep ")


def test_wait_for_apt_passes_its_failure_on(tmp_path):
    functions = "\n".join(line for line in render_install_script(PLAN).splitlines()[:40])
    start = functions.index("wait_for_apt() {")
    body = functions[start:functions.index("\n}", start) + 2]
    status = tmp_path / "status"
    status.write_text("100\n")
    done = subprocess.run(["sh", "-c", f"{body}\nwait_for_apt; echo after"], capture_output=True, text=True,
                          env={**os.environ, "CONTAINERIZE_APT_STATUS": str(status)})
    assert done.returncode == 1 and "after" not in done.stdout and "install-user.sh" in done.stdout
    status.write_text("0\n")
    done = subprocess.run(["sh", "-c", f"{body}\nwait_for_apt; echo after"], capture_output=True, text=True,
                          env={**os.environ, "CONTAINERIZE_APT_STATUS": str(status)})
    assert done.returncode == 0 and "after" in done.stdout


def test_the_normaliser_finds_what_changed_and_the_leftovers(tmp_path):
    module = normaliser()
    old = tmp_path / "old.txt"
    old.write_text("from the base")
    time.sleep(0.05)
    marker = tmp_path / "marker"
    marker.write_text("")
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "new.py").write_text("x = 1")
    found = module.changed(marker.stat().st_ctime_ns, set(), str(tmp_path))
    assert str(old) not in found
    assert str(tmp_path / "venv" / "new.py") in found
    assert found.index(str(tmp_path / "venv" / "new.py")) < found.index(str(tmp_path / "venv"))
    assert module.is_junk("/var/log/dpkg.log") and module.is_junk("/var/cache/apt/pkgcache.bin")
    assert module.is_junk("/var/cache/ldconfig/aux-cache") and module.is_junk("/tmp/containerize-uv/bin/uv")
    assert not module.is_junk("/var/lib/apt/lists/partial") and not module.is_junk("/var/log")
    assert not module.is_junk("/var/lib/dpkg/status") and not module.is_junk("/opt/venv/bin/python")
