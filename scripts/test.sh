#!/usr/bin/env bash
# All tests: Python unit + integration (real venvs, kernels, Docker engine, registry), then the
# browser tests (Galata + Chromium). Run scripts/install.sh once first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
export PATH="$PWD/.venv/bin:$PATH"

bash .ci/setup-docker.sh
bash .ci/build-test-base.sh

echo "== browser tests (ui-tests: Galata + Chromium, one build on the real engine)"
(cd ui-tests && CONTAINERIZE_UI_BUILD=1 CONTAINERIZE_UI_BASE_IMAGE=localhost/containerize-test/python:3.11 \
  jlpm playwright test)

echo "== python tests"
python -m pytest tests -ra -p no:cacheprovider "$@"
