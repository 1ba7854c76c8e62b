"""What a user's edit of the spec implies: removing a package removes what only it needed."""

from jupyterlab_containerize.inspect.spec_edits import drop_orphaned_dependencies
from jupyterlab_containerize.spec import EnvironmentSpec, Package


def pkg(name: str, reason: str = "dependency", *required_by: str) -> Package:
    return Package(name=name, version="1.0", reason=reason, required_by=list(required_by))  # type: ignore[arg-type]


def inspected() -> EnvironmentSpec:
    return EnvironmentSpec(packages=[
        pkg("pandas", "imported"), pkg("numpy", "dependency", "pandas", "scipy"),
        pkg("openpyxl", "implicit"), pkg("et_xmlfile", "dependency", "openpyxl"),
        pkg("scipy", "imported"), pkg("python-dateutil", "dependency", "pandas"),
        pkg("six", "dependency", "python-dateutil"),
        pkg("legacy", "dependency"),  # no required_by (a lock's pin): kept, its origin is unknown
    ])


def test_an_inspected_spec_is_unchanged():
    spec = inspected()
    assert drop_orphaned_dependencies(spec) == []
    assert spec == inspected()


def test_removing_a_package_drops_what_only_it_needed():
    spec = inspected()
    spec.packages = [p for p in spec.packages if p.name != "openpyxl"]
    assert drop_orphaned_dependencies(spec) == ["et_xmlfile"]
    assert [p.name for p in spec.packages] == ["pandas", "numpy", "scipy", "python-dateutil", "six", "legacy"]


def test_shared_dependencies_stay_and_lose_the_removed_parent():
    spec = inspected()
    spec.packages = [p for p in spec.packages if p.name != "scipy"]
    assert drop_orphaned_dependencies(spec) == []
    assert spec.package("numpy").required_by == ["pandas"]


def test_removal_cascades_through_chains_and_cycles():
    spec = inspected()
    spec.packages = [p for p in spec.packages if p.name != "pandas"]
    spec.packages.append(pkg("Cycle-A", "dependency", "six", "cycle_b"))
    spec.packages.append(pkg("cycle_b", "dependency", "cycle-a"))
    assert drop_orphaned_dependencies(spec) == ["python-dateutil", "six", "Cycle-A", "cycle_b"]
    assert spec.package("numpy").required_by == ["scipy"]  # names compared canonically


def test_user_and_requested_packages_are_roots():
    spec = EnvironmentSpec(packages=[pkg("rich", "user"), pkg("pygments", "dependency", "rich"),
                                     pkg("tqdm", "requested"), pkg("colorama", "dependency", "tqdm")])
    assert drop_orphaned_dependencies(spec) == []
