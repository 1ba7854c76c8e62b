"""How the engine is reached: the Docker CLI's settings (DOCKER_HOST as unix://, tcp:// with TLS
or ssh://; DOCKER_TLS_VERIFY, DOCKER_CERT_PATH; Docker contexts) or the server's explicit ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import docker


def connection(base_url: Optional[str], cert_path: Optional[str], verify: bool) -> dict[str, Any]:
    """docker-py client arguments: the explicit URL and TLS folder when given (the server's
    admin settings), else what the Docker CLI would use: DOCKER_HOST, DOCKER_TLS_VERIFY,
    DOCKER_CERT_PATH, then the current Docker context (DOCKER_CONTEXT or ~/.docker/config.json)."""
    params: dict[str, Any] = {}
    if base_url:
        params["base_url"] = base_url
        if cert_path or verify:
            folder = Path(cert_path or Path.home() / ".docker")
            params["tls"] = docker.tls.TLSConfig(
                client_cert=(str(folder / "cert.pem"), str(folder / "key.pem")),
                ca_cert=str(folder / "ca.pem") if verify else None, verify=verify)
    else:
        params = docker.utils.kwargs_from_env()
        from_context = getattr(docker.context.ContextAPI, "kwargs_from_context", None)
        if "base_url" not in params and from_context is not None:  # docker-py >= 7.2
            params.update({k: v for k, v in from_context().items() if k not in params})
    # ssh:// through the system's ssh client: its config, agent and known_hosts, no paramiko
    params["use_ssh_client"] = str(params.get("base_url") or "").startswith("ssh://")
    return params


class EngineAPIClient(docker.APIClient):
    """docker-py's client, except that the engine's own CA (or no verification, when asked)
    wins over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE: requests lets those replace a session's
    CA, and corporate machines set them (psf/requests#3829)."""

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> Any:
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if verify is None and self.verify is not True:
            settings["verify"] = self.verify
        return settings


class EngineClient(docker.DockerClient):
    """docker.DockerClient on an EngineAPIClient."""

    def __init__(self, **kwargs: Any) -> None:
        self.api = EngineAPIClient(**kwargs)
