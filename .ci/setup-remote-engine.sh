#!/usr/bin/env bash
# A second Docker engine that does not share the client's files, for tests/remote: its own
# dockerd (data root, exec root, managed containerd, bridge) listening only on TCP with TLS
# client verification, as a shared build host is reached with DOCKER_HOST=tcp://... and
# DOCKER_TLS_VERIFY=1. It leaves the main engine alone: no iptables management of its own
# (its NAT and forward rules are added here, in DOCKER-USER), no socket or pid file of the main.
# Loads the test base image from the main engine. Safe to run again; `--stop` takes it all down.
#
# Clients use:  DOCKER_HOST=tcp://127.0.0.1:$PORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$DIR/client
set -euo pipefail

DIR=${REMOTE_ENGINE_DIR:-/var/lib/containerize-remote-engine}  # not /tmp: clients hide their /tmp
RUN=${REMOTE_ENGINE_RUN:-/run/containerize-remote-engine}
PORT=${REMOTE_ENGINE_PORT:-23760}
BRIDGE=${REMOTE_ENGINE_BRIDGE:-czremote0}
SUBNET=${REMOTE_ENGINE_SUBNET:-172.30.250}  # /24; its .1 is the bridge
IMAGE=${TEST_BASE_IMAGE:-localhost/containerize-test/python:3.11}
WAIT_S=${REMOTE_ENGINE_WAIT_S:-60}
REMOTE=(docker --host "tcp://127.0.0.1:$PORT" --tlsverify --tlscacert "$DIR/client/ca.pem"
        --tlscert "$DIR/client/cert.pem" --tlskey "$DIR/client/key.pem")

say() { echo "setup-remote-engine: $*"; }

forward_chain() {  # the main engine's DOCKER-USER when it has one: Docker never flushes it
  if iptables -n -L DOCKER-USER >/dev/null 2>&1; then echo DOCKER-USER; else echo FORWARD; fi
}

rule() {  # $1: -C (check), -I (add) or -D (delete); $2: which of the bridge's three rules
  local chain
  chain=$(forward_chain)
  case $2 in
    nat) iptables -t nat "${1/-I/-A}" POSTROUTING -s "$SUBNET.0/24" ! -o "$BRIDGE" -j MASQUERADE ;;
    out) iptables "$1" "$chain" -i "$BRIDGE" -j ACCEPT ;;
    in) iptables "$1" "$chain" -o "$BRIDGE" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT ;;
  esac
}

stop() {
  local pid
  pid=$(cat "$RUN/dockerd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    say "stopping dockerd $pid"
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  for name in nat out in; do
    while rule -C "$name" 2>/dev/null; do rule -D "$name"; done
  done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
  rm -rf "$DIR" "$RUN"
  say "stopped and removed"
}

if [ "${1:-}" = "--stop" ]; then stop; exit 0; fi

if ! command -v dockerd >/dev/null 2>&1; then
  say "no dockerd: run .ci/setup-docker.sh first" >&2
  exit 1
fi
mkdir -p "$DIR/client" "$DIR/server" "$RUN"
chmod 700 "$DIR"

if [ ! -f "$DIR/client/key.pem" ]; then
  say "making a CA, a server certificate for 127.0.0.1/localhost and a client certificate"
  (
    cd "$DIR/server"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=containerize test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
      -extfile server.ext -out cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=client" -keyout ../client/key.pem \
      -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 30 \
      -extfile client.ext -out ../client/cert.pem 2>/dev/null
    cp ca.pem ../client/ca.pem
  )
fi

if "${REMOTE[@]}" info >/dev/null 2>&1; then
  say "engine already answers on tcp://127.0.0.1:$PORT"
else
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add name "$BRIDGE" type bridge
    ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  for name in nat out in; do
    rule -C "$name" 2>/dev/null || rule -I "$name"
  done
  echo '{}' >"$DIR/daemon.json"  # not /etc/docker/daemon.json: that one is the main engine's
  say "starting a second dockerd on tcp://127.0.0.1:$PORT (log: $DIR/dockerd.log)"
  # setsid: it outlives this script and the CI step; --iptables=false: the main engine's chains stay its own
  setsid dockerd --config-file "$DIR/daemon.json" --data-root "$DIR/data" --exec-root "$RUN/exec" \
    --pidfile "$RUN/dockerd.pid" --host "tcp://127.0.0.1:$PORT" --tlsverify \
    --tlscacert "$DIR/server/ca.pem" --tlscert "$DIR/server/cert.pem" --tlskey "$DIR/server/key.pem" \
    --bridge "$BRIDGE" --iptables=false --ip-masq=false --cgroup-parent /containerize-remote \
    --containerd-namespace containerize-remote --containerd-plugins-namespace containerize-remote-plugins \
    >"$DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 "$WAIT_S"); do
    "${REMOTE[@]}" info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! "${REMOTE[@]}" info >/dev/null 2>&1; then
    say "the second dockerd did not answer within ${WAIT_S}s; last lines of $DIR/dockerd.log:" >&2
    tail -n 30 "$DIR/dockerd.log" >&2 || true
    exit 1
  fi
  say "engine answers ($("${REMOTE[@]}" version --format '{{.Server.Version}}'))"
fi

if "${REMOTE[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE already loaded"
elif docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "loading $IMAGE from the main engine"
  docker save "$IMAGE" | "${REMOTE[@]}" load -q
else
  say "no $IMAGE in the main engine: run .ci/build-test-base.sh first" >&2
  exit 1
fi
say "ready: DOCKER_HOST=tcp://127.0.0.1:$PORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$DIR/client"
