"""Writes never follow a planted link: a symlink at every name the tool could write (the lock's
notebook and its old temporary name, the repaired spec, --k8s files and folders, binder/ files, a
context folder's files, an export, a build record) leaves its target untouched, and the error is
one line. Property tests: any file name, planted link or not, is written atomically or refused."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jupyterlab_containerize import safe_write
from jupyterlab_containerize.cli.build_cmd import write_repaired_spec
from jupyterlab_containerize.deploy import manifest_files, write_files
from jupyterlab_containerize.errors import UnsafeWrite
from jupyterlab_containerize.inspect.notebook_lock import write_lock
from jupyterlab_containerize.jobs.persist import save_job
from jupyterlab_containerize.jobs.records import JobRecord
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.serve.bundle import write_runtime
from jupyterlab_containerize.share.writer import write_files as write_binder_files
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.notebooks import write_notebook

from .conftest import BASE, hello_spec

VICTIM = b"the user's own file: it must stay as it is\n"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file outside the work folder that a planted link points at (a shell rc file, say)."""
    path = tmp_path / "outside" / ".bashrc"
    path.parent.mkdir()
    path.write_bytes(VICTIM)
    return path


def plant(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def untouched(victim: Path) -> bool:
    return victim.read_bytes() == VICTIM and not any(
        p.name.endswith(".tmp") for p in victim.parent.iterdir())


def refused_in_one_line(write: Callable[[], object]) -> None:
    with pytest.raises(UnsafeWrite) as err:
        write()
    assert "\n" not in err.value.message and "link" in err.value.message


def notebook_in(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_notebook(folder / "a.ipynb", "import json")


def spec() -> EnvironmentSpec:
    return EnvironmentSpec.from_dict(hello_spec())


# --- every writer ---

def test_lock_refuses_a_notebook_that_is_a_link(tmp_path: Path, victim: Path):
    real = write_notebook(victim.parent / "real.ipynb", "import json")
    before = real.read_bytes()
    nb = tmp_path / "work" / "a.ipynb"
    plant(nb, real)
    refused_in_one_line(lambda: write_lock(nb, {"version": 1, "packages": []}))
    assert real.read_bytes() == before and untouched(victim)


def test_lock_ignores_a_link_at_its_old_fixed_temporary_name(tmp_path: Path, victim: Path):
    nb = notebook_in(tmp_path / "work")
    plant(nb.with_name(f".{nb.name}.containerize-tmp"), victim)
    write_lock(nb, {"version": 1, "packages": []})
    assert untouched(victim)
    assert json.loads(nb.read_text())["metadata"]["containerize"]["lock"]["version"] == 1
    assert not nb.is_symlink()


def test_repaired_spec_refuses_a_planted_link(tmp_path: Path, victim: Path):
    nb = notebook_in(tmp_path / "work")
    plant(nb.with_name("a.repaired-spec.json"), victim)
    refused_in_one_line(lambda: write_repaired_spec(nb, hello_spec()))
    assert untouched(victim)


@pytest.mark.parametrize("planted", ["deployment.yaml", "service.yaml", "kserve", "kserve/inferenceservice.yaml"])
def test_k8s_files_refuse_a_planted_link(tmp_path: Path, victim: Path, planted: str):
    out = tmp_path / "k8s"
    plant(out / planted, victim.parent if planted == "kserve" else victim)
    files = manifest_files("serve", spec(), "img:1", kserve=True)
    refused_in_one_line(lambda: write_files(files, out))
    assert untouched(victim)
    assert not (victim.parent / "inferenceservice.yaml").exists()


@pytest.mark.parametrize("name", ["requirements.txt", "postBuild", "runtime.txt"])
def test_binder_files_refuse_a_planted_link(tmp_path: Path, victim: Path, name: str):
    binder = tmp_path / "repo" / "binder"
    plant(binder / name, victim)
    refused_in_one_line(lambda: write_binder_files(binder, {name: "x\n"}))
    assert untouched(victim)


def test_binder_folder_that_is_a_link_is_refused(tmp_path: Path, victim: Path):
    binder = tmp_path / "repo" / "binder"
    binder.parent.mkdir()
    binder.symlink_to(victim.parent)
    # the repository's folder is ours to name; a link inside it in place of binder/ is not followed
    refused_in_one_line(lambda: safe_write.make_dirs(binder, base=binder.parent))
    assert untouched(victim)


def test_build_record_refuses_a_planted_link(tmp_path: Path, victim: Path):
    plant(tmp_path / "builds" / "abc.json", victim)
    refused_in_one_line(lambda: save_job(tmp_path / "builds", JobRecord("abc", "a.ipynb", {})))
    assert untouched(victim)


def test_export_refuses_a_planted_link(tmp_path: Path, victim: Path):
    plant(tmp_path / "image.tar", victim)
    refused_in_one_line(lambda: safe_write.write_chunks(tmp_path / "image.tar", iter([b"tar"])))
    assert untouched(victim)


def test_serving_runtime_refuses_a_planted_link(tmp_path: Path, victim: Path):
    plant(tmp_path / "serve" / "__main__.py", victim)
    refused_in_one_line(lambda: write_runtime(tmp_path / "serve"))
    assert untouched(victim)


def test_context_folder_that_is_a_link_inside_is_not_followed(tmp_path: Path, victim: Path):
    """--context-only DIR must be empty; a link planted at a sub-folder name after that check is
    refused by make_dirs (simulated: the render's folders are all made with it)."""
    nb = notebook_in(tmp_path / "work")
    out = tmp_path / "ctx"
    context = render_context(spec(), nb, BuildOptions(target="notebook", base_image=BASE), out)
    assert (out / "Dockerfile").read_text() == context.dockerfile
    plant(out / "later" / "x", victim)
    refused_in_one_line(lambda: safe_write.write_text(out / "later" / "x", "new"))
    assert untouched(victim)


def test_every_writer_in_the_package_goes_through_safe_write():
    """A grep: no direct write API is left outside safe_write.py (files/ is copied into images)."""
    package = Path(safe_write.__file__).parent
    banned = re.compile(r"\.write_text\(|\.write_bytes\(|shutil\.copy|\.mkdir\(|json\.dump\(|mkstemp\(|"
                        r"\.rename\(|\bopen\([^)]*[\"'][wax]b?\+?[\"']")
    found = []
    for path in package.rglob("*.py"):
        if path.name == "safe_write.py" or "files" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if banned.search(line.split("#")[0]) and "tarfile.open" not in line:
                found.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


# --- properties ---

NAMES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1,
                max_size=40).filter(lambda n: n not in (".", ".."))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, link=st.booleans(), data=st.binary(max_size=200))
