"""POST /containerize/inspect on a real Jupyter server, with real kernels in a real virtual environment."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import FIXTURES

pytestmark = pytest.mark.integration


@pytest.fixture
def served_project(jp_root_dir: Path) -> Path:
    target = jp_root_dir / "project"
    shutil.copytree(FIXTURES / "inspect_project", target)
    return target


@pytest.fixture
def fixture_kernelspec(jp_kernel_dir: Path, fixture_env_python: Path) -> str:
    spec_dir = jp_kernel_dir / "fixture-env"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(fixture_env_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Fixture env",
                "language": "python",
            }
        )
    )
    return "fixture-env"


async def post_inspect(jp_fetch, body: dict, **kwargs):
    response = await jp_fetch("containerize", "inspect", method="POST", body=json.dumps(body), **kwargs)
    return json.loads(response.body)


async def expect_error(jp_fetch, body, status: int, **kwargs) -> dict:
    with pytest.raises(HTTPClientError) as err:
        await post_inspect(jp_fetch, body, **kwargs)
    assert err.value.code == status
    return json.loads(err.value.response.body) if err.value.response.body else {}


async def test_info(jp_fetch):
    response = await jp_fetch("containerize", "info")
    assert json.loads(response.body)["spec_version"] == 1


async def test_no_token_is_refused(jp_fetch, served_project):
    await expect_error(jp_fetch, {"path": "project/analysis.ipynb"}, 403, headers={"Authorization": ""})


@pytest.mark.parametrize(
    "path,status,code",
    [
        ("../../../etc/passwd", 400, "path-outside-root"),
        ("project/../../outside.ipynb", 400, "path-outside-root"),
        ("project/missing.ipynb", 404, "notebook-not-found"),
        ("", 400, "invalid-request"),
    ],
)
async def test_bad_paths(jp_fetch, served_project, path, status, code):
    answer = await expect_error(jp_fetch, {"path": path}, status)
    assert answer["code"] == code and answer["hint"]


async def test_symlink_out_of_root_is_refused(jp_fetch, served_project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.ipynb"
    outside.write_text("{}")
    (served_project / "link.ipynb").symlink_to(outside)
    await expect_error(jp_fetch, {"path": "project/link.ipynb"}, 400)


async def test_bad_bodies(jp_fetch, served_project):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("containerize", "inspect", method="POST", body="{not json")
    assert err.value.code == 400
    (served_project / "broken.ipynb").write_text("{ definitely not a notebook")
    answer = await expect_error(jp_fetch, {"path": "project/broken.ipynb"}, 400)
    assert answer["code"] == "invalid-notebook"
    answer = await expect_error(jp_fetch, {"path": "project/analysis.ipynb", "kernel_id": "no-such-kernel"}, 404)
    assert answer["code"] == "kernel-not-found" and answer["hint"]


async def test_without_kernel_uses_the_notebooks_kernelspec(jp_fetch, served_project):
    spec = await post_inspect(jp_fetch, {"path": "project/analysis.ipynb"})
    assert spec["source"] in ("interpreter", "static")
    assert [m["module"] for m in spec["local_modules"]] == ["helpers", "mypkg"]


async def start_kernel(jp_fetch, jp_serverapp, name: str):
    response = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": name}))
    kernel_id = json.loads(response.body)["id"]
    km = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    client = km.client()
    client.start_channels()
    await client.wait_for_ready(timeout=60)
    return kernel_id, client


async def run_cell(client, code: str) -> dict:
    reply = await client.execute_interactive(code, timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    return reply["content"]


async def test_live_kernel_probe_leaves_no_trace(jp_fetch, jp_serverapp, served_project, fixture_kernelspec):
    kernel_id, client = await start_kernel(jp_fetch, jp_serverapp, fixture_kernelspec)
    try:
        first = await run_cell(client, "import importlib\nmod = importlib.import_module('id' + 'na')\nimport six")
        spec = await post_inspect(jp_fetch, {"path": "project/analysis.ipynb", "kernel_id": kernel_id})
        assert spec["source"] == "kernel"
        pins = {p["name"]: p["version"] for p in spec["packages"]}
        assert pins["six"] == "1.16.0" and pins["idna"] == "3.7" and pins["attrs"] == "23.2.0"
        assert next(i for i in spec["imports"] if i["module"] == "idna")["runtime"] is True
        second = await run_cell(
            client,
            "leaked = [k for k in globals() if 'containerize' in k or k == 'probe']\n"
            "assert not leaked, leaked\nassert len(In) == 3, len(In)",
        )
        assert second["execution_count"] == first["execution_count"] + 1  # the probe took no execution count
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")


async def test_busy_kernel_falls_back_to_static(jp_fetch, jp_serverapp, served_project, fixture_kernelspec):
    kernel_id, client = await start_kernel(jp_fetch, jp_serverapp, fixture_kernelspec)
    try:
        client.execute("import time\ntime.sleep(20)")
        await asyncio.sleep(0.5)
        spec = await post_inspect(jp_fetch, {"path": "project/analysis.ipynb", "kernel_id": kernel_id, "timeout": 1.5})
        assert spec["source"] == "static"
        assert any(p["kind"] == "probe-failed" and "busy" in p["message"] for p in spec["problems"]), spec["problems"]
        roots = {p["name"] for p in spec["packages"] if p["reason"] == "imported"}
        assert roots == {"six", "attrs", "tabulate"}  # from the code alone
        assert spec["as_of"] and spec["as_of_source"] == "file-time"  # pinned as of the notebook's date
        assert all(p["version"] for p in spec["packages"])
    finally:
        await jp_serverapp.kernel_manager.interrupt_kernel(kernel_id)
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")


async def test_dead_kernel_falls_back_to_static(jp_fetch, jp_serverapp, served_project, fixture_kernelspec):
    kernel_id, client = await start_kernel(jp_fetch, jp_serverapp, fixture_kernelspec)
    client.stop_channels()
    km = jp_serverapp.kernel_manager.get_kernel(kernel_id)
    km.stop_restarter()  # the server would otherwise revive it within seconds
    km.provisioner.process.kill()
    await asyncio.sleep(0.5)
    spec = await post_inspect(jp_fetch, {"path": "project/analysis.ipynb", "kernel_id": kernel_id, "timeout": 2})
    assert spec["source"] == "static"
    assert any(p["kind"] == "probe-failed" for p in spec["problems"])
    await jp_fetch("api", "kernels", kernel_id, method="DELETE")


async def test_lock_from_the_notebooks_kernel_environment(jp_fetch, served_project, fixture_kernelspec):
    nb_path = served_project / "analysis.ipynb"
    nb = json.loads(nb_path.read_text())
    nb["metadata"]["kernelspec"] = {"name": fixture_kernelspec, "display_name": "Fixture env", "language": "python"}
    nb_path.write_text(json.dumps(nb))
    body = {"path": "project/analysis.ipynb", "hashes": False, "write": True}
    response = await jp_fetch("containerize", "lock", method="POST", body=json.dumps(body))
    answer = json.loads(response.body)
    lock = answer["lock"]
    assert lock["source"] == "interpreter" and {"six", "attrs", "tabulate"} <= {p["name"] for p in lock["packages"]}
    assert all(p["version"] for p in lock["packages"]) and "read from the kernel's environment" in answer["summary"]
    written = json.loads(nb_path.read_text())
    assert written["metadata"]["containerize"]["lock"] == lock and written["cells"] == nb["cells"]


async def test_live_kernel_offers_an_installed_unused_extra_as_a_suggestion(jp_fetch, jp_serverapp, jp_root_dir,
                                                                          jp_kernel_dir):
    """A live kernel in a venv with pandas + openpyxl that ran `import pandas`: openpyxl (pandas' `excel`
    extra, never imported, never loaded) is a suggestion with its reason, not a pin; nor is et-xmlfile."""
    from tests.notebooks import notebook

    from .conftest import make_venv

    python = make_venv(["pandas==2.2.2", "numpy==1.26.4", "openpyxl==3.1.2", "ipykernel==6.29.5"])
    spec_dir = jp_kernel_dir / "pandas-extras"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "pandas + openpyxl", "language": "python"}))
    code = "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\ndf.describe()"
    (jp_root_dir / "uses_pandas.ipynb").write_text(json.dumps(notebook(code)))
    kernel_id, client = await start_kernel(jp_fetch, jp_serverapp, "pandas-extras")
    try:
        await run_cell(client, code)
        spec = await post_inspect(jp_fetch, {"path": "uses_pandas.ipynb", "kernel_id": kernel_id})
        assert spec["source"] == "kernel"
        names = {p["name"].lower().replace("_", "-") for p in spec["packages"]}
        assert {"pandas", "numpy"} <= names and not names & {"openpyxl", "et-xmlfile"}
        assert spec["suggestions"] == [{"name": "openpyxl", "version": "3.1.2", "reason": (
            "an extra of pandas ('excel'), installed in the kernel's environment; the notebook never imports it")}]
    finally:
        client.stop_channels()
        await jp_fetch("api", "kernels", kernel_id, method="DELETE")


def old_notebook(folder: Path) -> str:
    """A notebook whose kernel is gone, saved by Python 3.7.3 in 2019: inspected from its code alone."""
    nb = {"cells": [{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {}, "outputs": [],
                     "source": "import json\nprint(json.dumps([1]))"}],
          "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "gone-env", "display_name": "Python 3", "language": "python"},
                       "language_info": {"name": "python", "version": "3.7.3"}}}
    (folder / "old.ipynb").write_text(json.dumps(nb))
    return f"{folder.name}/old.ipynb"


@pytest.mark.parametrize("static, python", [(None, "3.11"), ({"historic_python": True}, "3.7.3"),
                                            ({"python_version": "3.12"}, "3.12")])
async def test_static_choices_pick_the_python_a_kernel_less_notebook_is_pinned_for(
        jp_fetch, served_project, static, python):
    body: dict = {"path": old_notebook(served_project)}
    if static is not None:
        body["static"] = static
    spec = await post_inspect(jp_fetch, body)
    assert spec["source"] == "static" and spec["python"]["version"] == python
    assert [p["kind"] for p in spec["problems"]].count("python-choice") == 1


@pytest.mark.parametrize("static, field", [({"python_version": "3.12; rm -rf /"}, "static.python_version"),
                                           ({"python_version": 3.12}, "static.python_version"),
                                           ({"historic_python": "yes"}, "static.historic_python"),
                                           ({"python_version": "3.12", "historic_python": True}, "send one"),
                                           ({"as_of_python": "3.7"}, "as_of_python")])
async def test_bad_static_choices_are_refused(jp_fetch, served_project, static, field):
    answer = await expect_error(jp_fetch, {"path": old_notebook(served_project), "static": static}, 400)
    assert answer["code"] == "invalid-request" and field in answer["message"], answer
