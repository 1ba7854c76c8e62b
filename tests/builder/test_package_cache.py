"""The engine-side package cache without an engine: when a build uses it, the volume and command
the environment container gets, and what install.sh does with it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.builder.package_cache import MOUNT, VOLUME, cache_max_gb, package_cache_for
from jupyterlab_containerize.config import Containerize
from jupyterlab_containerize.errors import InvalidRequest
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.render.install_script import InstallPlan, render_install_script

from .fakes import FakeEngine


def test_the_cache_is_used_unless_no_cache_size_zero_or_index_credentials(tmp_path: Path):
    cache, why = package_cache_for(False, None, tmp_path, environ={})
    assert cache is not None and cache.volume == VOLUME and cache.max_mb == 10 * 1024
    assert cache.volumes() == {VOLUME: MOUNT} and "cleared past 10 GB" in why
    assert package_cache_for(True, None, tmp_path, environ={})[0] is None
    assert package_cache_for(False, 0, tmp_path, environ={})[0] is None
    assert package_cache_for(False, None, tmp_path, environ={"CONTAINERIZE_PACKAGE_CACHE_MAX_GB": "0"})[0] is None
    (tmp_path / "extra-index-url").write_text("https://download.pytorch.org/whl/cpu")
    assert package_cache_for(False, 2.5, tmp_path, environ={})[0] == cache.__class__(VOLUME, 2560)
    (tmp_path / "index-url").write_text("https://me:token@pypi.example.com/simple")
    cache, why = package_cache_for(False, None, tmp_path, environ={})
    assert cache is None and "credentials" in why


def test_the_volume_name_and_size_are_checked(tmp_path: Path):
    cache, _ = package_cache_for(False, None, tmp_path, environ={"CONTAINERIZE_PACKAGE_CACHE_VOLUME": "team-cache"})
    assert cache is not None and cache.volume == "team-cache"
    with pytest.raises(InvalidRequest):
        package_cache_for(False, None, tmp_path, environ={"CONTAINERIZE_PACKAGE_CACHE_VOLUME": "/etc:/x"})
    with pytest.raises(InvalidRequest):
        cache_max_gb(None, {"CONTAINERIZE_PACKAGE_CACHE_MAX_GB": "lots"})
    with pytest.raises(InvalidRequest):
        BuildOptions(package_cache_max_gb=-1)
    with pytest.raises(InvalidRequest):
        BuildOptions(environment="everything")
    assert Containerize().package_cache_max_gb == 10.0


def build(hello_spec, hello_dir: Path, tmp_path: Path, **options) -> FakeEngine:
    engine = FakeEngine()
    run_pipeline(BuildRequest(hello_dir / "hello.ipynb", BuildOptions(target="batch", **options), hello_spec),
                 engine, lambda *a, **k: None, threading.Event(), tmp_path)
    return engine


def test_the_environment_container_gets_the_volume_and_the_size(hello_spec, hello_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("CONTAINERIZE_PACKAGE_CACHE_VOLUME", raising=False)
    engine = build(hello_spec, hello_dir, tmp_path, package_cache_max_gb=1)
    assert engine.volumes == [{VOLUME: MOUNT}] and engine.created_volumes == [VOLUME]
    script = engine.commands[0][-1]
    assert f"CONTAINERIZE_UV_CACHE={MOUNT} CONTAINERIZE_UV_CACHE_MAX_MB=1024 sh" in script
    assert "containerize-uv-cache" not in str(engine.copied_in)  # nothing of it travels from here


def test_no_cache_mounts_no_volume(hello_spec, hello_dir, tmp_path):
    engine = build(hello_spec, hello_dir, tmp_path, no_cache=True)
    assert engine.volumes == [None] and engine.created_volumes == []
    assert "CONTAINERIZE_UV_CACHE" not in engine.commands[0][-1]


def test_install_script_uses_the_cache_only_when_mounted_and_clears_it_past_its_size():
    script = render_install_script(InstallPlan(requirement_files=[("-r", "requirements.txt")],
                                               local_sources=["mypkg"]))
    lines = script.splitlines()
    assert lines.index("export UV_NO_CACHE=1") < lines.index('echo "containerize-step: uv"')
    assert '  export UV_CACHE_DIR="$CONTAINERIZE_UV_CACHE" UV_LINK_MODE=copy' in lines
    assert "--no-cache --no-deps /tmp/containerize-build/local/mypkg" in script  # the user's code stays out
    clean = next(i for i, line in enumerate(lines) if line.strip() == '"$UV" cache clean')
    assert clean < lines.index("rm -rf /tmp/containerize-build /tmp/containerize-uv /root/.cache")
    assert MOUNT not in script  # the mount is named on the command line only
