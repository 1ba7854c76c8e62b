"""Every error the pipeline raises on purpose, in one place.

Each carries the HTTP status the REST API answers with and a hint that tells the user what to do.
The server's base handler maps them to `{code, message, hint, detail, actions}`; the `hint` names no
command-line flag (the panel has none): the CLI prints `cli_hint` where one is given, and the flags
of each action.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Optional


@dataclass
class FixAction:
    """One fix the panel can apply: merge `options_patch` into the build's options and build again."""

    id: str  # what kind of fix: "repin", "matching-base", "local-image"
    label: str  # one line for a button, naming what it does
    options_patch: dict[str, Any] = field(default_factory=dict)  # BuildOptions fields (docs/rest-api.md)
    cli: str = ""  # the same fix as command-line flags: `--repin`, `--base python:3.12-slim`

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ContainerizeError(Exception):
    """Base class: a failure the user can act on."""

    status: int = 500
    code: str = "containerize-error"
    default_hint: str = ""  # shown in the panel too: no command-line flag in it
    default_cli_hint: Optional[str] = None  # the same advice with the CLI's flags, for the CLI only

    def __init__(self, message: str, hint: Optional[str] = None, detail: Optional[str] = None,
                 actions: Optional[list[FixAction]] = None, cli_hint: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint
        self.detail = detail
        self.actions: list[FixAction] = list(actions or [])
        # the hint with the CLI's flags, where it differs from `hint`
        self.cli_hint = cli_hint if cli_hint is not None else (self.default_cli_hint if hint is None else None)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "hint": self.hint, "detail": self.detail,
                "actions": [a.to_dict() for a in self.actions]}

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class InvalidRequest(ContainerizeError):
    status = 400
    code = "invalid-request"
    default_hint = "Check the request's fields against docs/rest-api.md."


class PathOutsideRoot(ContainerizeError):
    status = 400
    code = "path-outside-root"
    default_hint = "Give a path relative to the Jupyter server's root directory, without '..'."


class SecretNotAllowed(ContainerizeError):
    """A request names a file the secret policy keeps out of images (secret_files.py)."""

    status = 400
    code = "secret-file"
    default_hint = ("Pass secrets to the container when it runs (`docker run -e NAME` or `-v FILE:...`), "
                    "or include the file by name on purpose. docs/security.md lists the patterns.")
    default_cli_hint = ("Pass secrets to the container when it runs (`docker run -e NAME` or `-v FILE:...`); "
                        "--include NAME copies one on purpose. docs/security.md lists the patterns.")


class InterpreterNotAllowed(ContainerizeError):
    """A REST request names an interpreter that is neither a kernel's nor on the admin's list."""

    status = 400
    code = "interpreter-not-allowed"
    default_hint = ("Leave 'python' out to use the notebook's kernel, name the interpreter of an installed "
                    "kernel (`jupyter kernelspec list`), or ask the server's admin to add it to "
                    "c.Containerize.allowed_interpreters.")


class NotebookNotFound(ContainerizeError):
    status = 404
    code = "notebook-not-found"
    default_hint = "Check the notebook's path (through the REST API it is relative to the server's root directory)."


class InvalidNotebook(ContainerizeError):
    status = 400
    code = "invalid-notebook"
    default_hint = "Open the notebook in JupyterLab and save it again, or fix its JSON by hand."


class InvalidSpec(ContainerizeError):
    status = 400
    code = "invalid-spec"
    default_hint = (
        "Use the spec inspection returned (REST: POST /containerize/inspect), changing only the values "
        "of the fields docs/spec.md lists."
    )
    default_cli_hint = (
        "Use the spec `jupyter containerize inspect NOTEBOOK --json` (REST: POST /containerize/inspect) "
        "wrote, changing only the values of the fields docs/spec.md lists."
    )


class KernelNotFound(ContainerizeError):
    status = 404
    code = "kernel-not-found"
    default_hint = "Start the notebook's kernel, or inspect without a kernel (static analysis only)."


class InterpreterNotFound(ContainerizeError):
    status = 400
    code = "interpreter-not-found"
    default_hint = "Name the environment's python (e.g. .venv/bin/python), or start the notebook's kernel."
    default_cli_hint = "Pass --python with the path of the environment's python (e.g. .venv/bin/python)."


class ProbeFailed(ContainerizeError):
    """The environment probe could not run or did not answer in time."""

    status = 502
    code = "probe-failed"
    default_hint = "Restart the kernel and try again; inspection falls back to static analysis."


class ExecutionFailed(ContainerizeError):
    status = 422
    code = "execution-failed"


class UnsafeValue(ContainerizeError):
    """A name, version or path that must not reach a Dockerfile or a command line."""

    status = 400
    code = "unsafe-value"


