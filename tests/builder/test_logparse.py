"""Failed builds become errors that name the cause."""

from __future__ import annotations

import pytest

from jupyterlab_containerize.builder.logparse import classify_failure, parse_step
from jupyterlab_containerize.errors import BuildFailed, DiskFull, IndexNotTrusted, PinInstallFailed

UV_STEP = "RUN . /tmp/containerize-build/env.sh && /opt/containerize-uv/bin/uv pip install -r x"


def test_step_lines_are_parsed():
    assert parse_step("Step 3/22 : COPY a b") == (3, 22, "COPY a b")
    assert parse_step(" ---> Using cache") is None


def test_uninstallable_pin_is_named_with_uvs_words():
    tail = ["Using Python 3.11.2", "  × No solution found when resolving dependencies:",
            "  ╰─▶ Because there is no version of six==999.0 and you require six==999.0, we can"
            " conclude that your requirements are unsatisfiable."]
    err = classify_failure("The command returned a non-zero code: 1", tail, UV_STEP,
                           ["attrs==23.2.0", "six==999.0"])
    assert isinstance(err, PinInstallFailed)
    assert "six==999.0" in err.message and "attrs" not in err.message.split("said")[0]
    assert "No solution found" in err.message


def test_disk_full_is_recognised():
    err = classify_failure("failed to copy: write /var/lib/docker/x: no space left on device",
                           [], "COPY a b", [])
    assert isinstance(err, DiskFull) and "docker system prune" in err.hint


def test_other_failures_quote_the_step():
    err = classify_failure("exit code 2", ["oops"], "RUN false", [])
    assert isinstance(err, BuildFailed) and "RUN false" in err.message


@pytest.mark.parametrize("tail", [
    # uv (rustls), as a fresh shell without SSL_CERT_FILE on a TLS-inspecting network printed it
    ["error: Failed to fetch: https://pypi.org/simple/contourpy/",
     "  cause: error sending request for url (https://pypi.org/simple/contourpy/)",
     "  cause: client error (Connect)", "  cause: invalid peer certificate: UnknownIssuer"],
    # pip (OpenSSL)
    ["ERROR: Could not install packages due to an OSError: HTTPSConnectionPool(host='pypi.org', port=443): "
     "Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] "
     "certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)')))"],
])
def test_an_index_whose_certificate_is_not_trusted_says_which_ca_to_give(tail: list[str]):
    err = classify_failure("install.sh exited with code 2 (uv pip install: the lock and the runtime)", tail,
                           "uv pip install: the lock and the runtime", ["contourpy==1.3.3"])
    assert isinstance(err, IndexNotTrusted) and err.code == "index-not-trusted"
    assert "did not trust the package index's TLS certificate" in err.message
    assert "SSL_CERT_FILE" in err.hint and "--ca-bundle" in (err.cli_hint or "")
    assert "Pin a version" not in str(err)  # not a pin's fault
