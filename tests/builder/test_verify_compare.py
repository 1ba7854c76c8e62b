"""Output comparison and the verify report; no engine."""

from __future__ import annotations

from jupyterlab_containerize.verify.compare import normalise, outputs_match
from jupyterlab_containerize.verify.report import build_report


def stream(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def cell(*outputs: dict, count: int = 1) -> dict:
    return {"cell_type": "code", "execution_count": count, "outputs": list(outputs)}


def test_addresses_timings_and_dates_are_masked():
    assert normalise("<object at 0x7f833336f1f0>") == normalise("<object at 0xdeadbeef>")
    assert normalise("CPU times: user 3 ms\nWall time: 1.2 s") == normalise(
        "CPU times: user 9 ms\nWall time: 4 s")
    assert normalise("took 0.51 s") == normalise("took 2.3 s")
    assert normalise("at 2024-01-02 10:11:12.5") == normalise("at 2026-11-21T00:53:20")
    assert normalise("6") != normalise("7")


def test_outputs_match_on_text_and_none_without_a_saved_run():
    result = {"output_type": "execute_result", "data": {"text/plain": "6"}, "metadata": {}}
    assert outputs_match(cell(result), cell(result)) is True
    assert outputs_match(cell(stream("a\n")), cell(stream("b\n"))) is False
    assert outputs_match({"execution_count": None, "outputs": []}, cell(stream("x"))) is None


def test_report_lists_each_cell_and_first_failure():
    original = {"cells": [cell(stream("1\n")), cell(stream("2\n")), cell(stream("3\n"))]}
    executed = {"cells": [cell(stream("1\n")), cell(stream("two\n")), cell()]}
    runner = {"python": "3.11.2", "cells": [
        {"index": 0, "status": "passed"}, {"index": 1, "status": "passed"},
        {"index": 2, "status": "failed", "error": {"ename": "ValueError", "evalue": "bad"}}]}
    report = build_report("img", original, executed, runner)
    assert [c.output_match for c in report.cells] == [True, False, None]
    assert report.cells[1].expected == "2" and report.cells[1].actual == "two"
    assert not report.passed and report.first_failure.index == 2
    assert report.to_dict()["mismatched"] == [1]


def error(ename: str, evalue: str) -> dict:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": []}


def test_a_cell_that_raised_in_the_saved_notebook_may_raise_again():
    original = {"cells": [cell(error("ValueError", "bad")), cell(stream("ok\n"))]}
    executed = {"cells": [cell(error("ValueError", "bad")), cell(stream("ok\n"))]}
    runner = {"cells": [
        {"index": 0, "status": "failed", "error": {"ename": "ValueError", "evalue": "bad"}},
        {"index": 1, "status": "passed"}]}
    report = build_report("img", original, executed, runner)
    assert report.passed and report.cells[0].as_saved and report.cells[0].output_match is True
    other = {"cells": [
        {"index": 0, "status": "failed", "error": {"ename": "KeyError", "evalue": "x"}},
        {"index": 1, "status": "passed"}]}
    assert build_report("img", original, executed, other).first_failure.index == 0


def test_ipython_micro_sign_slowest_run_and_paths_are_masked():
    assert normalise("8.35 μs ± 1.87 μs per loop") == normalise("8.62 µs ± 1.31 µs per loop")
    assert normalise("The slowest run took 5.1 times longer than the fastest.\n1") == "1"
    saved = "/tmp/ipykernel_25868/139.py:2: FutureWarning: x\n/root/v/lib/python3.11/site-packages/a.py"
    image = "/tmp/ipykernel_8/139.py:2: FutureWarning: x\n/opt/venv/lib/python3.11/site-packages/a.py"
    assert normalise(saved) == normalise(image)
