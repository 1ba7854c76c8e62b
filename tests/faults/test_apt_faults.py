"""apt's sources unreachable, and an environment image that lies about its apt packages (issue 23).

Real engine, real apt: the first build goes through a proxy nobody listens on (the container's own
127.0.0.1:9) and must fail with nothing committed or labelled; the next one, with the network back,
must install the package. Then an image whose package was removed behind its labels is found
broken on reuse, untagged, never offered again, and the environment is installed anew.
"""

from __future__ import annotations

import pytest

from jupyterlab_containerize.builder.environment_check import CHECK_LABEL, is_broken
from jupyterlab_containerize.builder.environment_reuse import APT_LABEL, REPOSITORY
from jupyterlab_containerize.errors import ContainerizeError
from tests.builder.conftest import TEST_BASE

from .environment_faults import env_images, environment_step, key_of, remove_ours, render

pytestmark = [pytest.mark.docker, pytest.mark.integration]


@pytest.fixture
def engine(docker_engine, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the broken-image record of this test
    before = env_images(docker_engine)
    yield docker_engine
    remove_ours(docker_engine, before)


def dpkg(engine, image: str, package: str) -> tuple[int, str]:
    result = engine.run(image, ["-W", "-f=${db:Status-Abbrev}", package], entrypoint=["dpkg-query"], network=False)
    return result.exit_code, result.logs


def test_unreachable_apt_sources_leave_nothing_and_the_next_build_installs(engine, hello_spec, hello_dir,
                                                                          tmp_path):
    dead = render(hello_spec, hello_dir, tmp_path / "dead", TEST_BASE, environ={"http_proxy": "http://127.0.0.1:9"})
    key = key_of(engine, dead)
    before = env_images(engine, key)  # an earlier run's image of this key, if any, must stay as it is
    with pytest.raises(ContainerizeError) as caught:
        environment_step(engine, dead)
    assert "\n" not in caught.value.message and "apt-get" in caught.value.message, caught.value.message
    assert env_images(engine, key) == before  # nothing committed, nothing labelled, every tag where it was

    good = render(hello_spec, hello_dir, tmp_path / "good", TEST_BASE)
    tag, _ = environment_step(engine, good)
    assert dpkg(engine, tag, "tree") == (0, "ii ")
    labels = engine.image_info(tag).labels
    assert labels[APT_LABEL] == "tree" and len(labels[CHECK_LABEL]) == 64
    assert key_of(engine, good) == key and tag == f"{REPOSITORY}:{key}"


def test_an_image_that_lies_about_its_apt_packages_is_never_reused(engine, hello_spec, hello_dir, tmp_path):
    context = render(hello_spec, hello_dir, tmp_path / "one", TEST_BASE)
    tag, _ = environment_step(engine, context)
    # the image of issue 23: labelled with tree, without it (the labels are inherited by the commit)
    container = engine.client.containers.create(tag, command=["dpkg --purge tree >/dev/null"],
                                                entrypoint=["/bin/sh", "-c"], user="0")
    try:
        container.start()
        assert container.wait(timeout=60)["StatusCode"] == 0
        lying = container.commit(repository=REPOSITORY, tag=tag.split(":", 1)[1])
    finally:
        container.remove(force=True)
    assert engine.image_info(tag).id == lying.id and dpkg(engine, tag, "tree")[0] != 0

    again = render(hello_spec, hello_dir, tmp_path / "two", TEST_BASE)
    rebuilt, events = environment_step(engine, again, rebuild=False)
    told = [line for line in events.lines if "is broken" in line]
    assert told and "the apt package tree is not installed" in told[0], events.lines
    assert rebuilt == tag and engine.image_info(tag).id != lying.id
    assert dpkg(engine, rebuilt, "tree") == (0, "ii ")
    assert is_broken(lying.id)
    assert lying.id not in env_images(engine)  # untagged, and gone: nothing else needed it
