"""The admin's settings (c.Containerize.*) reach the handlers."""

from __future__ import annotations

import json

import pytest

from jupyterlab_containerize.config import Containerize
from jupyterlab_containerize.server.base import CONFIG_KEY


def test_defaults_and_engine_arguments():
    config = Containerize()
    assert config.builds_dir.endswith("containerize/builds")
    assert config.engine_kwargs() == {"timeout": 600}
    assert config.base_image_for(None) is None and config.base_image_for("x:1") == "x:1"
    remote = Containerize(engine_url="tcp://build:2376", engine_tls_verify=True, engine_cert_path="/certs")
    assert remote.engine_kwargs() == {"timeout": 600, "base_url": "tcp://build:2376",
                                      "tls_cert_path": "/certs", "tls_verify": True}
    assert Containerize(default_base_image="corp/python:3.11").base_image_for(None) == "corp/python:3.11"


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}},
            "Containerize": {"max_inspect_timeout": 5.0, "max_concurrent_builds": 3}}


async def test_server_config_is_read(jp_serverapp, jp_fetch, jp_root_dir):
    config = jp_serverapp.web_app.settings[CONFIG_KEY]
    assert config.max_inspect_timeout == 5.0 and config.max_concurrent_builds == 3
    (jp_root_dir / "a.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    from tornado.httpclient import HTTPClientError

    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("containerize", "inspect", method="POST", body=json.dumps({"path": "a.ipynb", "timeout": 10}))
    assert err.value.code == 400 and "between 0.5 and 5" in json.loads(err.value.response.body)["message"]