class UnsafeWrite(ContainerizeError):
    """A file would be written through a link, or over something that is not a plain file."""

    status = 409
    code = "unsafe-write"
    default_hint = "Move the link or folder away, then run again."


class NotACertificate(ContainerizeError):
    """A CA bundle that does not parse as PEM certificates."""

    status = 400
    code = "not-a-certificate"
    default_hint = "Give a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)."


class HostNotAllowed(ContainerizeError):
    """A URL the server would call for a user, on a host the admin has not allowed."""

    status = 403
    code = "host-not-allowed"
    default_hint = "Ask the server's admin to add the host to c.Containerize.allowed_hosts."


# --- build, run, verify (render/, builder/, verify/) ---


class EngineUnavailable(ContainerizeError):
    status = 503
    code = "engine-unavailable"
    default_hint = (
        "Start a Docker engine (`sudo systemctl start docker`, or `dockerd &`), or point "
        "DOCKER_HOST at one (Podman: `systemctl --user start podman.socket` then "
        "DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock)."
    )


class BaseImageNotFound(ContainerizeError):
    status = 404
    code = "base-image-not-found"
    default_hint = (
        "Check the image name and tag (`docker pull IMAGE`), log in if the registry needs it "
        "(`docker login`), or build on another base image."
    )
    default_cli_hint = (
        "Check the image name and tag (`docker pull IMAGE`), log in if the registry needs it "
        "(`docker login`), or pass another --base."
    )


class PythonMismatch(ContainerizeError):
    """Pins of the lock refuse the base image's Python (their Requires-Python)."""

    status = 409
    code = "python-mismatch"


class ReleaseRefused(ContainerizeError):
    """A version the user picked does not install on the image's Python or platform (its own metadata)."""

    status = 409
    code = "release-refused"
    default_hint = "Pick another version of that package (the package table lists what the index has)."


class PinInstallFailed(ContainerizeError):
    status = 422
    code = "pin-install-failed"


class IndexNotTrusted(ContainerizeError):
    """The installer in the build did not trust the package index's TLS certificate."""

    status = 502
    code = "index-not-trusted"
    default_hint = ("Put the CA that signs it (a TLS-inspecting proxy's, a private index's) in this machine's "
                    "system store or name it in SSL_CERT_FILE where the server runs, then build again.")
    default_cli_hint = "Give that CA with --ca-bundle PEM (or name it in SSL_CERT_FILE), then build again."


class ProjectConflict(ContainerizeError):
    """Notebooks of one folder need different versions of one distribution (or of Python)."""

    status = 409
    code = "project-conflict"
    default_hint = (
        "The notebooks were inspected in different environments. Inspect them all with the one "
        "interpreter the project runs in, or build the notebooks one by one."
    )
    default_cli_hint = (
        "The notebooks were inspected in different environments. Inspect them all with the one "
        "interpreter the project runs in (--python PATH), or build the notebooks one by one."
    )


class BuildFailed(ContainerizeError):
    status = 500
    code = "build-failed"
    default_hint = "Read the build log; the build context's download has the Dockerfile to look at."
    default_cli_hint = "Read the build log; `--context-only DIR` writes the Dockerfile to look at."


class EnvironmentCheckFailed(BuildFailed):
    """The installed environment is not what its labels would say: it is neither committed nor labelled."""

    code = "environment-check-failed"
    default_hint = ("Read the build log above the check: the step that failed to install is there. "
                    "Build again once the cause (network, disk, index) is gone.")


class DiskFull(ContainerizeError):
    status = 507
    code = "disk-full"
    default_hint = (
        "Free space for the engine: `jupyter containerize prune --dry-run` shows the environment images "
        "builds left (then without --dry-run to remove them); `docker system prune` removes stopped "
        "containers, unused images and the build cache."
    )


class BuildCancelled(ContainerizeError):
    status = 409
    code = "build-cancelled"
    default_hint = "Start the build again when you are ready; finished layers are reused."


class BuildFinished(ContainerizeError):
    """DELETE on a build that already ended: nothing to cancel; the answer carries its status."""

    status = 409
    code = "build-finished"
    default_hint = "Nothing to cancel; read the build with GET /containerize/builds/ID."

    def __init__(self, message: str, build_status: str, hint: Optional[str] = None):
        super().__init__(message, hint)
        self.build_status = build_status

    def to_dict(self) -> dict:  # type: ignore[override]
        return {**super().to_dict(), "status": self.build_status}


class BuildNotFound(ContainerizeError):
    status = 404
    code = "build-not-found"
    default_hint = "List builds with GET /containerize/builds."


class PushFailed(ContainerizeError):
    status = 502
    code = "push-failed"
    default_hint = "Check the tag names a registry you can write to, and log in with `docker login REGISTRY`."


