"""A package the kernel had from `pip install -e .` is installed in the image from its source."""

from pathlib import Path

from jupyterlab_containerize.render.install_script import InstallPlan, render_install_script
from jupyterlab_containerize.render.local_sources import copy_local_sources
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import Package, PackageSource


def project(tmp_path: Path) -> Path:
    root = tmp_path / "mylib"
    (root / "src" / "mylib").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'mylib'\nversion = '0.1'\n")
    (root / "src" / "mylib" / "__init__.py").write_text("X = 1\n")
    for junk in (".git/config", ".venv/bin/python", "src/mylib/__pycache__/x.pyc", "build/lib/x.py", ".env"):
        (root / junk).parent.mkdir(parents=True, exist_ok=True)
        (root / junk).write_text("junk")
    return root


def test_the_source_is_copied_without_vcs_venvs_caches_or_secrets(tmp_path):
    root = project(tmp_path)
    editable = Package("MyLib", "0.1", source=PackageSource(kind="editable", path=str(root)))
    gone = Package("ghost", "1.0", source=PackageSource(kind="local", path=str(tmp_path / "nowhere")))
    out = copy_local_sources([editable, gone], tmp_path / "local", secret_policy=DEFAULT_POLICY)
    assert out.names == ["mylib"]
    copied = sorted(p.relative_to(tmp_path / "local" / "mylib").as_posix()
                    for p in (tmp_path / "local" / "mylib").rglob("*") if p.is_file())
    assert copied == ["pyproject.toml", "src/mylib/__init__.py"]
    assert "installed from its source folder" in out.warnings[0]


def test_install_script_installs_it_after_the_lock_without_dependencies():
    script = render_install_script(InstallPlan(requirement_files=[("-r", "requirements.txt")], local_sources=["mylib"]))
    lock_at = script.index("requirements.txt")
    local_at = script.index("/tmp/containerize-build/local/mylib")
    assert lock_at < local_at and "--no-deps" in script[local_at - 120 : local_at]
