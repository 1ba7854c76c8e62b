"""The compatibility data stays consistent with itself (update it as docs/gpu.md says)."""

from packaging.version import Version

from jupyterlab_containerize.gpu import compat


def test_every_version_parses_and_tables_agree():
    data = compat.data()
    assert data["data_version"]
    for cuda, driver in data["cuda_min_driver"].items():
        Version(cuda), Version(driver)
        assert cuda.split(".")[0] in data["cuda_minor_compat_driver"]
    for torch, builds in data["torch_cuda_builds"].items():
        assert builds == sorted(builds, key=Version)
        assert data["torch_pypi_default_cuda"][torch] in builds
        for cuda in builds:
            assert cuda in data["cuda_min_driver"], f"torch {torch} cu{cuda}: no driver entry"
    for build in data["tensorflow_builds"].values():
        assert build["cuda"] in data["cuda_min_driver"]
    for cc, cuda in data["arch_min_cuda"].items():
        assert cc in data["arch_names"]
        if cc in data["arch_max_cuda"]:
            assert Version(cuda) <= Version(data["arch_max_cuda"][cc])
    for cuda, image in data["cuda_runtime_images"].items():
        assert image.startswith(f"nvidia/cuda:{cuda}.") and "runtime" in image and "devel" not in image


def test_driver_minimums_grow_with_cuda():
    table = sorted(compat.data()["cuda_min_driver"].items(), key=lambda kv: Version(kv[0]))
    drivers = [Version(d) for _, d in table]
    assert drivers == sorted(drivers)


def test_known_facts():
    assert compat.arch_range("9.0")[0] == "11.8"  # Hopper
    assert compat.arch_range("10.0")[0] == "12.8"  # Blackwell
    assert compat.normalize_cuda("cu121") == "12.1"
