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
