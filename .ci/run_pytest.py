"""Run pytest and fail when no test was executed: not only when none was collected (pytest's exit 5)
but also when every test was skipped or deselected, as a missing engine or a stray -k would do.
Its output still ends with pytest's own summary line. Run from the repository root:
    python .ci/run_pytest.py [pytest args...]
"""

from __future__ import annotations

import sys

import pytest


class RequireExecutedTests:
    def __init__(self) -> None:
        self.executed = 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.executed += 1

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.executed == 0 and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
        if self.executed == 0:
            message = "run_pytest: no test was executed (all skipped, deselected or none collected)"
            terminalreporter.write_line(message, red=True)


if __name__ == "__main__":
    sys.exit(pytest.main(sys.argv[1:], plugins=[RequireExecutedTests()]))
