# Sourced by install.sh, demo.sh and test.sh. Behind a TLS-inspecting proxy the proxy's CA is in the
# system store, not in the bundles uv, pip and Node ship: point them (and our image builds, which
# pass the host's CA bundle into the build) at the system store unless the caller already did.
SYSTEM_CA=/etc/ssl/certs/ca-certificates.crt
if [ -f "$SYSTEM_CA" ]; then
  export SSL_CERT_FILE="${SSL_CERT_FILE:-$SYSTEM_CA}"
  export PIP_CERT="${PIP_CERT:-$SSL_CERT_FILE}"
  export REQUESTS_CA_BUNDLE="${REQUESTS_CA_BUNDLE:-$SSL_CERT_FILE}"
  export NODE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS:-$SSL_CERT_FILE}"
fi
export UV_NATIVE_TLS=1
export PIP_DISABLE_PIP_VERSION_CHECK=1
