"""/containerize/binder/builds on a real Jupyter server, against the stand-in BinderHub."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.share.binderhub import BinderHubRequest
from jupyterlab_containerize.share.binderhub_builds import BinderHubBuilds
from jupyterlab_containerize.share.binderhub_target import BinderHubTarget

from .binderhub_standin import FAILED_SCRIPT, HANG, SERVER_TOKEN, SERVER_URL_PATH, running_standin
from .conftest import git, make_repo, push_to_bare

pytestmark = pytest.mark.integration

NOTEBOOK = "project/analysis.ipynb"


@pytest.fixture
def jp_server_config() -> dict:
    # the stand-in hub runs on 127.0.0.1: the admin allows it (c.Containerize.allowed_hosts)
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}},
            "Containerize": {"allowed_hosts": ["127.0.0.1"]}}


@pytest.fixture
def served_repo(jp_root_dir: Path) -> Path:
    repo = make_repo(jp_root_dir / "project", "https://github.com/octo/analysis.git")
    push_to_bare(repo, jp_root_dir.parent / "origin.git")
    return repo


async def start(jp_fetch, body: dict) -> dict:
    response = await jp_fetch("containerize", "binder", "builds", method="POST", body=json.dumps(body))
    assert response.code == 202
    return json.loads(response.body)


async def finished(jp_fetch, build_id: str) -> dict:
    """Poll as the panel does (?since=N), gathering events, until the record ends."""
    events: list[dict] = []
    for _ in range(400):
        response = await jp_fetch("containerize", "binder", "builds", build_id, params={"since": len(events)})
        record = json.loads(response.body)
        events += record["events"]
        if record["status"] not in ("queued", "running"):
            assert record["next"] == len(events) and [e["index"] for e in events] == list(range(len(events)))
            return {**record, "events": events}
        await asyncio.sleep(0.05)
    raise AssertionError(f"BinderHub build {build_id} did not end")


async def expect_error(jp_fetch, body: dict, status: int) -> dict:
    with pytest.raises(HTTPClientError) as err:
        await start(jp_fetch, body)
    assert err.value.code == status
    return json.loads(err.value.response.body)


async def test_prebuild_records_binderhubs_phases(jp_fetch, served_repo):
    sha = git(served_repo, "rev-parse", "HEAD")
    with running_standin() as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url})
        record = await finished(jp_fetch, started["id"])
    assert started["status"] == "running" and started["options"]["build_only"] is True
    assert started["options"]["request"] == f"{hub.url}/build/gh/octo/analysis/{sha}?build_only=true"
    assert hub.requests[0]["query"] == {"build_only": "true"}
    assert record["status"] == "succeeded" and record["error"] is None
    lines = [(e["kind"], e.get("data", {}).get("phase"), e["message"]) for e in record["events"]]
    assert ("log", "building", "[building] Step 1/3 : FROM buildpack-deps:jammy") in lines
    assert ("log", None, "[log] Picked Git content provider.") in lines
    assert lines[-1][:2] == ("done", "ready") and lines[-1][2].startswith(f"Image built on {hub.url}. ")
    result = record["result"]
    assert result["build_only"] and result["launch_url"] is None and result["commit"] == sha
    # only an API-only hub accepts build_only, and it serves no launch page: no link to it, a note instead
    assert result["link"] is None and "API-only mode" in result["note"]


async def test_launch_answers_the_launch_url_and_logs_no_token(jp_fetch, served_repo):
    with running_standin() as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url, "prebuild": False})
        record = await finished(jp_fetch, started["id"])
    assert hub.requests[0]["query"] == {}
    assert record["result"]["launch_url"] == f"{hub.url}{SERVER_URL_PATH}lab/tree/analysis.ipynb?token={SERVER_TOKEN}"
    assert SERVER_TOKEN not in json.dumps(record["events"])


async def test_failed_build_records_binderhubs_message(jp_fetch, served_repo):
    with running_standin(script=FAILED_SCRIPT) as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url, "prebuild": False})
        record = await finished(jp_fetch, started["id"])
    assert record["status"] == "failed" and record["error"]["code"] == "binderhub-build-failed"
    assert record["error"]["message"] == "BinderHub: The image build failed: pip could not install six==99.0"
    assert record["events"][-1]["kind"] == "error"


async def test_build_token_reaches_binderhub_but_no_record(jp_fetch, served_repo):
    with running_standin(build_token="rest.secret.token") as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url,
                                         "build_token": "rest.secret.token"})
        record = await finished(jp_fetch, started["id"])
        listing = await jp_fetch("containerize", "binder", "builds")
    assert hub.requests[0]["query"]["build_token"] == "rest.secret.token" and record["status"] == "succeeded"
    assert record["options"]["build_token"] is True
    assert "rest.secret.token" not in json.dumps(record) + listing.body.decode()


async def test_hub_token_reaches_binderhub_as_a_header_but_no_record(jp_fetch, served_repo):
    token = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    with running_standin(hub_api_token=token) as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url, "hub_token": token})
        record = await finished(jp_fetch, started["id"])
    assert hub.requests[0]["headers"]["Authorization"] == f"token {token}" and record["status"] == "succeeded"
    assert record["options"]["hub_token"] is True and token not in json.dumps(record)


async def test_delete_closes_the_stream(jp_fetch, served_repo):
    with running_standin(script=[{"phase": "building", "message": "Step 1/9"}, HANG]) as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url})
        assert await asyncio.to_thread(hub.stream_started.wait, 10)
        response = await jp_fetch("containerize", "binder", "builds", started["id"], method="DELETE")
        assert json.loads(response.body) == {"id": started["id"], "status": "cancelled"}
        record = await finished(jp_fetch, started["id"])
        assert await asyncio.to_thread(hub.client_closed.wait, 10)
    assert record["status"] == "cancelled" and record["error"]["code"] == "build-cancelled"


async def test_delete_of_a_finished_build_is_a_conflict_as_for_image_builds(jp_fetch, served_repo):
    with running_standin() as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url})
        record = await finished(jp_fetch, started["id"])
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("containerize", "binder", "builds", started["id"], method="DELETE")
    answer = json.loads(err.value.response.body)
    assert err.value.code == 409 and answer["code"] == "build-finished" and answer["hint"]
    assert answer["status"] == record["status"] == "succeeded"
    assert "/containerize/binder/builds/" in answer["hint"]


async def test_a_hub_that_echoes_credentials_leaves_none_in_the_record(jp_fetch, served_repo):
    password, token = "hub-pa55word-XYZ", "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    leaky = f"Cloning https://octo:{password}@github.com/octo/analysis with {token}\n"
    with running_standin(script=[{"phase": "fetching", "message": leaky},
                                 {"phase": "failed", "message": f"failed: token={token}\n"}]) as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url})
        record = await finished(jp_fetch, started["id"])
        listing = (await jp_fetch("containerize", "binder", "builds")).body.decode()
    assert record["status"] == "failed"
    shown = json.dumps(record) + listing
    assert password not in shown and token not in shown and "https://***@github.com/octo/analysis" in shown


async def test_unreachable_binderhub_fails_the_record(jp_fetch, served_repo):
    started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": "http://127.0.0.1:9"})
    record = await finished(jp_fetch, started["id"])
    assert record["status"] == "failed" and record["error"]["code"] == "binderhub-unreachable"
    assert record["error"]["hint"]


async def test_unpushed_commit_is_a_warning_not_a_refusal(jp_fetch, served_repo):
    (served_repo / "later.md").write_text("not pushed\n")
    git(served_repo, "add", "later.md")
    git(served_repo, "commit", "-q", "-m", "local only")
    sha = git(served_repo, "rev-parse", "HEAD")
    with running_standin() as hub:
        started = await start(jp_fetch, {"path": NOTEBOOK, "binderhub_url": hub.url})
        record = await finished(jp_fetch, started["id"])
    assert record["events"][0]["message"].startswith(f"warning: Commit {sha[:12]} is not on remote 'origin'")
    assert record["status"] == "succeeded" and hub.requests[0]["path"].endswith(sha)


async def test_bad_requests_answer_at_once(jp_fetch, served_repo, jp_root_dir):
    (jp_root_dir / "loose").mkdir()
    (jp_root_dir / "loose" / "nb.ipynb").write_text((served_repo / "analysis.ipynb").read_text())
    assert (await expect_error(jp_fetch, {"path": "loose/nb.ipynb"}, 409))["code"] == "no-launch-link"
    assert (await expect_error(jp_fetch, {"path": NOTEBOOK, "kernel": "x"}, 400))["code"] == "invalid-request"
    assert (await expect_error(jp_fetch, {"path": NOTEBOOK, "timeout": 0}, 400))["code"] == "invalid-request"
    assert (await expect_error(jp_fetch, {"path": NOTEBOOK, "prebuild": "yes"}, 400))["code"] == "invalid-request"
    assert (await expect_error(jp_fetch, {"path": "../x.ipynb"}, 400))["code"] == "path-outside-root"
    assert (await expect_error(jp_fetch, {"path": NOTEBOOK, "binderhub_url": "ftp://x"}, 400))["code"] == (
        "invalid-request")
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("containerize", "binder", "builds", "abcdef123456")
    assert err.value.code == 404


def test_the_server_keeps_the_last_finished_records():
    builds = BinderHubBuilds(keep=2)
    with running_standin() as hub:
        request = BinderHubRequest(base=hub.url, provider="gh", spec="o/r", commit="a" * 40, build_only=True)
        ids = []
        for _ in range(4):
            ids.append(builds.submit("nb.ipynb", BinderHubTarget(request, "lab/tree/nb.ipynb", None)).id)
            assert builds.wait(ids[-1]).status == "succeeded"
    assert [r["id"] for r in builds.list()] == ids[-3:]  # two finished, and the newest submitted


def test_the_launch_url_keeps_its_token_and_nothing_else_does():
    ready = {"phase": "ready", "message": f"server running at {{url}}?token={SERVER_TOKEN}\n", "url": "{url}",
             "token": SERVER_TOKEN}
    builds = BinderHubBuilds()
    with running_standin(script=[ready]) as hub:
        request = BinderHubRequest(base=hub.url, provider="gh", spec="o/r", commit="a" * 40, build_only=False)
        record = builds.wait(builds.submit("nb.ipynb", BinderHubTarget(request, "lab/tree/nb.ipynb", None)).id)
    assert record.status == "succeeded" and record.result
    assert record.result["launch_url"].endswith(f"?token={SERVER_TOKEN}")  # the user opens it
    others = {k: v for k, v in record.result.items() if k != "launch_url"}
    assert SERVER_TOKEN not in json.dumps(others) + json.dumps([e.to_dict() for e in record.events])
    assert "token=***" in record.result["message"]
