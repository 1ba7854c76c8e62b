"""Environment images: listed with their users, pruned least recently used first, never one a tagged
image needs (through an extended environment too); the CLI and the REST API over it."""

from __future__ import annotations

import json

import pytest

from jupyterlab_containerize.builder.engine import ImageInfo
from jupyterlab_containerize.builder.environment_prune import (
    GB,
    list_environments,
    only,
    plan_prune,
    prune,
    prune_past_limit,
)
from jupyterlab_containerize.builder.environment_reuse import BASE_LABEL, ENV_LABEL, PARENT_LABEL, PINS_LABEL
from jupyterlab_containerize.errors import BuildFailed
from jupyterlab_containerize.server.base import CONFIG_KEY
from jupyterlab_containerize.server.build_handlers import SETTINGS_KEY

ENV = "localhost/containerize-env"


def env_image(key: str, size: float, created: float, parent: str = "") -> ImageInfo:
    labels = {ENV_LABEL: key, PINS_LABEL: "six==1.16.0", BASE_LABEL: "sha256:base", PARENT_LABEL: parent}
    return ImageInfo(id=f"sha256:{key}", size=int(size * GB), labels=labels, tags=[f"{ENV}:{key}"], created=created)


def notebook_image(key: str, tag: str, created: float, notebook: str = "a.ipynb") -> ImageInfo:
    tags = [tag] if tag else []
    return ImageInfo(id=f"sha256:nb-{key}-{tag}", size=1, created=created, tags=tags,
                     labels={ENV_LABEL: key, PINS_LABEL: "six==1.16.0", "io.jupyter.containerize.notebook": notebook})


class Engine:
    def __init__(self, images: list[ImageInfo], refuse: str = "") -> None:
        self.images = images
        self.removed: list[str] = []
        self.refuse = refuse

    def images_with_label(self, label: str) -> list[ImageInfo]:
        return [i for i in self.images if label in i.labels]

    def image_info(self, ref: str) -> ImageInfo:
        assert ref == "sha256:base"
        return ImageInfo(id=ref, size=int(0.1 * GB))

    def remove_image(self, ref: str) -> None:
        if ref == self.refuse:
            raise BuildFailed(f"conflict: unable to remove {ref} (a container uses it)")
        self.removed.append(ref)


def engine() -> Engine:
    return Engine([
        env_image("old", 1.1, 100), env_image("mid", 2.1, 200), env_image("new", 3.1, 300),
        env_image("kept", 1.1, 50), notebook_image("kept", "me/analysis:1", 60),
        # "stack" extends "under": a tagged image of "stack" keeps both
        env_image("under", 1.1, 10), env_image("stack", 0.6, 20, parent=f"{ENV}:under"),
        notebook_image("stack", "me/stacked:1", 30, "s.ipynb"),
        notebook_image("mid", "", 400),  # an untagged old build: "mid" was used last at 400
    ])


def test_listing_sizes_users_and_needs():
    found = {e.tag.split(":")[-1]: e for e in list_environments(engine())}
    assert found["old"].size == int(1.1 * GB) - int(0.1 * GB)  # the base's layers are shared
    assert found["stack"].size == 0  # smaller than what it extends in this fake: never negative
    assert found["kept"].used_by == ["me/analysis:1"] and found["kept"].notebooks == ["a.ipynb"]
    assert found["kept"].needed_by == "me/analysis:1"
    assert found["under"].needed_by == f"{ENV}:stack"  # needed through the image stacked on it
    assert found["mid"].last_used == 400 and found["mid"].untagged == ["sha256:nb-mid-"]


def test_a_project_image_names_all_its_notebooks():
    project = notebook_image("old", "me/project:1", 500, "a.ipynb")
    project.labels["io.jupyter.containerize.notebooks"] = json.dumps(["a.ipynb", "sub/b.ipynb"])
    broken = notebook_image("new", "me/broken:1", 500, "c.ipynb")
    broken.labels["io.jupyter.containerize.notebooks"] = "not json"
    fake = engine()
    fake.images += [project, broken]
    found = {e.tag.split(":")[-1]: e for e in list_environments(fake)}
    assert found["old"].notebooks == ["a.ipynb", "sub/b.ipynb"]
    assert found["new"].notebooks == ["c.ipynb"]  # an unreadable list: the one notebook label


