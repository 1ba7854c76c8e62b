"""One engine factory (builder/engines.py): c.Containerize.engine_class picks the engine by its name in
the entry-point group, the engine's own settings come from the same config, an unknown name is one line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyterlab_containerize.builder import engines
from jupyterlab_containerize.builder.docker_engine import DockerEngine
from jupyterlab_containerize.config import Containerize
from jupyterlab_containerize.errors import EngineUnavailable

ROOT = Path(__file__).resolve().parents[2]


class RecordingEngine:
    """Stands in for an engine another package registers: it keeps what the factory gave it."""

    name = "recording"
    made: list[dict[str, Any]] = []

    def __init__(self, **kwargs: Any) -> None:
        RecordingEngine.made.append(kwargs)

    def version(self) -> str:
        return "1.0"


class EntryPoint:
    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value


@pytest.fixture
def registered(monkeypatch):
    RecordingEngine.made.clear()
    monkeypatch.setattr(engines, "_entry_points",
                        lambda: [EntryPoint("recording", f"{__name__}:RecordingEngine")])


def test_the_traitlet_picks_the_engine_and_its_settings_travel(registered):
    config = Containerize(engine_class="recording", engine_url="tcp://build:2376", engine_timeout=30)
    engine = engines.make_engine(config)
    assert isinstance(engine, RecordingEngine) and engine.version() == "1.0"
    assert RecordingEngine.made == [{"timeout": 30, "base_url": "tcp://build:2376", "tls_cert_path": None,
                                     "tls_verify": False}]
    engines.make_engine(config, timeout=5)  # info's quick look: only the timeout differs
    assert RecordingEngine.made[-1]["timeout"] == 5
    factory = engines.engine_factory(config)  # one engine a build
    assert isinstance(factory(), RecordingEngine) and len(RecordingEngine.made) == 3


def test_an_unknown_engine_name_is_one_line_naming_the_known_ones(registered):
    with pytest.raises(EngineUnavailable) as err:
        engines.make_engine(Containerize(engine_class="podmn"))
    message = err.value.message
    assert "\n" not in message and "'podmn'" in message and "docker, recording" in message
    assert "c.Containerize.engine_class" in message and engines.ENTRY_POINT_GROUP in err.value.hint


def test_a_registered_engine_that_cannot_load_is_one_line(monkeypatch):
    monkeypatch.setattr(engines, "_entry_points", lambda: [EntryPoint("gone", "no_such_module_x:Engine")])
    with pytest.raises(EngineUnavailable) as err:
        engines.engine_class("gone")
    assert "\n" not in err.value.message and "'gone'" in err.value.message


def test_docker_is_the_default_and_is_registered_in_pyproject():
    assert Containerize().engine_class == "docker"
    assert engines.engine_class("docker") is DockerEngine  # known even where the package was never installed
    if sys.version_info >= (3, 11):
        import tomllib

        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        registered = project["entry-points"][engines.ENTRY_POINT_GROUP]
        assert registered == {"docker": engines.BUILTIN["docker"]}


def test_no_engine_answers_through_the_factory_is_engine_unavailable():
    config = Containerize(engine_url="tcp://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(EngineUnavailable) as err:
        engines.make_engine(config, timeout=2)
    assert err.value.message.startswith("No container engine answered")


@pytest.fixture
def jp_server_config(jp_server_config):
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}},
            "Containerize": {"engine_class": "podmn"}}


async def test_the_server_says_an_unknown_engine_in_one_line(jp_fetch, jp_serverapp, caplog):
    info = json.loads((await jp_fetch("containerize", "info")).body)
    assert info["engine"]["available"] is False
    assert info["engine"]["message"].startswith("No container engine named 'podmn'")
    assert info["version"] and info["spec_version"]  # the rest of info answers as before
    said = [r.getMessage() for r in caplog.get_records("setup")]
    assert any("podmn" in line for line in said)  # at start, in the server log
