"""Sign the provenance with a key the admin configures: a DSSE envelope (the in-toto attestation
framework's signature wrapper), made offline with `cryptography`, checked with the public key.

Why not cosign or sigstore: cosign is not packaged in Debian 12 and sigstore's keyless signing needs
Fulcio and Rekor on the network. A DSSE envelope signed with an Ed25519 or ECDSA P-256 key is what
`cosign verify-blob-attestation --key` and in-toto's verifiers read. The key is read when signing and
goes nowhere else: not into the context, the result, a record or a log.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import SigningFailed

ENVELOPE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json"
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE's pre-authentication encoding: what is signed."""
    kind = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    except ImportError as err:
        raise SigningFailed("Signing needs the `cryptography` package, which is not installed.") from err
    return hashes, serialization, ec, ed25519


def key_id(public_key: Any) -> str:
    _, serialization, _, _ = _crypto()
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def sign(payload: bytes, key_file: Path, payload_type: str = PAYLOAD_TYPE) -> dict[str, Any]:
    hashes, serialization, ec, ed25519 = _crypto()
    try:
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as err:
        raise SigningFailed(f"The signing key {key_file} cannot be read: {type(err).__name__}.") from err
    message = pae(payload_type, payload)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(message)
    elif isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
        signature = key.sign(message, ec.ECDSA(hashes.SHA256()))
    else:
        raise SigningFailed(f"The signing key {key_file} is neither Ed25519 nor ECDSA P-256.")
    return {"payloadType": payload_type, "payload": base64.b64encode(payload).decode(),
            "signatures": [{"keyid": key_id(key.public_key()), "sig": base64.b64encode(signature).decode()}]}


def verify(envelope: dict[str, Any], public_key_file: Path) -> dict[str, Any]:
    """The statement the envelope holds, when one of its signatures is the key's; else SigningFailed."""
    hashes, serialization, ec, ed25519 = _crypto()
    try:
        public = serialization.load_pem_public_key(Path(public_key_file).read_bytes())
        payload = base64.b64decode(envelope["payload"], validate=True)
        message = pae(str(envelope["payloadType"]), payload)
        signatures = [base64.b64decode(s["sig"], validate=True) for s in envelope["signatures"]]
    except (OSError, ValueError, TypeError, KeyError) as err:
        raise SigningFailed(f"Not a DSSE envelope, or {public_key_file} is no public key: {type(err).__name__}.") \
            from err
    from cryptography.exceptions import InvalidSignature

    for signature in signatures:
        try:
            if isinstance(public, ed25519.Ed25519PublicKey):
                public.verify(signature, message)
            elif isinstance(public, ec.EllipticCurvePublicKey):
                public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
            else:
                break
        except InvalidSignature:
            continue
        statement = json.loads(payload)
        return statement if isinstance(statement, dict) else {}
    raise SigningFailed(f"No signature in the envelope is made by the key in {public_key_file}.")


def is_envelope(document: Any) -> bool:
    return isinstance(document, dict) and "payloadType" in document and "signatures" in document


def unwrap(document: dict[str, Any]) -> dict[str, Any]:
    """The statement inside an envelope (not checked: `verify` checks), or the document itself."""
    if not is_envelope(document):
        return document
    try:
        found = json.loads(base64.b64decode(document["payload"]))
    except (ValueError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}
