"""The host's uv trusts what the host trusts: a fresh shell names no CA bundle."""

from __future__ import annotations

import pytest

from jupyterlab_containerize.ca_bundle import CA_ENV_VARS
from jupyterlab_containerize.uv_compile import SYSTEM_CERTS_VARS, compile_pins, uv_binary, uv_environment


def test_with_no_bundle_named_uv_is_told_to_use_the_system_store():
    env = uv_environment({"PATH": "/usr/bin", "HOME": "/root"})
    assert env["UV_SYSTEM_CERTS"] == "1" and env["UV_NATIVE_TLS"] == "1" and env["PATH"] == "/usr/bin"


@pytest.mark.parametrize("named", [*CA_ENV_VARS, "SSL_CERT_DIR", *SYSTEM_CERTS_VARS])
def test_a_bundle_or_a_choice_the_user_made_is_left_as_it_is(named: str):
    assert uv_environment({named: "/etc/my-ca.pem"}) == {named: "/etc/my-ca.pem"}


@pytest.mark.integration
def test_pins_resolve_from_a_shell_that_names_no_bundle(monkeypatch: pytest.MonkeyPatch):
    """The real index, as `jupyter containerize inspect --static` reaches it from `env -i`: on a network
    whose TLS is inspected (this project's), uv's own roots alone refuse it (UnknownIssuer)."""
    if not uv_binary():
        pytest.skip("uv is not installed next to this extension")
    for name in (*CA_ENV_VARS, *SYSTEM_CERTS_VARS, "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UV_NO_CACHE", "1")  # the index itself, not an answer uv kept from a run before
    compiled = compile_pins(["six==1.17.0"], "3.11", no_deps=True)
    assert compiled.error is None and compiled.pins == {"six": "1.17.0"}
