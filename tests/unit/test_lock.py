from jupyterlab_containerize.inspect.lock import (
    InstalledIndex,
    dependency_closure,
    package_source,
    portability_marks,
)

from .fake_probe import dist, probe


def index(*dists):
    return InstalledIndex.from_probe(probe(list(dists)))


def test_closure_follows_markers_and_extras():
    idx = index(
        dist(
            "pandas",
            "1.5.3",
            ["numpy>=1.21.0; python_version >= '3.10'", "pytz>=2020.1", "tabulate; extra == 'output'"],
        ),
        dist("numpy", "1.26.4"),
        dist("pytz", "2024.1"),
        dist("tabulate", "0.9.0"),
        dist(
            "requests", "2.31.0", ["urllib3<3", "PySocks!=1.5.7; extra == 'socks'", "colorama; sys_platform == 'win32'"]
        ),
        dist("urllib3", "2.2.1"),
        dist("PySocks", "1.7.1", top=["socks"]),
        dist("colorama", "0.4.6"),
        dist("app", "1.0", ["requests[socks]"]),
    )
    closure = dependency_closure({"pandas": "imported", "app": "imported"}, idx)
    assert set(closure.reasons) == {"pandas", "numpy", "pytz", "app", "requests", "urllib3", "pysocks"}
    assert closure.required_by["numpy"] == {"pandas"}
    assert closure.reasons["pandas"] == "imported" and closure.reasons["numpy"] == "dependency"


def test_missing_required_dependency_is_reported_not_invented():
    idx = index(dist("lib", "1.0", ["ghost>=1", "optional-thing; extra == 'x'"]))
    closure = dependency_closure({"lib": "imported"}, idx)
    assert set(closure.reasons) == {"lib"}
    assert len(closure.problems) == 1 and "ghost" in closure.problems[0].message


def test_package_sources_from_direct_url():
    assert package_source(None).kind == "index"
    vcs = package_source({"url": "https://github.com/o/r.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}})
    assert (vcs.kind, vcs.url, vcs.commit, vcs.vcs) == ("vcs", "https://github.com/o/r.git", "abc123", "git")
    editable = package_source({"url": "file:///home/me/lib", "dir_info": {"editable": True}})
    assert (editable.kind, editable.path) == ("editable", "/home/me/lib")
    assert package_source({"url": "file:///home/me/lib", "dir_info": {}}).kind == "local"
    assert package_source({"url": "https://x/y-1.0.whl", "archive_info": {}}).kind == "url"


def test_portability_marks():
    assert portability_marks("torch", "2.1.0+cu121") == ["cuda-local-version"]
    assert portability_marks("torch", "2.1.0+cpu") == ["cpu-local-version"]
    assert portability_marks("nvidia-cublas-cu12", "12.1.3.1") == ["nvidia-wheel"]
    assert portability_marks("pywin32", "306") == ["platform-only"]
    assert portability_marks("jax-cuda12-plugin", "0.4.30") == ["nvidia-wheel"]
    assert portability_marks("numpy", "1.26.4") == []
