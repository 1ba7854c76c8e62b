"""The kernel-side touch hook, run in a fresh interpreter (an audit hook cannot be removed once added)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_containerize.inspect.touch_hook import command_parts, shell_commands
from jupyterlab_containerize.inspect.touch_record import HOOK_SOURCE, SYSTEM_SOURCE


def run_with_hook(tmp_path: Path, body: str, setup: str = "") -> dict:
    """Run `body` in a new python with the hook installed; returns the snapshot (plus `stdout`)."""
    script = (
        "import json, sys\n"
        f"g = {{'__name__': 'hook'}}\nexec({HOOK_SOURCE!r}, g)\n{setup}\n"
        "g['install']()\n"
        f"{body}\n"
        "sys.stdout.write('\\nRECORD=' + json.dumps(g['snapshot']()))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out, _, record = done.stdout.rpartition("\nRECORD=")
    data = json.loads(record)
    data["stdout"], data["stderr"] = out, done.stderr
    return data


def test_records_reads_listings_databases_commands(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "in.csv").write_text("a\n1\n")
    import sqlite3

    sqlite3.connect(tmp_path / "data" / "old.db").close()
    record = run_with_hook(tmp_path, "\n".join([
        "import os, glob, sqlite3, subprocess",
        "open('data/in.csv').read()",
        "open('out.txt', 'w').write('x'); open('out.txt').read()",  # written first: output, not data
        "sqlite3.connect('data/old.db').close(); sqlite3.connect('data/new.db').close()",
        "sqlite3.connect(':memory:').close()",
        "glob.glob('data/*.csv'); os.listdir('data')",
        "subprocess.run(['true', '--flag']); os.system('exit 0')",
        "try:\n    subprocess.run(['no-such-program-here'])\nexcept FileNotFoundError:\n    pass",
    ]))
    root = str(tmp_path.resolve())
    assert record["read"] == [f"{root}/data/in.csv", f"{root}/data/old.db"]
    assert record["listed"] == [f"{root}/data"]
    commands = [c[1:] for c in record["commands"]]
    assert ["true", "--flag"] in commands and ["/bin/sh", "-c", "exit 0"] in commands
    assert ["no-such-program-here"] in commands  # a failed start is recorded too
    assert all(c[0] == root for c in record["commands"])
    assert record["counts"]["written"] >= 2 and record["stdout"] == "" and record["stderr"] == ""


def test_modules_from_outside_the_environment(tmp_path: Path):
    (tmp_path / "libs").mkdir()
    (tmp_path / "libs" / "helperx.py").write_text("VALUE = 3\n")
    record = run_with_hook(tmp_path, "import os, sys\nsys.path.insert(0, os.path.abspath('li' + 'bs'))\n"
                                     "import helperx, json, csv")
    assert record["modules"] == {"helperx": str((tmp_path / "libs" / "helperx.py").resolve())}


def test_bounded_and_counted(tmp_path: Path):
    record = run_with_hook(
        tmp_path,
        "import subprocess\n"
        "for i in range(30):\n    open(f'f{i}.txt', 'w').close()\n"
        "for i in range(5):\n    subprocess.run(['true', str(i)])",
        setup="g['MAX_PATHS'] = 10\ng['MAX_COMMANDS'] = 2",
    )
    assert record["counts"]["written"] == 10 and record["dropped"]["paths"] == 20
    assert len(record["commands"]) == 2 and record["dropped"]["commands"] == 3


def test_never_raises_prints_or_records_while_paused(tmp_path: Path):
    record = run_with_hook(tmp_path, "\n".join([
        "import sys",
        "sys.audit('open', object(), 'r', 0)",  # a path it cannot read
        "sys.audit('subprocess.Popen')",  # no arguments at all
        "sys.audit('os.listdir', 12)",
        "state = sys.modules['__containerize_touch__']",
        "state.paused += 1\nopen('skipped.txt', 'w').close()\nstate.paused -= 1",
        "print('hello')",
    ]))
    assert record["stdout"] == "hello\n" and record["stderr"] == ""
    assert record["counts"]["written"] == 0


def test_install_is_idempotent(tmp_path: Path):
    record = run_with_hook(tmp_path, "first = sys.modules['__containerize_touch__']\n"
                                     "g['install']()\nassert sys.modules['__containerize_touch__'] is first\n"
                                     "import os\nos.system('exit 0')")
    assert len(record["commands"]) == 1  # one hook: one entry


def test_system_facts_of_this_machine(tmp_path: Path):
    script = (f"g = {{}}\nexec({HOOK_SOURCE!r}, g)\nexec({SYSTEM_SOURCE!r}, g)\ng['install']()\n"
              "import json, sys\nsys.stdout.write(json.dumps(g['snapshot'](g['system_facts'])['system']))")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    facts = json.loads(done.stdout)
    assert set(facts) == {"os", "dpkg", "programs", "libraries"}
    if not facts["dpkg"]:
        pytest.skip("not a Debian kernel: no packages to check")
    assert facts["os"]["id"] in ("debian", "ubuntu") or "debian" in facts["os"]["id_like"]


@pytest.mark.parametrize("argv,parts", [
    (["dot", "-Tpng"], [("program", "dot")]),
    (["/usr/bin/python3", "scripts/report.py", "x"], [("script", "scripts/report.py")]),
    (["python", "-u", "-W", "ignore", "run.py"], [("script", "run.py")]),
    (["python3.11", "-m", "mytool.cli", "--x"], [("module", "mytool.cli")]),
    (["python", "-c", "import tabulate"], [("code", "import tabulate")]),
    (["env", "A=1", "timeout", "5", "ffmpeg", "-i", "x"], [("program", "ffmpeg")]),
    (["/bin/sh", "-c", "dot -Tsvg g.dot > out.svg && python tools/x.py | tesseract - o"],
     [("program", "dot"), ("script", "tools/x.py"), ("program", "tesseract")]),
    (["bash", "script.sh"], [("program", "bash")]),
    ([], []),
])
def test_command_parts(argv, parts):
    assert command_parts(argv) == parts


def test_shell_commands_drop_redirections_and_operators():
    assert shell_commands("ls data 2> /dev/null; cat 'a b.txt' | wc -l # count") == [
        ["ls", "data"], ["cat", "a b.txt"], ["wc", "-l"]]
    assert shell_commands("echo 'unbalanced") == [["echo", "'unbalanced"]]
