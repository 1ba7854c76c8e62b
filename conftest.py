"""Shared pytest set-up: the Jupyter server fixtures with this extension enabled."""

import pytest

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}}}
