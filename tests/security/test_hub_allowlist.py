"""The server sends requests for a user only to hosts the admin allows (c.Containerize.allowed_hosts;
default: binderhub_url's host): a BinderHub or build hub URL naming another host answers 403 before
anything is sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_containerize.config import Containerize
from jupyterlab_containerize.errors import HostNotAllowed
from tests.notebooks import notebook

from .conftest import post


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data", "http://localhost:8888", "http://127.0.0.1:9",
    "https://mybinder.org.evil.example", "https://evil.example/?x=mybinder.org", "https://mybinder.org@evil.example",
    "http://[::1]:80", "https://MYBINDER.ORG.attacker.io",
])
def test_by_default_only_the_configured_hub(url: str):
    with pytest.raises(HostNotAllowed) as err:
        Containerize().check_host(url)
    assert "\n" not in err.value.message


@pytest.mark.parametrize("url", ["https://mybinder.org", "https://MyBinder.org/", "https://user:pw@mybinder.org"])
def test_the_configured_hub_is_allowed(url: str):
    Containerize().check_host(url)


def test_entries_name_hosts_ports_and_subdomains():
    config = Containerize(allowed_hosts=["hub.corp.example:8443", "*.binder.example.org"])
    config.check_host("https://hub.corp.example:8443/")
    config.check_host("https://a.binder.example.org")
    for url in ("https://hub.corp.example/", "https://hub.corp.example:9443", "https://binder.example.org",
                "https://mybinder.org"):
        with pytest.raises(HostNotAllowed):
            config.check_host(url)
    Containerize(allowed_hosts=["*"]).check_host("http://anything.example:1")


@settings(max_examples=200, deadline=None)
@given(host=st.from_regex(r"[a-z0-9-]{1,20}(\.[a-z0-9-]{1,10}){0,3}", fullmatch=True))
def test_any_other_host_is_refused(host: str):
    if host == "mybinder.org":
        return
    with pytest.raises(HostNotAllowed):
        Containerize().check_host(f"https://{host}/")


@pytest.mark.parametrize("field", ["binderhub_url", "build_binderhub_url"])
async def test_rest_refuses_a_hub_on_another_host(jp_fetch, jp_root_dir: Path, field: str):
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook("import json")))
    code, answer = await post(jp_fetch, "binder/builds", {"path": "nb.ipynb", field: "http://169.254.169.254/"})
    assert code == 403 and answer["code"] == "host-not-allowed", answer
    assert "allowed_hosts" in answer["hint"]
