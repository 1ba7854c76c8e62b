#!/usr/bin/env bash
# The main job on the example notebook: make the environment it ran in, inspect it, build its image
# and verify the notebook re-runs inside it.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
bash scripts/install.sh
export PATH="$PWD/.venv/bin:$PATH"

NOTEBOOK=examples/weather/analysis.ipynb
KERNEL_ENV=examples/weather/.venv

printf '\n== the example notebook'"'"'s own environment (%s)\n' "$KERNEL_ENV"
[ -x "$KERNEL_ENV/bin/python" ] || uv venv -q -p /usr/bin/python3 "$KERNEL_ENV"
uv pip install -q --python "$KERNEL_ENV/bin/python" -r examples/weather/requirements.txt

# Real users pull python:3.X-slim; where no registry answers, build an equivalent base locally.
BASE_ARGS=()
if ! docker image inspect python:3.11-slim >/dev/null 2>&1 && ! timeout 60 docker pull -q python:3.11-slim >/dev/null 2>&1; then
  echo "(no registry reachable: building a local Debian base image instead of python:3.11-slim)"
  bash .ci/build-test-base.sh
  BASE_ARGS=(--base localhost/containerize-test/python:3.11)
fi

printf '\n== jupyter containerize inspect %s\n' "$NOTEBOOK"
jupyter containerize inspect "$NOTEBOOK" --python "$KERNEL_ENV/bin/python"

printf '\n== jupyter containerize build %s --verify\n' "$NOTEBOOK"
jupyter containerize build "$NOTEBOOK" --python "$KERNEL_ENV/bin/python" --target notebook \
  --tag containerize-example/weather:latest --verify "${BASE_ARGS[@]}"

