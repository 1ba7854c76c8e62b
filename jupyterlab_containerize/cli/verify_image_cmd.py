"""`jupyter containerize verify-image IMAGE [NOTEBOOK]`: check an image against the notebook and the
lock it claims to come from (evidence/verify_image.py). One line a check; exit 1 on a mismatch."""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
from pathlib import Path
from typing import Any, Optional

from ..errors import BaseImageNotFound, ContainerizeError, NotebookNotFound
from ..evidence import verify_image as checks
from ..evidence.signing import unwrap
from ..evidence.verify_image import Check


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "verify-image", help="Check an image against its notebook, lock, SBOM and provenance.",
        description="Check an image's OCI annotations, its SBOM against the lock (--lock, else the notebook's "
        "own), the notebook's bytes, its provenance (--provenance FILE, else the one attached in its registry) "
        "and, with --rebuild, its layers rebuilt from nothing and compared by digest. Exit 1 on a mismatch.")
    parser.add_argument("image", help="the image: a local tag or id, or REGISTRY/NAME@sha256:... (pulled)")
    parser.add_argument("notebook", type=Path, nargs="?", help="the .ipynb file it claims to hold")
    parser.add_argument("--lock", type=Path, metavar="FILE",
                        help="requirements (name==version lines), a spec (inspect --json) or a notebook with a lock")
    parser.add_argument("--provenance", type=Path, metavar="FILE", help="the provenance the build wrote")
    parser.add_argument("--trusted-key", type=Path, metavar="PEM",
                        help="the public key the provenance must be signed with (a DSSE envelope)")
    parser.add_argument("--rebuild", action="store_true",
                        help="build the notebook again from nothing (its lock, the image's base) and compare layers")
    parser.add_argument("--spec", type=Path, metavar="FILE", help="with --rebuild: the spec to build from")
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    from ..builder.engines import make_engine

    notebook = Path(args.notebook).resolve() if args.notebook else None
    if notebook is not None and not notebook.is_file():
        raise NotebookNotFound(f"No notebook at {args.notebook}.")
    engine = make_engine()
    info = _image(engine, args.image)
    sbom_doc, env_doc, files = checks.image_documents(engine, args.image, info)
    lock, where = _lock(args.lock, notebook)
    statement, provenance_note = _provenance(args.provenance, info)
    notebook_sha = None
    if notebook is not None:
        import hashlib

        notebook_sha = hashlib.sha256(notebook.read_bytes()).hexdigest()
    results = [checks.check_labels(info), checks.check_sbom(sbom_doc, env_doc, info),
               checks.check_lock(sbom_doc, lock, where), checks.check_notebook(info, files, notebook)]
    found = checks.check_provenance(unwrap(statement) if statement else None, info, notebook_sha)
    if statement is None and provenance_note:
        found = Check("provenance", "skipped", provenance_note)
    results += [found, checks.check_signature(statement, args.trusted_key)]
    if args.rebuild:
        results.append(_rebuild(engine, info, notebook, args.spec))
    else:
        results.append(Check("layers", "skipped", "not rebuilt (--rebuild builds it again and compares)"))
    if args.json:
        print(json.dumps({"image": args.image, "checks": [c.to_dict() for c in results]}, indent=2))
    else:
        for check in results:
            print(check.line())
    return 1 if any(c.status == "mismatch" for c in results) else 0


def _image(engine: Any, ref: str) -> Any:
    try:
        return engine.image_info(ref)
    except Exception:  # not here: a registry reference is pulled, anything else fails with the engine's word
        try:
            engine.ensure_image(ref, lambda line: None)
        except BaseImageNotFound as err:
            raise BaseImageNotFound(err.message.replace("The base image", "The image", 1),
                                    hint="Name a local image (`docker images`) or one you can pull, such as "
                                    "REGISTRY/NAME@sha256:... (`docker login REGISTRY` first).") from err
        return engine.image_info(ref)


def _lock(path: Optional[Path], notebook: Optional[Path]) -> tuple[Optional[dict[str, str]], str]:
    if path is not None:
        return checks.read_pins(path), path.name
    if notebook is not None:
        try:
            pins = checks.read_pins(notebook)
        except ContainerizeError:  # a notebook with no lock in it
            return None, ""
        return (pins, f"{notebook.name}'s lock") if pins else (None, "")
    return None, ""


def _provenance(path: Optional[Path], info: Any) -> tuple[Optional[dict[str, Any]], str]:
    if path is not None:
        return json.loads(path.read_text()), ""
    if not info.digest:
        return None, "none given (--provenance FILE), and the image was never pushed or pulled"
    from ..evidence.provenance import MEDIA_TYPE
    from ..evidence.referrers import fetch_document, referrers

    try:
        attached = [d for d in referrers(info.digest) if d.get("artifactType") == MEDIA_TYPE]
        if not attached:
            return None, f"none given (--provenance FILE), and none attached to {info.digest}"
        return json.loads(fetch_document(info.digest, attached[-1])), ""
    except (ContainerizeError, ValueError) as err:
        return None, f"none given, and the registry's could not be read: {getattr(err, 'message', err)}"


def _rebuild(engine: Any, info: Any, notebook: Optional[Path], spec_file: Optional[Path]) -> Check:
    if notebook is None:
        return Check("layers", "skipped", "--rebuild needs the notebook")
    from ..inspect import inspect_notebook
    from ..options import BuildOptions
    from ..pipeline.run import BuildRequest, run_pipeline
    from ..secret_files import DEFAULT_POLICY
    from .inputs import read_spec_file

    labels = info.labels
    spec = read_spec_file(spec_file) if spec_file else inspect_notebook(notebook, secret_policy=DEFAULT_POLICY)
    options = BuildOptions(target=labels.get("io.jupyter.containerize.target", "notebook"),
                           base_image=labels.get("org.opencontainers.image.base.name"),
                           tag=f"localhost/containerize-verify/{info.id.split(':')[-1][:12]}:rebuild",
                           environment="minimal", no_cache=True)
    with tempfile.TemporaryDirectory(prefix="containerize-verify-") as workdir:
        result = run_pipeline(BuildRequest(notebook, options, spec), engine, lambda *a, **k: None,
                              threading.Event(), Path(workdir))
    return checks.check_layers(info, engine.image_info(result.tag))
