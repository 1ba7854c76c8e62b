"""Which CA bundle the host trusts, and that a bundle is certificates: only its certificates go into
the build (or the image).

`ca_bundle` names a file the build trusts, and with `keep_ca` the final image keeps it: a `.env` or a
key named there would be copied. So the file must parse as PEM certificates (each one loaded by
Python's ssl module, which uses OpenSSL's X.509 parser), and what we write is those certificates
alone: comments, other text and any other PEM block (a private key) never leave the host.
"""

from __future__ import annotations

import re
import ssl
from pathlib import Path
from typing import Mapping, Optional

from .errors import NotACertificate

# Where tools look for an extra CA bundle, in the order we trust them.
CA_ENV_VARS = ("PIP_CERT", "UV_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
# The host's system store when no variable names a bundle: where a TLS-inspecting proxy's CA is put
# (update-ca-certificates), and what the host's own tools trust. Debian/Ubuntu/Alpine, Fedora/RHEL,
# openSUSE, macOS/BSD.
SYSTEM_CA_FILES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                   "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem")
MAX_BUNDLE_BYTES = 8 << 20  # the system bundles are ~200 KB
BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([A-Za-z0-9+/=\r\n\t ]*?)-----END \1-----")
ANY_BEGIN = re.compile(r"-----BEGIN ([^-\r\n]{1,60})-----")
CERTIFICATE_LABELS = ("CERTIFICATE", "TRUSTED CERTIFICATE")


def detect_ca_bundle(environ: Mapping[str, str], system_files: tuple[str, ...] = ()) -> Optional[Path]:
    """The bundle a variable names, else the first of `system_files` that is a file."""
    for var in CA_ENV_VARS:
        value = environ.get(var)
        if value and is_file(Path(value)):
            return Path(value)
    return next((Path(name) for name in system_files if is_file(Path(name))), None)


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system is no file either
        return False


def certificates_pem(path: Path, shown: str) -> str:
    """The certificates of the PEM file at `path`, re-encoded; NotACertificate (one line) otherwise."""
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            raise NotACertificate(f"The CA bundle {shown} is larger than {MAX_BUNDLE_BYTES >> 20} MiB.")
        text = path.read_bytes().decode("ascii")
    except UnicodeDecodeError:
        raise NotACertificate(f"The CA bundle {shown} is not a PEM file (it holds bytes that are not text).") from None
    except OSError as err:
        raise NotACertificate(f"The CA bundle {shown} cannot be read ({err.strerror}).") from None
    labels = ANY_BEGIN.findall(text)
    others = sorted({label for label in labels if label not in CERTIFICATE_LABELS})
    if others:
        raise NotACertificate(f"The CA bundle {shown} holds a {others[0]} block, not only certificates; "
                              "it is not used.")
    certificates = [m for m in BLOCK.finditer(text) if m.group(1) in CERTIFICATE_LABELS]
    if not certificates or len(certificates) != len(labels):
        raise NotACertificate(f"The CA bundle {shown} holds no PEM certificate that parses.")
    out = []
    for number, match in enumerate(certificates, 1):
        body = "".join(match.group(2).split())
        pem = f"-----BEGIN CERTIFICATE-----\n{_wrapped(body)}-----END CERTIFICATE-----\n"
        try:
            der = ssl.PEM_cert_to_DER_cert(pem)
            ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cadata=der)
        except (ssl.SSLError, ValueError):
            raise NotACertificate(f"Certificate {number} of the CA bundle {shown} does not parse.") from None
        out.append(pem)
    return "".join(out)


def _wrapped(body: str) -> str:
    return "".join(body[i:i + 64] + "\n" for i in range(0, len(body), 64))
