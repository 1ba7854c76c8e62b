"""ca_bundle must parse as PEM certificates; only the certificates reach the build (and, with
keep_ca, the image): a .env, a key, text around the certificates never do. One line when refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_containerize.ca_bundle import certificates_pem
from jupyterlab_containerize.errors import NotACertificate
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render.buildenv import build_environment

SYSTEM = Path("/etc/ssl/certs/ca-certificates.crt")
FIRST = SYSTEM.read_text().split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"


def bundle(tmp_path: Path, text: str | bytes, name: str = "ca.pem") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def refused(path: Path) -> str:
    with pytest.raises(NotACertificate) as err:
        build_environment(BuildOptions(ca_bundle=str(path), keep_ca=True), environ={})
    assert "\n" not in err.value.message
    return err.value.message


@pytest.mark.parametrize("content", [
    "API_KEY=abc\nDB_PASSWORD=hunter2\n",  # a .env
    "",
    "-----BEGIN CERTIFICATE-----\n",  # a header, nothing else
    "-----BEGIN CERTIFICATE-----\nQUJDREVGR0g=\n-----END CERTIFICATE-----\n",  # base64, not X.509
    FIRST + "-----BEGIN " + "PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n",  # a key beside a cert
    FIRST.replace("-----END CERTIFICATE-----", ""),  # a cert cut short
    b"\x00\xff\xfe binary",
])
def test_anything_but_certificates_is_refused(tmp_path: Path, content: str | bytes):
    refused(bundle(tmp_path, content, ".env"))


def test_only_the_certificates_are_kept(tmp_path: Path):
    path = bundle(tmp_path, "# Issuer: a corporate CA\nAPI_KEY=abc123\n" + FIRST + "\ntrailing words\n")
    env = build_environment(BuildOptions(ca_bundle=str(path), keep_ca=True), environ={})
    assert env.ca_pem.count("BEGIN CERTIFICATE") == 1
    assert "API_KEY" not in env.ca_pem and "trailing" not in env.ca_pem and "Issuer" not in env.ca_pem


def test_the_system_bundle_parses():
    assert certificates_pem(SYSTEM, "system").count("BEGIN CERTIFICATE") == SYSTEM.read_text().count(
        "BEGIN CERTIFICATE")


def test_a_host_bundle_that_is_no_certificate_is_refused_too(tmp_path: Path):
    path = bundle(tmp_path, "TOKEN=abc\n", ".env")
    with pytest.raises(NotACertificate):
        build_environment(BuildOptions(), environ={"PIP_CERT": str(path)})


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused_in_one_line(data: bytes):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ca.pem"
        path.write_bytes(data)
        with pytest.raises(NotACertificate) as err:
            certificates_pem(path, "ca.pem")
        assert "\n" not in err.value.message


def test_the_hosts_system_store_is_used_when_no_variable_names_a_bundle(monkeypatch):
    """A fresh shell or a server started without SSL_CERT_FILE still trusts what this host trusts (a
    TLS-inspecting proxy's CA is put in the system store); a mapping given instead of the host's
    environment, and --no-host-ca, keep it out."""
    for var in ("PIP_CERT", "UV_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(var, raising=False)
    env = build_environment(BuildOptions())
    assert env.ca_bundle == SYSTEM and env.ca_pem.count("BEGIN CERTIFICATE") == SYSTEM.read_text().count(
        "BEGIN CERTIFICATE")
    assert build_environment(BuildOptions(), environ={}).ca_bundle is None
    assert build_environment(BuildOptions(use_host_ca=False)).ca_bundle is None
