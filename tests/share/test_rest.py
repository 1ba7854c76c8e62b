"""POST /containerize/binder on a real Jupyter server, inspecting a real kernel environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from .conftest import git, make_repo, write_notebook

pytestmark = pytest.mark.integration


@pytest.fixture
def share_kernelspec(jp_kernel_dir: Path, kernel_python: Path) -> str:
    spec_dir = jp_kernel_dir / "share-env"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [str(kernel_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Share env", "language": "python"}))
    return "share-env"


@pytest.fixture
def served_repo(jp_root_dir: Path, share_kernelspec: str) -> Path:
    repo = make_repo(jp_root_dir / "project", "https://github.com/octo/analysis.git",
                     notebook="notebooks/analysis.ipynb")
    notebook = repo / "notebooks" / "analysis.ipynb"
    write_notebook(notebook)
    data = json.loads(notebook.read_text())
    data["metadata"]["kernelspec"]["name"] = share_kernelspec
    notebook.write_text(json.dumps(data))
    git(repo, "commit", "-q", "-am", "kernel")
    return repo


async def post_binder(jp_fetch, body: dict, **kwargs) -> dict:
    response = await jp_fetch("containerize", "binder", method="POST", body=json.dumps(body), **kwargs)
    return json.loads(response.body)


async def expect_error(jp_fetch, body: dict, status: int, **kwargs) -> dict:
    with pytest.raises(HTTPClientError) as err:
        await post_binder(jp_fetch, body, **kwargs)
    assert err.value.code == status
    return json.loads(err.value.response.body) if err.value.response.body else {}


async def test_writes_files_and_answers_the_link(jp_fetch, served_repo):
    answer = await post_binder(jp_fetch, {"path": "project/notebooks/analysis.ipynb"})
    sha = git(served_repo, "rev-parse", "HEAD")
    assert answer["url"] == (f"https://mybinder.org/v2/gh/octo/analysis/{sha}"
                             "?urlpath=lab/tree/notebooks/analysis.ipynb")
    assert answer["files"] == [{"path": "binder/requirements.txt", "status": "new"},
                               {"path": "binder/runtime.txt", "status": "new"}]
    assert answer["badge_markdown"].endswith(f"({answer['url']})") and answer["badge_rst"]
    assert answer["diff"] == "" and isinstance(answer["warnings"], list)
    text = (served_repo / "binder" / "requirements.txt").read_text()
    assert "attrs==23.2.0\n" in text and "six==1.16.0\n" in text


async def test_refuses_to_overwrite_with_409_and_a_diff(jp_fetch, served_repo):
    (served_repo / "binder").mkdir()
    (served_repo / "binder" / "requirements.txt").write_text("six\n")
    answer = await expect_error(jp_fetch, {"path": "project/notebooks/analysis.ipynb"}, 409)
    assert answer["code"] == "binder-files-exist" and answer["hint"]
    assert "-six\n" in answer["diff"] and "+six==1.16.0\n" in answer["diff"]
    assert {"path": "binder/requirements.txt", "status": "changed"} in answer["files"]
    assert (served_repo / "binder" / "requirements.txt").read_text() == "six\n"
    forced = await post_binder(jp_fetch, {"path": "project/notebooks/analysis.ipynb", "force": True})
    assert {"path": "binder/requirements.txt", "status": "changed"} in forced["files"]
    assert "six==1.16.0" in (served_repo / "binder" / "requirements.txt").read_text()


async def test_from_image_and_binderhub(jp_fetch, served_repo):
    image = "registry.example.org/octo/analysis@sha256:" + "1" * 64
    answer = await post_binder(jp_fetch, {"path": "project/notebooks/analysis.ipynb", "from_image": image,
                                          "binderhub_url": "https://binder.example.org", "provider": "git"})
    assert answer["files"] == [{"path": "binder/Dockerfile", "status": "new"}]
    assert answer["url"].startswith("https://binder.example.org/v2/git/https%3A%2F%2Fgithub.com%2F")


@pytest.mark.parametrize("body,status,code", [
    ({"path": "../../etc/passwd"}, 400, "path-outside-root"),
    ({"path": "project/missing.ipynb"}, 404, "notebook-not-found"),
    ({"path": "project/notebooks/analysis.ipynb", "provider": "bitbucket"}, 400, "invalid-request"),
    ({"path": "project/notebooks/analysis.ipynb", "force": "yes"}, 400, "invalid-request"),
    ({"path": "project/notebooks/analysis.ipynb", "from_image": "octo/analysis:1.0"}, 400, "image-not-pinned"),
    ({"path": "project/notebooks/analysis.ipynb", "binderhub_url": "file:///x"}, 400, "invalid-request"),
])
async def test_bad_requests(jp_fetch, served_repo, body, status, code):
    answer = await expect_error(jp_fetch, body, status)
    assert answer["code"] == code and answer["hint"]
    assert not (served_repo / "binder").exists()


async def test_unknown_kernel(jp_fetch, served_repo):
    # 404 only: the kernel lookup is inspect's (it answers Jupyter's own 404, not {code, hint})
    await expect_error(jp_fetch, {"path": "project/notebooks/analysis.ipynb", "kernel_id": "nope"}, 404)
    assert not (served_repo / "binder").exists()


async def test_no_token_is_refused(jp_fetch, served_repo):
    await expect_error(jp_fetch, {"path": "project/notebooks/analysis.ipynb"}, 403, headers={"Authorization": ""})