def test_only_what_the_dry_run_showed_goes():
    plan = plan_prune(list_environments(engine()), None)
    shown = only(plan, [f"{ENV}:old", f"{ENV}:kept"])  # "kept" is needed: never removed, even when named
    assert [e.tag for e in shown.remove] == [f"{ENV}:old"] and shown.freed == plan.remove[0].size
    assert only(plan, None) is plan and only(plan, []).remove == []


def test_least_recently_used_go_first_until_the_rest_fit():
    images = list_environments(engine())
    plan = plan_prune(images, int(4.5 * GB))
    assert [e.tag.split(":")[-1] for e in plan.remove] == ["old", "new"]  # "mid" was used at 400
    everything = plan_prune(images, None)
    assert {e.tag.split(":")[-1] for e in everything.remove} == {"old", "mid", "new"}


def test_prune_removes_untagged_builds_first_and_reports_refusals():
    fake = engine()
    fake.refuse = f"{ENV}:new"
    plan = plan_prune(list_environments(fake), None)
    lines: list[str] = []
    problems = prune(fake, plan, lines.append)
    assert fake.removed.index("sha256:nb-mid-") < fake.removed.index(f"{ENV}:mid")
    assert f"{ENV}:kept" not in fake.removed and f"{ENV}:under" not in fake.removed
    assert len(problems) == 1 and problems[0].startswith(f"{ENV}:new: conflict")


def test_after_a_build_only_past_the_limit():
    fake = engine()
    assert prune_past_limit(fake, None, print) == [] and fake.removed == []
    prune_past_limit(fake, 100, print)
    assert fake.removed == []
    prune_past_limit(fake, 4, print)
    assert f"{ENV}:old" in fake.removed


@pytest.fixture
def fake_manager(jp_serverapp):
    class Manager:
        def engine(self) -> Engine:
            return self.fake

    manager = Manager()
    manager.fake = engine()
    jp_serverapp.web_app.settings[SETTINGS_KEY] = manager
    return manager


async def test_rest_lists_with_the_admin_limit(jp_fetch, jp_serverapp, fake_manager):
    config = jp_serverapp.web_app.settings[CONFIG_KEY]
    config.environment_images_max_gb = 4.5
    try:
        listed = json.loads((await jp_fetch("containerize", "environments")).body)
    finally:
        config.environment_images_max_gb = 0
    assert listed["limit"] == int(4.5 * GB) and listed["remove"] == [f"{ENV}:old", f"{ENV}:new"]
    assert fake_manager.fake.removed == []  # a listing removes nothing


async def test_rest_lists_and_prunes(jp_fetch, fake_manager):
    listed = json.loads((await jp_fetch("containerize", "environments")).body)
    assert listed["remove"] == [] and len(listed["environments"]) == 6
    assert listed["limit"] is None  # the admin set none: not the total the listing was planned with
    dry = json.loads((await jp_fetch("containerize", "environments", "prune", method="POST",
                                     body=json.dumps({"max_gb": 4.5}))).body)
    assert dry["dry_run"] and dry["removed"] == [] and fake_manager.fake.removed == []
    done = json.loads((await jp_fetch("containerize", "environments", "prune", method="POST",
                                      body=json.dumps({"max_gb": 4.5, "dry_run": False}))).body)
    assert done["removed"][0].startswith(f"removed {ENV}:old")
    before = len(fake_manager.fake.removed)
    confirmed = json.loads((await jp_fetch("containerize", "environments", "prune", method="POST",
                                           body=json.dumps({"dry_run": False, "tags": [f"{ENV}:mid"]}))).body)
    # the plan also had "old" and "new"; the user confirmed only "mid" (and its untagged build goes with it)
    assert confirmed["remove"] == [f"{ENV}:mid"]
    assert fake_manager.fake.removed[before:] == ["sha256:nb-mid-", f"{ENV}:mid"]
    with pytest.raises(Exception) as caught:
        await jp_fetch("containerize", "environments", "prune", method="POST", body=json.dumps({"max_gb": "x"}))
    assert caught.value.code == 400
    with pytest.raises(Exception) as caught:
        await jp_fetch("containerize", "environments", "prune", method="POST", body=json.dumps({"tags": "x"}))
    assert caught.value.code == 400
