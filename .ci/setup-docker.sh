#!/usr/bin/env bash
# Make a Docker engine answer on this machine: install Debian's docker.io if missing, start dockerd
# in the background when `docker info` fails, wait until it answers. Safe to run again.
set -euo pipefail

LOG=${DOCKERD_LOG:-/tmp/dockerd.log}
WAIT_S=${DOCKERD_WAIT_S:-60}

if ! command -v dockerd >/dev/null 2>&1; then
  echo "setup-docker: installing docker.io from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if docker info >/dev/null 2>&1; then
  echo "setup-docker: engine already answers"
  exit 0
fi

echo "setup-docker: starting dockerd (log: $LOG)"
# setsid: the engine must outlive this script and the CI step that ran it
setsid dockerd >"$LOG" 2>&1 < /dev/null &

for _ in $(seq 1 "$WAIT_S"); do
  if docker info >/dev/null 2>&1; then
    echo "setup-docker: engine answers ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 1
done
echo "setup-docker: dockerd did not answer within ${WAIT_S}s; last lines of $LOG:" >&2
tail -n 30 "$LOG" >&2 || true
exit 1
