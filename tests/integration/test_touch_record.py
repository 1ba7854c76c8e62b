"""/containerize/record on a real Jupyter server with real kernels: the hook changes no output, survives
a restart, and what it records reaches the spec of POST /containerize/inspect."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.inspect.touch_record import recording_status

from .test_inspect_rest import fixture_kernelspec, start_kernel  # noqa: F401 - fixture

pytestmark = pytest.mark.integration

CELL = (
    "import os, subprocess, sys, tempfile\n"
    "print('out', 1)\nsys.stderr.write('err\\n')\nnote = os.path.join(tempfile.mkdtemp(), 'note.txt')\n"
    "open(note, 'w').write('x')\nprint(open(note).read())\n"
    "print(subprocess.run(['echo', 'child'], capture_output=True, text=True).stdout)\n"
    "{'shown': [1, 2]}"
)


async def post(jp_fetch, *path: str, body: dict) -> dict:
    response = await jp_fetch(*path, method="POST", body=json.dumps(body))
    return json.loads(response.body)


async def outputs(client, code: str) -> dict:
    """The cell's outputs as the frontend gets them: stream text joined (its chunking depends on
    timing), results and errors in order, no execution counts."""
    seen: dict = {"stdout": "", "stderr": "", "other": []}

    def keep(msg):
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            seen[content["name"]] += content["text"]
        elif kind in ("execute_result", "display_data"):
            seen["other"].append((kind, json.dumps(content["data"], sort_keys=True)))
        elif kind == "error":
            seen["other"].append((kind, content["ename"], content["evalue"]))

    reply = await client.execute_interactive(code, timeout=60, output_hook=keep)
    return {"status": reply["content"]["status"], **seen}


async def test_recording_changes_no_output(jp_fetch, jp_serverapp, jp_root_dir, fixture_kernelspec):  # noqa: F811
    kernel_id, client = await start_kernel(jp_fetch, jp_serverapp, fixture_kernelspec)
    try:
        before = await outputs(client, CELL)
        failing_before = await outputs(client, "open('missing.csv')")
        status = await post(jp_fetch, "containerize", "record", body={"kernel_id": kernel_id})
        assert status["recording"] is True and status["since"] > 0
        again = await post(jp_fetch, "containerize", "record", body={"kernel_id": kernel_id})
        assert again["since"] == status["since"]  # idempotent: one hook
        assert await outputs(client, CELL) == before
        assert await outputs(client, "open('missing.csv')") == failing_before
        check = await client.execute_interactive(
            "leaked = [k for k in globals() if 'containerize' in k]\nassert not leaked, leaked\nlen(In)", timeout=60)
        assert check["content"]["status"] == "ok"
        assert check["content"]["execution_count"] == 5  # four cells before: installing took no count
        got = json.loads((await jp_fetch("containerize", "record", params={"kernel_id": kernel_id})).body)
        assert got["recording"] and got["counts"]["commands"] == 1 and got["counts"]["written"] >= 1
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")


async def test_recording_survives_a_restart(jp_fetch, jp_serverapp, fixture_kernelspec):  # noqa: F811
    kernel_id, client = await start_kernel(jp_fetch, jp_serverapp, fixture_kernelspec)
    try:
        await post(jp_fetch, "containerize", "record", body={"kernel_id": kernel_id})
        first = await recording_status(jp_serverapp.kernel_manager.get_kernel(kernel_id), 30)
        await jp_fetch("api", "kernels", kernel_id, "restart", method="POST", body="{}")
        await client.wait_for_ready(timeout=60)
        manager = jp_serverapp.kernel_manager.get_kernel(kernel_id)
        for _ in range(60):  # the server re-arms it on the restart event, without the panel
            status = await recording_status(manager, 30)
            if status.recording:
                break
            await asyncio.sleep(0.5)
        assert status.recording and status.since > first.since  # a new process, a new record
        got = json.loads((await jp_fetch("containerize", "record", params={"kernel_id": kernel_id})).body)
        assert got["recording"] and "reinstalled" not in got
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")


async def test_what_the_kernel_touched_reaches_the_spec(jp_fetch, jp_serverapp, jp_root_dir,
                                                       fixture_kernelspec):  # noqa: F811
    """Everything here is named only at run time: no literal says app.db, report.py, helperx or dot."""
    project = jp_root_dir / "project"
    for folder in ("data", "scripts", "libs"):
        (project / folder).mkdir(parents=True)
    with sqlite3.connect(project / "data" / "app.db") as con:
        con.execute("CREATE TABLE t (x INTEGER)")
    (project / "scripts" / "report.py").write_text("import tabulate\nprint(tabulate.tabulate([[1]]))\n")
    (project / "libs" / "helperx.py").write_text("VALUE = 3\n")
    cells = [
        "import os, sqlite3, subprocess, sys\nsqlite3.connect(os.path.join('da' + 'ta', 'app' + '.db')).close()",
        "subprocess.run([sys.executable, os.path.join('scr' + 'ipts', 'rep' + 'ort.py')], check=True)",
        "sys.path.insert(0, os.path.abspath('li' + 'bs'))\nhelper = __import__('helper' + 'x')",
        "try:\n    subprocess.run(['d' + 'ot', '-V'], capture_output=True)\nexcept FileNotFoundError:\n    pass",
    ]
    (project / "touched.ipynb").write_text(json.dumps({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": fixture_kernelspec}},
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c}
                  for c in cells]}))
    response = await jp_fetch("api", "kernels", method="POST",
                              body=json.dumps({"name": fixture_kernelspec, "path": "project"}))
    kernel_id = json.loads(response.body)["id"]
    client = jp_serverapp.kernel_manager.get_kernel(kernel_id).client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        await post(jp_fetch, "containerize", "record", body={"kernel_id": kernel_id})
        for code in cells:
            assert (await client.execute_interactive(code, timeout=60))["content"]["status"] == "ok"
        spec = await post(jp_fetch, "containerize", "inspect",
                          body={"path": "project/touched.ipynb", "kernel_id": kernel_id})
        assert {"data/app.db", "scripts/report.py"} <= set(spec["runtime_files"]) <= set(spec["files"])
        tabulate = next(p for p in spec["packages"] if p["name"] == "tabulate")
        assert tabulate["reason"] == "runtime"
        assert next(i for i in spec["imports"] if i["module"] == "tabulate")["runtime"] is True
        assert {"module": "helperx", "path": "libs/helperx.py", "runtime": True} in spec["local_modules"]
        assert spec["programs"] == {"dot": "graphviz"} and "graphviz" in spec["apt_packages"]
        assert "`dot`" in spec["apt_reasons"]["graphviz"]
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")
        shutil.rmtree(project, ignore_errors=True)


@pytest.mark.parametrize("call,status,code", [
    (("POST", {}), 400, "invalid-request"),
    (("POST", {"kernel_id": 7}), 400, "invalid-request"),
    (("POST", {"kernel_id": "no-such-kernel"}), 404, "kernel-not-found"),
    (("GET", None), 400, "invalid-request"),
])
async def test_bad_requests(jp_fetch, call, status, code):
    method, body = call
    with pytest.raises(HTTPClientError) as err:
        if method == "POST":
            await jp_fetch("containerize", "record", method="POST", body=json.dumps(body))
        else:
            await jp_fetch("containerize", "record")
    assert err.value.code == status
    assert json.loads(err.value.response.body)["code"] == code


async def test_no_token_is_refused(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("containerize", "record", method="POST", body="{}", headers={"Authorization": ""})
    assert err.value.code == 403


def test_hook_source_is_one_file():
    """inspect --execute, the probe and the panel's recording share touch_hook.py, and nothing else
    installs an audit hook."""
    package = Path(__file__).parents[2] / "jupyterlab_containerize"
    installers = [p.name for p in package.rglob("*.py") if "sys.addaudithook(" in p.read_text()]
    assert installers == ["touch_hook.py"]