def test_any_name_is_written_whole_or_refused(tmp_path: Path, name: str, link: bool, data: bytes):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    victim = folder.parent / f"victim-{folder.name}"
    victim.write_bytes(VICTIM)
    target = folder / name
    try:
        if link:
            target.symlink_to(victim)
    except OSError:  # a name the file system refuses (too long): nothing to check
        return
    try:
        safe_write.write_bytes(target, data)
    except UnsafeWrite:
        assert link
    except OSError as err:
        assert err.errno == 36  # ENAMETOOLONG: the temporary name grew past the limit
        return
    else:
        assert not link and target.read_bytes() == data
    assert victim.read_bytes() == VICTIM
    assert [p.name for p in folder.iterdir()] == [name]  # no temporary file left behind


def test_overwrite_replaces_a_hard_link_instead_of_writing_through_it(tmp_path: Path):
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM)
    os.link(victim, tmp_path / "out.json")
    safe_write.write_text(tmp_path / "out.json", "{}")
    assert victim.read_bytes() == VICTIM and (tmp_path / "out.json").read_text() == "{}"


def test_existing_mode_is_kept_and_new_files_are_not_world_writable(tmp_path: Path):
    path = tmp_path / "nb.ipynb"
    path.write_text("{}")
    path.chmod(0o600)
    safe_write.write_text(path, "{ }")
    assert path.stat().st_mode & 0o777 == 0o600
    safe_write.write_text(tmp_path / "new", "x")
    assert (tmp_path / "new").stat().st_mode & 0o777 == 0o644
