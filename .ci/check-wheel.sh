#!/usr/bin/env bash
# A user who only wants the extension never needs Node: build the wheel (with the prebuilt
# labextension) from a clean copy of the working tree, install it alone with JupyterLab into a new
# venv whose PATH has no node, and check that both halves of the extension are enabled and OK
# (as the JupyterLab extension template's CI does). Needs .venv (scripts/install.sh) for the build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PATH="$ROOT/.venv/bin:$PATH"

WORK=$(mktemp -d /tmp/containerize-wheel.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# A clean copy (tracked and new files, nothing ignored): the working tree's labextension is the
# editable install's development build, which the wheel build would otherwise ship as it is.
mkdir -p "$WORK/src"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null | tar -C "$WORK/src" -xf -
# reuse this tree's yarn cache: the copy's jlpm install then needs no download
export YARN_CACHE_FOLDER="$ROOT/.yarn/cache"

echo "check-wheel: python -m build --wheel (prebuilt labextension, production build)"
t=$(date +%s)
(cd "$WORK/src" && python -m build --wheel --installer uv --outdir "$WORK/dist" >"$WORK/build.log" 2>&1) \
  || { tail -n 40 "$WORK/build.log" >&2; echo "check-wheel: the wheel build failed" >&2; exit 1; }
WHEEL=$(ls "$WORK"/dist/jupyterlab_containerize-*.whl)
echo "check-wheel: built $(basename "$WHEEL") in $(( $(date +%s) - t )) s"
python - "$WHEEL" <<'EOF'
import sys
import zipfile

names = zipfile.ZipFile(sys.argv[1]).namelist()
lab = [n for n in names if "/share/jupyter/labextensions/jupyterlab-containerize/" in n]
for needed in ("/package.json", "/install.json", "/static/remoteEntry."):
    if not any(needed in n for n in lab):
        sys.exit(f"check-wheel: the wheel lacks the prebuilt labextension's {needed.strip('/')}")
if not any(n.endswith("etc/jupyter/jupyter_server_config.d/jupyterlab_containerize.json") for n in names):
    sys.exit("check-wheel: the wheel lacks the server extension's enabling config")
print(f"check-wheel: the wheel holds the prebuilt labextension ({len(lab)} files) and the server config")
EOF

echo "check-wheel: the wheel alone (with JupyterLab) in a new venv, no node on PATH"
uv venv -q -p "$ROOT/.venv/bin/python" "$WORK/venv"
# only the new venv on PATH: nothing can fall back on a node (or anything else) from this machine
CLEAN=(env -u VIRTUAL_ENV PATH="$WORK/venv/bin")
if "${CLEAN[@]}" /bin/sh -c 'command -v node' >/dev/null 2>&1; then
  echo "check-wheel: node is on the clean PATH" >&2; exit 1
fi
uv pip install -q --python "$WORK/venv/bin/python" "jupyterlab>=4,<5" "$WHEEL"

server=$("${CLEAN[@]}" "$WORK/venv/bin/jupyter" server extension list 2>&1)
lab=$("${CLEAN[@]}" "$WORK/venv/bin/jupyter" labextension list 2>&1)
ok=0
grep -ie "jupyterlab_containerize.*OK" <<<"$server" || { echo "$server" >&2; ok=1; }
grep -ie "jupyterlab-containerize.*enabled.*OK" <<<"$lab" || { echo "$lab" >&2; ok=1; }
if [ $ok != 0 ]; then
  echo "check-wheel: the installed wheel's extension is not enabled and OK (output above)" >&2
  exit 1
fi
echo "check-wheel: OK: the wheel installs and enables both extensions without Node"
