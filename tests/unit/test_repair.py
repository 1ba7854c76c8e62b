"""build --repair: which change a failing cell leads to (no engine: the decisions only)."""

from __future__ import annotations

from jupyterlab_containerize.errors import VerifyFailed
from jupyterlab_containerize.pipeline.repair import _next_change, _step
from jupyterlab_containerize.spec import EnvironmentSpec, ImportRecord, Package


def failed(ename: str, evalue: str, package: str | None = None, as_saved: bool = False) -> VerifyFailed:
    error = {"ename": ename, "evalue": evalue, **({"package": package} if package else {})}
    cells = [{"index": 0, "status": "passed"}, {"index": 2, "status": "failed", "error": error, "as_saved": as_saved}]
    return VerifyFailed("Verify failed", report={"cells": cells})


def spec() -> EnvironmentSpec:
    return EnvironmentSpec(
        packages=[Package("pandas", "2.2.3", reason="imported"), Package("numpy", "2.1.0")],
        imports=[ImportRecord("pandas", "package", distribution="pandas")])


def test_a_missing_module_adds_the_package_the_table_names_and_never_a_guess():
    change = _next_change(failed("ModuleNotFoundError", "No module named 'sklearn'"), spec(), {}, 1)
    assert change and (change.package, change.change) == ("scikit-learn", "added")
    assert _next_change(failed("ModuleNotFoundError", "No module named 'mystery_utils'"), spec(), {}, 1) is None


def test_an_error_inside_a_package_steps_it_back_then_forward():
    err = failed("AttributeError", "'DataFrame' object has no attribute 'append'", package="pandas")
    tries: dict = {}
    change = _next_change(err, spec(), tries, 1)
    assert change and (change.package, change.change, change.after) == ("pandas", "stepped back", "<2")
    assert "cell 3 raised AttributeError inside pandas" in change.why  # index 2: the third cell
    assert _step("1.5.3", ["2.2.3", "1.5.3"]) == ("stepped back", "<1.5")
    assert _step("1.4.4", ["2.2.3", "1.5.3", "1.4.4"]) == ("stepped forward", ">2.2.3")
    assert _step("2.3.0", ["2.2.3", "1.5.3", "1.4.4", "2.3.0"]) is None


def test_errors_the_saved_notebook_had_too_and_foreign_errors_change_nothing():
    # no version gives the notebook its missing file or the network the verify run has off
    assert _next_change(failed("FileNotFoundError", "data.csv", package="pandas"), spec(), {}, 1) is None
    assert _next_change(failed("URLError", "<urlopen error>", package="pandas"), spec(), {}, 1) is None
    assert _next_change(failed("RuntimeError", "latex could not be found", package="pandas"), spec(), {}, 1) is None
    assert _next_change(failed("AttributeError", "x", package="pandas", as_saved=True), spec(), {}, 1) is None
    assert _next_change(failed("AttributeError", "x"), spec(), {}, 1) is None  # raised in the notebook's own code


def test_the_errors_a_moved_api_raises_step_the_package():
    """matplotlib 3.8 dropped the `seaborn-*` styles: an OSError (PythonDataScienceHandbook 04.01)."""
    old_style = failed("OSError", "'seaborn-whitegrid' is not a valid package style", package="pandas")
    change = _next_change(old_style, spec(), {}, 1)
    assert change and (change.package, change.change) == ("pandas", "stepped back")
    option = _next_change(failed("KeyError", "'display.mpl_style'", package="pandas"), spec(), {}, 1)
    assert option and option.change == "stepped back"


def test_a_failed_verify_says_what_may_fix_a_moved_package():
    from jupyterlab_containerize.options import BuildOptions
    from jupyterlab_containerize.pipeline.verify_step import moved_package_hint

    dated = spec()
    dated.as_of, dated.as_of_source = "2026-12-08", "file-time"
    old_style = failed("OSError", "'seaborn-whitegrid' is not a valid package style", package="matplotlib")
    hint = moved_package_hint(old_style, dated, BuildOptions()) or ""
    assert "as of 2026-12-08, only the file's own time" in hint and "--as-of DATE" in hint
    assert "--repair" in hint and "steps matplotlib" in hint
    assert "--repair" not in (moved_package_hint(old_style, dated, BuildOptions(repair=True)) or "")
    assert moved_package_hint(old_style, spec(), BuildOptions(repair=True)) is None  # a real date, repairing
    assert moved_package_hint(failed("FileNotFoundError", "data.csv", package="pandas"), dated, BuildOptions()) is None
    project = VerifyFailed("Verify failed in 1 of 1", report={"notebooks": {"a.ipynb": old_style.report}})
    assert "--repair" in (moved_package_hint(project, dated, BuildOptions()) or "")