class SigningFailed(ContainerizeError):
    status = 422
    code = "signing-failed"
    default_hint = ("Give a PEM private key (Ed25519 or ECDSA P-256, unencrypted) readable by the server "
                    "(c.Containerize.signing_key) or the CLI (--sign-key / $CONTAINERIZE_SIGNING_KEY), and "
                    "install `cryptography` (pip install 'jupyterlab-containerize[sign]').")


class VerifyFailed(ContainerizeError):
    """`report`: the verify report as JSON data (verify/report.py's; a project's: per notebook), None
    when no cell ran to a verdict. The REST error carries it, as JSON text, in `detail`."""

    status = 422
    code = "verify-failed"
    default_hint = (
        "Run the image's notebook yourself (`docker run --rm -it IMAGE bash`) to see why the cell "
        "fails; data files the notebook reads may need to be added, or network access is needed."
    )

    def __init__(self, message: str, hint: Optional[str] = None, detail: Optional[str] = None,
                 report: Optional[dict[str, Any]] = None):
        super().__init__(message, hint, detail)
        self.report = report

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.report is not None:
            data["detail"] = json.dumps(self.report)
        return data


# --- share: Binder files and launch links (share/) ---


class BinderFilesExist(ContainerizeError):
    """Binder files already exist with other content; `payload` holds the diff and the would-be files."""

    status = 409
    code = "binder-files-exist"
    default_hint = "Read the diff; write them again with overwriting allowed (REST: force: true) to replace them."
    default_cli_hint = "Read the diff; run again with --force (REST: force: true) to overwrite them."

    def __init__(self, message: str, hint: Optional[str] = None, detail: Optional[str] = None,
                 payload: Optional[dict] = None):
        super().__init__(message, hint, detail)
        self.payload = payload or {}

    def to_dict(self) -> dict:  # type: ignore[override]
        return {**self.payload, **super().to_dict()}


class BinderConflict(ContainerizeError):
    """The binder folder holds files that would make repo2docker ignore the ones we write."""

    status = 409
    code = "binder-conflict"


class ImageNotPinned(ContainerizeError):
    status = 400
    code = "image-not-pinned"
    default_hint = (
        "Give the image by digest, e.g. registry.example.org/team/analysis@sha256:<64 hex>: push it "
        "(`docker push IMAGE`, or build with push on), then read the digest with "
        "`docker inspect --format '{{index .RepoDigests 0}}' IMAGE`."
    )


class RemoteNotSupported(ContainerizeError):
    status = 400
    code = "remote-not-supported"
    default_hint = (
        "Push the repository to a public git host (GitHub, GitLab, or any https git server) and "
        "add it as a remote: `git remote add origin https://github.com/OWNER/REPO.git`."
    )


class RepositoryOutsideRoot(ContainerizeError):
    """/binder would write into a git repository whose top folder is above the server's root."""

    status = 400
    code = "repository-outside-root"
    default_hint = ("Start Jupyter from the repository's folder (or above it), or run "
                    "`jupyter containerize binder NOTEBOOK` in a terminal.")


class GitFailed(ContainerizeError):
    status = 500
    code = "git-failed"
    default_hint = "Run the git command shown in the message yourself to see why it fails."


# --- share: BinderHub's build API (share/binderhub.py) ---


class NoLaunchLink(ContainerizeError):
    """No repository, remote or commit: BinderHub has nothing it could clone."""

    status = 409
    code = "no-launch-link"
    default_hint = "Commit the notebook and the binder files, push them to a public remote, then try again."


class BinderHubUnreachable(ContainerizeError):
    status = 502
    code = "binderhub-unreachable"
    default_hint = (
        "Check the BinderHub's base URL and that this machine reaches it "
        "(a proxy is read from HTTPS_PROXY, a CA bundle from REQUESTS_CA_BUNDLE)."
    )
    default_cli_hint = (
        "Check the BinderHub's base URL (--binderhub, REST binderhub_url) and that this machine reaches it "
        "(a proxy is read from HTTPS_PROXY, a CA bundle from REQUESTS_CA_BUNDLE)."
    )


class BinderHubTimeout(ContainerizeError):
    status = 504
    code = "binderhub-timeout"
    default_hint = "Give the build more time (REST: timeout), or try again later."
    default_cli_hint = "Give the build more time (--timeout SECONDS, REST timeout), or try again later."


class BinderHubBuildFailed(ContainerizeError):
    """BinderHub's stream ended in `failed`; the message is BinderHub's own."""

    status = 502
    code = "binderhub-build-failed"
    default_hint = "Read BinderHub's log above; fix the binder/ files, commit, push, then try again."
