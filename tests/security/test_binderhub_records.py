"""BinderHub build records never keep user:pw@ of a hub URL: not in the options, the events, the
result or the error, whatever the hub answers; the launch URL keeps the server's own token."""

from __future__ import annotations

import json

import pytest

from jupyterlab_containerize.share.binderhub import BinderHubRequest
from jupyterlab_containerize.share.binderhub_builds import BinderHubBuilds
from jupyterlab_containerize.share.binderhub_target import BinderHubTarget
from tests.share.binderhub_standin import FAILED_SCRIPT, SERVER_TOKEN, running_standin

PASSWORD = "hub-pa55word-XYZ"


@pytest.mark.parametrize("script", [None, FAILED_SCRIPT], ids=["launch", "failed"])
def test_no_record_keeps_the_hub_password(script):
    builds = BinderHubBuilds()
    with running_standin(**({"script": script} if script else {})) as hub:
        base = hub.url.replace("http://", f"http://octo:{PASSWORD}@")
        request = BinderHubRequest(base=base, provider="gh", spec="o/r", commit="a" * 40)
        record_id = builds.submit("nb.ipynb", BinderHubTarget(request, "lab/tree/nb.ipynb", None)).id
        record = builds.wait(record_id, 60)
    shown = json.dumps([builds.view(record_id), builds.list()])
    assert PASSWORD not in shown and "octo:hub" not in shown
    if script is None:
        assert record.result and SERVER_TOKEN in record.result["launch_url"]


def test_an_unreachable_hub_with_a_password_fails_without_it():
    builds = BinderHubBuilds()
    request = BinderHubRequest(base=f"http://octo:{PASSWORD}@127.0.0.1:9/", provider="gh", spec="o/r", commit="a" * 40)
    record_id = builds.submit("nb.ipynb", BinderHubTarget(request, "lab/tree/nb.ipynb", None)).id
    builds.wait(record_id, 60)
    assert PASSWORD not in json.dumps(builds.view(record_id))
