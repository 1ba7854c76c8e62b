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
    assert _next_change(failed("ValueError", "bad", package="pandas"), spec(), {}, 1) is None
    assert _next_change(failed("AttributeError", "x", package="pandas", as_saved=True), spec(), {}, 1) is None
    assert _next_change(failed("AttributeError", "x"), spec(), {}, 1) is None  # raised in the notebook's own code
