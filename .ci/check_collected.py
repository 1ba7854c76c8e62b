"""Fail when a test file under tests/ is not collected by pytest with the project's configuration.

pytest skips folders silently (its default norecursedirs holds `build`, `dist`, `venv`, dot-folders),
so a whole suite can drop out of CI without a word. Run from the repository root:
    python .ci/check_collected.py [pytest args...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path.cwd()
TEST_FILES = ("test_*.py", "*_test.py")  # pytest's default python_files


class Recorder:
    """Remembers which files pytest collected (a module skipped on purpose counts) and which failed."""

    def __init__(self) -> None:
        self.files: set[str] = set()
        self.errors: list[str] = []
        self.items = 0

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        path = report.nodeid.split("::")[0]
        if report.failed:
            self.errors.append(f"{report.nodeid or '<session>'}: {report.longreprtext.strip().splitlines()[-1:]}")
        elif path.endswith(".py"):
            self.files.add(path)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = len(session.items)


def main(args: list[str]) -> int:
    expected = {str(p.relative_to(ROOT)) for pattern in TEST_FILES for p in (ROOT / "tests").rglob(pattern)}
    expected = {p for p in expected if not any(part.startswith(".") for part in Path(p).parts)}
    rec = Recorder()
    rc = pytest.main(["--collect-only", "-p", "no:terminal", "-p", "no:cacheprovider", "tests", *args], plugins=[rec])
    missing = sorted(expected - rec.files)
    for error in rec.errors:
        print(f"check-collected: collection error in {error}", file=sys.stderr)
    for path in missing:
        print(f"check-collected: not collected: {path}", file=sys.stderr)
    if rc != 0 or rec.errors or missing:
        print(f"check-collected: FAILED (pytest exit {int(rc)}, {len(missing)} files not collected)", file=sys.stderr)
        return 1
    print(f"check-collected: all {len(expected)} test files under tests/ collected, {rec.items} tests")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
