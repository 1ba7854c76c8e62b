"""Attach documents (provenance, SBOM) to a pushed image the OCI referrers way, with plain registry
API requests: each is an OCI image manifest whose `subject` is the image's manifest and whose
`artifactType` says what it holds (OCI distribution spec 1.1).

A registry that answers the manifest PUT with an `OCI-Subject` header indexes referrers itself;
one that does not (Distribution 2.8, Docker Hub's older API) gets the spec's fallback: an image
index tagged `sha256-<hex of the subject>` that lists them, which `oras discover`, cosign and
regctl read the same way.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urljoin

import requests

from ..errors import PushFailed

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
EMPTY_TYPE = "application/vnd.oci.empty.v1+json"
EMPTY = b"{}"
MANIFEST_TYPES = ", ".join([OCI_MANIFEST, OCI_INDEX, "application/vnd.docker.distribution.manifest.v2+json",
                            "application/vnd.docker.distribution.manifest.list.v2+json"])
TIMEOUT = 60
_REF = re.compile(r"(?P<host>[^/]+)/(?P<repo>[a-z0-9._/-]+)@(?P<digest>sha256:[a-f0-9]{64})")


@dataclass
class Attached:
    artifact_type: str
    digest: str  # of the referrer manifest
    fallback_tag: Optional[str]  # the referrers tag written, when the registry has no referrers API


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def referrers_tag(digest: str) -> str:
    return digest.replace(":", "-")


class Registry:
    """The few distribution-API calls an attachment needs, with Docker config credentials."""

    def __init__(self, host: str, repository: str, docker_config: Optional[Path] = None) -> None:
        self.host, self.repository = host, repository
        self.base = f"{'http' if _is_loopback(host) else 'https'}://{host}/v2/{repository}"
        self.session = requests.Session()
        self.basic = _credentials(host, docker_config)
        self.token: Optional[str] = None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        url = urljoin(self.base + "/", url)
        for _ in range(2):
            headers = dict(kwargs.pop("headers", {}) or {})
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            elif self.basic:
                headers["Authorization"] = f"Basic {self.basic}"
            try:
                response = self.session.request(method, url, headers=headers, timeout=TIMEOUT, **kwargs)
            except requests.RequestException as err:
                raise PushFailed(f"The registry {self.host} did not answer: {type(err).__name__}.") from err
            if response.status_code != 401 or self.token:
                return response
            self.token = self._token(response.headers.get("WWW-Authenticate", ""))
            kwargs["headers"] = headers
            if not self.token:
                return response
        return response

    def _token(self, challenge: str) -> Optional[str]:
        if not challenge.lower().startswith("bearer "):
            return None
        fields = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
        if "realm" not in fields:
            return None
        params = {k: v for k, v in fields.items() if k in ("service", "scope")}
        params.setdefault("scope", f"repository:{self.repository}:pull,push")
        headers = {"Authorization": f"Basic {self.basic}"} if self.basic else {}
        try:
            answer = requests.get(fields["realm"], params=params, headers=headers, timeout=TIMEOUT)
            data = answer.json() if answer.ok else {}
        except (requests.RequestException, ValueError):
            return None
        return data.get("token") or data.get("access_token")

    def check(self, response: requests.Response, what: str) -> requests.Response:
        if response.status_code >= 400:
            detail = response.text.strip().splitlines()[0][:200] if response.text.strip() else ""
            raise PushFailed(f"The registry {self.host} refused {what}: HTTP {response.status_code} {detail}".strip())
        return response

    def put_blob(self, data: bytes) -> str:
        digest = _digest(data)
        if self.request("HEAD", f"blobs/{digest}").status_code == 200:
            return digest
        start = self.check(self.request("POST", "blobs/uploads/"), "a blob upload")
        location = start.headers.get("Location", "")
        separator = "&" if "?" in location else "?"
        self.check(self.request("PUT", f"{urljoin(self.base + '/', location)}{separator}digest={digest}",
                                data=data, headers={"Content-Type": "application/octet-stream"}), "a blob")
        return digest

    def manifest(self, reference: str) -> Optional[tuple[str, bytes]]:
        """(media type, bytes) of a manifest, or None when there is none under that reference."""
        response = self.request("GET", f"manifests/{reference}", headers={"Accept": MANIFEST_TYPES})
        if response.status_code == 404:
            return None
        self.check(response, f"reading the manifest {reference}")
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        return kind, response.content

    def put_manifest(self, reference: str, kind: str, data: bytes) -> requests.Response:
        return self.check(self.request("PUT", f"manifests/{reference}", data=data,
                                       headers={"Content-Type": kind}), f"the manifest {reference}")


def attach(image: str, documents: list[tuple[str, bytes, str]], created: str,
           docker_config: Optional[Path] = None) -> list[Attached]:
    """`image`: host/repository@sha256:...; `documents`: (artifact type, bytes, the layer's media type:
    the artifact type, or DSSE's envelope type for a signed one)."""
    match = _REF.fullmatch(image)
    if match is None:
        raise PushFailed(f"{image!r} does not name a pushed image by digest (REGISTRY/NAME@sha256:...).")
    registry = Registry(match["host"], match["repo"], docker_config)
    subject_digest = match["digest"]
    found = registry.manifest(subject_digest)
    if found is None:
        raise PushFailed(f"The registry has no manifest {subject_digest} in {match['repo']}.")
    subject = {"mediaType": found[0], "digest": subject_digest, "size": len(found[1])}
    registry.put_blob(EMPTY)
    attached = []
    for artifact_type, data, media_type in documents:
        layer = {"mediaType": media_type, "digest": registry.put_blob(data), "size": len(data)}
        manifest = {
            "schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": artifact_type,
            "config": {"mediaType": EMPTY_TYPE, "digest": _digest(EMPTY), "size": len(EMPTY)},
            "layers": [layer], "subject": subject,
            "annotations": {"org.opencontainers.image.created": created},
        }
        body = json.dumps(manifest, sort_keys=True).encode()
        digest = _digest(body)
        response = registry.put_manifest(digest, OCI_MANIFEST, body)
        fallback = None
        if response.headers.get("OCI-Subject") != subject_digest:
            fallback = _add_to_fallback(registry, subject_digest, {
                "mediaType": OCI_MANIFEST, "digest": digest, "size": len(body), "artifactType": artifact_type,
                "annotations": manifest["annotations"]})
        attached.append(Attached(artifact_type, digest, fallback))
    return attached


def referrers(image: str, docker_config: Optional[Path] = None) -> list[dict[str, Any]]:
    """Descriptors of the documents attached to `image`: the referrers API, else the fallback tag."""
    match = _REF.fullmatch(image)
    if match is None:
        raise PushFailed(f"{image!r} does not name a pushed image by digest (REGISTRY/NAME@sha256:...).")
    registry = Registry(match["host"], match["repo"], docker_config)
    response = registry.request("GET", f"referrers/{match['digest']}", headers={"Accept": OCI_INDEX})
    if response.status_code == 200 and response.headers.get("Content-Type", "").startswith(OCI_INDEX):
        return list(response.json().get("manifests") or [])
    index = registry.manifest(referrers_tag(match["digest"]))
    return list(json.loads(index[1]).get("manifests") or []) if index else []


def fetch_document(image: str, descriptor: dict[str, Any], docker_config: Optional[Path] = None) -> bytes:
    """The one layer of a referrer manifest, checked against its digest."""
    match = _REF.fullmatch(image)
    if match is None:
        raise PushFailed(f"{image!r} does not name a pushed image by digest.")
    registry = Registry(match["host"], match["repo"], docker_config)
    found = registry.manifest(descriptor["digest"])
    if found is None:
        raise PushFailed(f"The referrer {descriptor['digest']} is gone from the registry.")
    layer = json.loads(found[1])["layers"][0]
    data = registry.check(registry.request("GET", f"blobs/{layer['digest']}"), "a blob").content
    if _digest(data) != layer["digest"]:
        raise PushFailed(f"The blob {layer['digest']} does not match its digest.")
    return data


def _add_to_fallback(registry: Registry, subject: str, descriptor: dict[str, Any]) -> str:
    tag = referrers_tag(subject)
    found = registry.manifest(tag)
    index: dict[str, Any] = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}
    if found:
        index = json.loads(found[1])
    listed = index.get("manifests")
    listed = listed if isinstance(listed, list) else []
    manifests = [m for m in listed if isinstance(m, dict) and m.get("digest") != descriptor["digest"]]
    index["manifests"] = [*manifests, descriptor]
    registry.put_manifest(tag, OCI_INDEX, json.dumps(index, sort_keys=True).encode())
    return tag


def _is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def _credentials(host: str, docker_config: Optional[Path]) -> Optional[str]:
    """base64(user:password) from the Docker config's `auths`, as `docker login` stored it."""
    folder = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker")
    path = docker_config or folder / "config.json"
    try:
        auths = json.loads(path.read_text()).get("auths") or {}
    except (OSError, ValueError):
        return None
    for key in (host, f"https://{host}", f"http://{host}"):
        entry = auths.get(key) or {}
        if isinstance(entry, dict) and entry.get("auth"):
            return str(entry["auth"])
        if isinstance(entry, dict) and entry.get("username") and entry.get("password"):
            return base64.b64encode(f"{entry['username']}:{entry['password']}".encode()).decode()
    return None
