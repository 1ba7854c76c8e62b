"""The user's tag moves only when everything asked of the image passed.

The image is built under NAME:TAG-unverified, verified there, and only then tagged NAME:TAG (and
pushed, saved). A failed verify or a cancel leaves NAME:TAG on the image it named before; the new
image stays under NAME:TAG-unverified so it can be run and looked at (`docker run` it, see the
failing cell). A tag rather than a bare image id: an untagged image is "dangling", the first
`docker image prune` removes it, and nobody can name it in a command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from ..builder.engine import Engine
from ..errors import ContainerizeError, PushFailed, VerifyFailed
from ..evidence.build_step import attach_evidence
from ..image_ref import split_image_ref
from ..options import BuildOptions
from .progress import Emit, Progress
from .result import BuildResult

SUFFIX = "-unverified"
TAG_MAX = 128  # Docker's limit on the part after the colon


def staging_tag(tag: str) -> str:
    repo, name_tag = split_image_ref(tag)
    name_tag = name_tag or "latest"  # a staging tag is made for a tag, never a digest
    return f"{repo}:{name_tag[:TAG_MAX - len(SUFFIX)]}{SUFFIX}"


@dataclass
class Staged:
    tag: str  # what the user asked for
    staging: str  # where the new image is until it passed
    previous_id: Optional[str]  # what `tag` named before this build, if anything
    image_id: str = ""

    def kept(self) -> dict[str, Any]:
        """Where the new image is, for an error's JSON."""
        return {"kept_image": self.staging if self.image_id else None, "kept_image_id": self.image_id or None,
                "tag": self.tag, "tag_image_id": self.previous_id}

    def explain(self, err: ContainerizeError) -> ContainerizeError:
        """The error, saying that the tag did not move and where the new image is."""
        before = (f"{self.tag} still names the image it named before ({_short(self.previous_id)})"
                  if self.previous_id else f"{self.tag} was not created")
        kept = (f"; the new image is kept as {self.staging} ({_short(self.image_id)})" if self.image_id else "")
        hint = err.hint or ""
        if isinstance(err, VerifyFailed) and self.image_id and hint == VerifyFailed.default_hint:
            # the default names IMAGE and `bash` as the command, which a batch image takes as its notebook
            hint = (f"Look inside it: `docker run --rm -it --entrypoint sh {self.staging}`; data files the "
                    "notebook reads may need to be added, or network access is needed.")
        err.hint = f"{before}{kept}. {hint}".strip()
        err.kept = self.kept()  # type: ignore[attr-defined]  # read by kept_of()
        return err


def stage(engine: Engine, tag: str) -> Staged:
    return Staged(tag=tag, staging=staging_tag(tag), previous_id=image_id_of(engine, tag))


def promote(engine: Engine, staged: Staged) -> None:
    """Everything passed: the user's tag onto the new image, the staging name off it."""
    engine.tag(staged.image_id, staged.tag)
    engine.untag(staged.staging)


def demote(engine: Engine, staged: Staged) -> None:
    """What was asked after tagging (push, export) failed: the tag back where it was, the new image
    under its staging name again."""
    engine.tag(staged.image_id, staged.staging)
    if staged.previous_id:
        engine.tag(staged.previous_id, staged.tag)
    else:
        engine.untag(staged.tag)


def publish(engine: Engine, staged: Staged, result: BuildResult, options: BuildOptions, progress: Progress,
            emit: Emit) -> None:
    """Every check passed: the tag onto the new image, then push and export; a push or export that
    fails puts the tag back where it was."""
    promote(engine, staged)
    emit("log", f"Tagged {staged.tag}" + (f" (it named {staged.previous_id[:19]} before)"
                                          if staged.previous_id and staged.previous_id != staged.image_id else ""))
    try:
        if options.push:
            progress.step("push", 1, f"push: {staged.tag}")
            result.digest = engine.push(staged.tag, lambda line: _push_line(line, emit)) or result.digest
            if result.digest:
                _attach(result, emit, options.signing_key)
        if options.export:
            progress.step("push", 2 if options.push else 1, f"export: saving {staged.tag} to {options.export}")
            engine.save(staged.tag, Path(options.export))
            result.export = options.export
    except ContainerizeError as err:
        demote(engine, staged)
        raise staged.explain(err) from None


def _attach(result: BuildResult, emit: Emit, signing_key: Optional[str]) -> None:
    """The image is pushed either way: a registry that refuses the attachments is a warning."""
    emit("log", f"Attaching the provenance and the SBOM to {result.digest}")
    try:
        attached = attach_evidence(str(result.digest), result.provenance, result.sbom, signing_key)
    except PushFailed as err:
        warning = f"the provenance and SBOM were not attached in the registry: {err.message}"
        emit("log", f"warning: {warning}")
        result.warnings.append(warning)
        return
    result.provenance = attached["provenance"]
    result.provenance_envelope = attached.get("provenance_envelope", result.provenance_envelope)
    result.referrers = attached["referrers"]


def _push_line(line: dict[str, Any], emit: Emit) -> None:
    if line.get("status") in ("Pushed", "Layer already exists") or "aux" in line:
        emit("log", f"{line.get('id', '')} {line.get('status', '')}".strip())


def image_id_of(engine: Engine, ref: str) -> Optional[str]:
    try:
        return engine.image_info(ref).id
    except Exception:  # the engine's own not-found error: nothing under that name yet
        return None


def kept_of(err: BaseException) -> dict[str, Any]:
    kept = getattr(err, "kept", None)
    return dict(kept) if isinstance(kept, dict) else {}


def _short(image_id: Optional[str]) -> str:
    return (image_id or "").replace("sha256:", "")[:12] or "?"
