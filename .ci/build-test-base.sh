#!/usr/bin/env bash
# Build the local test base image (no registry is reachable here): Debian bookworm + its python3,
# made with debootstrap and imported into the engine. Skips when the image is already there.
set -euo pipefail

IMAGE=${TEST_BASE_IMAGE:-localhost/containerize-test/python:3.11}
SUITE=${TEST_BASE_SUITE:-bookworm}

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-test-base: $IMAGE already exists"
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1 && [ ! -x /usr/sbin/debootstrap ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq debootstrap >/dev/null
fi

ROOTFS=$(mktemp -d /tmp/containerize-rootfs.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT
echo "build-test-base: debootstrap $SUITE into $ROOTFS (about a minute)"
PATH="$PATH:/usr/sbin" debootstrap --variant=minbase \
  --include=python3,python3-venv,python3-pip,ca-certificates "$SUITE" "$ROOTFS" >/tmp/debootstrap.log 2>&1 \
  || { tail -n 30 /tmp/debootstrap.log >&2; exit 1; }
# apt lists and caches are not needed in a base image
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["python3"]' - "$IMAGE"
echo "build-test-base: $IMAGE built"
