"""`jupyter containerize build NOTEBOOK|FOLDER`: inspect, render, build, then verify / push / export.
A folder is a project: its notebooks in one image, with one environment (pipeline/project.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Optional

from ..errors import InvalidRequest, NotebookNotFound, VerifyFailed
from ..inspect.notebook_source import load_notebook
from ..inspect.spec_edits import prepare_edited_spec
from ..layout import SERVE_PORT
from ..options import VERIFY_TIMEOUT_RANGE, BuildOptions
from ..pipeline.portable import render_portable_context
from ..pipeline.project import Project, check_project_options, inspect_project
from ..pipeline.publish import kept_of
from ..redact import redact, redact_value
from ..safe_write import make_dirs, write_bytes, write_text
from ..secret_files import DEFAULT_POLICY
from ..spec import EnvironmentSpec
from .inputs import read_spec_file, whole_seconds
from .inspect_cmd import add_static_arguments, static_choices


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "build", help="Build the notebook and its environment into an image.",
        description="Build the notebook and the environment it ran in into an image, "
        "then optionally verify it (run it inside the image), push it or save it as a tar.",
    )
    parser.add_argument("notebook", type=Path,
                        help="the .ipynb file, or a folder: every notebook in it, one environment, one image")
    parser.add_argument("--target", choices=("notebook", "batch", "serve"), default="notebook",
                        help="notebook: JupyterLab on 8888; batch: run headless with parameters; "
                        f"serve: an HTTP service on {SERVE_PORT} (POST /run), see docs/serve.md")
    parser.add_argument("--k8s", type=Path, metavar="DIR",
                        help="with --target serve or batch: also write Kubernetes manifests for the image "
                        "to DIR (serve: Deployment, Service; batch: Job, CronJob, PVC)")
    parser.add_argument("--k8s-token-secret", metavar="SECRET",
                        help="with --k8s: require a bearer token, mounted from this Secret's key `token`")
    parser.add_argument("--kserve", action="store_true",
                        help="with --k8s and --target serve: also write DIR/kserve/inferenceservice.yaml")
    parser.add_argument("--schedule", default="0 * * * *", metavar="CRON",
                        help="with --k8s and --target batch: the CronJob's schedule (default hourly)")
    parser.add_argument("--tag", help="image tag (default: NOTEBOOK-NAME:TARGET)")
    parser.add_argument("--base", metavar="IMAGE",
                        help="base image with a python3 (default: python:X.Y-slim of the kernel)")
    parser.add_argument("--python", metavar="PATH",
                        help="the interpreter of the environment to pin")
    parser.add_argument("--gpu", default="auto", metavar="none|auto|cuda[:X.Y]",
                        help="how the image gets CUDA: auto follows the kernel (default); see docs/gpu.md")
    parser.add_argument("--cpu-wheels", action="store_true",
                        help="a CPU image takes PyTorch's CPU wheels: no CUDA libraries, a much smaller image")
    parser.add_argument("--spec", type=Path, metavar="FILE",
                        help="use this spec (from `inspect --json`) instead of inspecting")
    parser.add_argument("--context-only", type=Path, metavar="DIR",
                        help="write the build context to DIR and print the Dockerfile; no build")
    parser.add_argument("--verify", action="store_true",
                        help="run the notebook in the image (network off) and compare its outputs")
    parser.add_argument("--repair", action="store_true",
                        help="verify, and when a cell fails where the saved notebook did not, change the "
                        "environment (add a missing package, step a package back or forward) and build again")
    parser.add_argument("--repair-rounds", type=int, default=3, metavar="N",
                        help="with --repair: at most N rebuilds (default 3)")
    parser.add_argument("--verify-timeout", type=whole_seconds(*VERIFY_TIMEOUT_RANGE), default=120, metavar="S",
                        help="seconds each cell may take when verifying (default 120)")
    parser.add_argument("--push", action="store_true",
                        help="push the tag (credentials from your Docker config)")
    parser.add_argument("--export", metavar="TAR", help="save the image to a tar (docker save)")
    parser.add_argument("--sign-key", metavar="PEM", default=os.environ.get("CONTAINERIZE_SIGNING_KEY") or None,
                        help="sign the provenance with this private key (Ed25519 or ECDSA P-256): a DSSE envelope "
                        "beside it, and the one attached with --push (default $CONTAINERIZE_SIGNING_KEY)")
    parser.add_argument("--evidence", type=Path, metavar="DIR",
                        help="write NAME.sbom.cdx.json and NAME.provenance.intoto.json to DIR (default: "
                        "beside the notebook); `verify-image` checks them")
    parser.add_argument("--repin", action="store_true",
                        help="re-resolve pins that refuse the base's Python instead of stopping")
    parser.add_argument("--include", action="append", default=[], metavar="PATH",
                        help="add a file or folder beside the notebook (even a secret-looking one)")
    parser.add_argument("--allow-secret-file", action="append", default=[], metavar="PATH",
                        help="a file the secret detector flagged that holds no secret: copy it anyway "
                        "(recorded in the spec's allowed_secret_files)")
    parser.add_argument("--index-url", help="package index for the build (may hold credentials)")
    parser.add_argument("--extra-index-url", help="an extra package index for the build")
    parser.add_argument("--ca-bundle", metavar="PEM",
                        help="CA bundle to trust during the build (default: the host's, if set)")
    parser.add_argument("--no-host-ca", action="store_true", help="do not use the host's CA bundle")
    parser.add_argument("--keep-ca", action="store_true",
                        help="also trust the CA bundle in the final image")
    parser.add_argument("--env", choices=("reuse", "minimal"), default="reuse", dest="environment",
                        help="reuse (default): build FROM an environment image that already holds every pin "
                        "(a project's), only the notebook's layers are new; minimal: this lock alone")
    parser.add_argument("--package-cache-max-gb", type=float, metavar="GB",
                        help="the engine's package cache volume is cleared past this size (default: "
                        "$CONTAINERIZE_PACKAGE_CACHE_MAX_GB, else 10; 0 turns it off)")
    parser.add_argument("--no-cache", action="store_true",
                        help="build everything from nothing: every layer, the environment, every package download")
    parser.add_argument("--quiet", "-q", action="store_true", help="print steps, not build logs")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    add_static_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    notebook = Path(args.notebook).resolve()
    if not notebook.is_file() and not notebook.is_dir():
        raise NotebookNotFound(f"No notebook or folder at {args.notebook}.")
    options = options_from_args(args)
    if args.k8s:  # checked before the build: a mistake here must not cost one
        from ..deploy import check_k8s_request

        check_k8s_request(options.target, args.schedule)
    project = load_project(args, notebook, options) if notebook.is_dir() else None
    spec = project.spec if project else load_spec(args, notebook)
    spec.allowed_secret_files = list(dict.fromkeys([*spec.allowed_secret_files, *args.allow_secret_file]))
    if args.context_only:
        return write_context_only(spec, notebook, options, args.context_only)
    from ..builder.engines import make_engine
    from ..pipeline.build import run_build
    from ..pipeline.run import BuildRequest

    engine = make_engine()
    printer = EventPrinter(quiet=args.quiet or args.json)
    with tempfile.TemporaryDirectory(prefix="containerize-") as workdir:
        try:
            result = run_build(BuildRequest(notebook, options, spec, project=project), engine, printer,
                               threading.Event(), Path(workdir))
        except VerifyFailed as err:
            if args.json:  # scripts need the per-cell report most when verify fails
                error = {**err.to_dict(), **kept_of(err)}  # the tag did not move; where the new image is
                print(json.dumps(redact_value({"error": error, "verify": err.report}), indent=2))
            raise
    if result.get("repaired_spec"):
        result["repaired_spec_file"] = write_repaired_spec(notebook, result.pop("repaired_spec"))
    result.update(write_evidence(notebook, result, args.evidence))
    if args.k8s:
        result["k8s"] = write_k8s(spec, result["image"], args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_result(result)
    return 0


def write_repaired_spec(notebook: Path, spec: dict[str, Any]) -> str:
    """Beside the notebook, for `build --spec FILE` or `lock`: the environment that verified."""
    path = notebook.with_name(f"{notebook.stem}.repaired-spec.json")
    write_text(path, json.dumps(spec, indent=2) + "\n")
    return str(path)


def write_evidence(notebook: Path, result: dict[str, Any], folder: Optional[Path]) -> dict[str, str]:
    """The SBOM and the provenance, beside the notebook (or in --evidence DIR): a reviewer's files."""
    from ..evidence import provenance, sbom

    stem = notebook.name if notebook.is_dir() else notebook.stem
    where = Path(folder) if folder else notebook.parent
    make_dirs(where)
    written = {}
    for key, suffix, to_bytes in (("sbom", "sbom.cdx.json", sbom.to_bytes),
                                  ("provenance", "provenance.intoto.json", provenance.to_bytes),
                                  ("provenance_envelope", "provenance.dsse.json", provenance.to_bytes)):
        if result.get(key):
            path = where / f"{stem}.{suffix}"
            write_bytes(path, to_bytes(result.pop(key)))
            written[f"{key}_file"] = str(path)
    return written


def write_k8s(spec: EnvironmentSpec, image: str, args: argparse.Namespace) -> list[str]:
    from ..deploy import manifest_files, write_files

    files = manifest_files(args.target, spec, image, Path(args.notebook), kserve=args.kserve,
                           token_secret=args.k8s_token_secret, schedule=args.schedule)
    paths = write_files(files, Path(args.k8s))
    for path in paths:
        print(f"  wrote {path}", file=sys.stderr)
    return [str(p) for p in paths]


def options_from_args(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        target=args.target, tag=args.tag, base_image=args.base, python=args.python,
        verify=args.verify, verify_timeout=args.verify_timeout, push=args.push,
        export=args.export, repin=args.repin, include=args.include, index_url=args.index_url,
        extra_index_url=args.extra_index_url, ca_bundle=args.ca_bundle,
        use_host_ca=not args.no_host_ca, keep_ca=args.keep_ca, no_cache=args.no_cache,
        environment=args.environment, package_cache_max_gb=args.package_cache_max_gb, gpu=args.gpu,
        cpu_wheels=args.cpu_wheels, repair=args.repair, repair_rounds=args.repair_rounds,
        signing_key=args.sign_key,
    )


def load_project(args: argparse.Namespace, folder: Path, options: BuildOptions) -> Project:
    """Every notebook of the folder inspected with the same interpreter (--python, else the kernel
    spec's), merged into one spec."""
    from ..inspect import inspect_notebook

    check_project_options(options.target, options.repair, args.spec is not None)
    if args.context_only or args.k8s:
        raise InvalidRequest("--context-only and --k8s take one notebook, not a folder.")
    choices = static_choices(args)
    return inspect_project(folder, lambda nb: inspect_notebook(nb, python=args.python, static_choices=choices,
                                                               secret_policy=DEFAULT_POLICY),
                           EventPrinter(quiet=args.quiet or args.json))


def load_spec(args: argparse.Namespace, notebook: Path) -> EnvironmentSpec:
    if args.spec:
        load_notebook(notebook)  # nothing inspects it then: a broken notebook must stop here, not mid-build
        spec = read_spec_file(args.spec)
        prepare_edited_spec(spec, args.index_url)  # what only a removed package needed goes, picked versions checked
        return spec
    from ..inspect import inspect_notebook

    return inspect_notebook(notebook, python=args.python, static_choices=static_choices(args),
                            secret_policy=DEFAULT_POLICY)


def write_context_only(spec: EnvironmentSpec, notebook: Path, options: BuildOptions,
                       directory: Path) -> int:
    portable = render_portable_context(spec, notebook, options, directory)
    print(f"GPU: {portable.gpu_reason}", file=sys.stderr)
    print(portable.context.dockerfile, end="")
    for warning in portable.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Context written to {directory}; build it with: docker build -t TAG {directory}",
          file=sys.stderr)
    return 0


class EventPrinter:
    """The pipeline's `emit`: steps always, logs unless quiet; on stderr (stdout is for --json)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet

    def __call__(self, kind: str, message: str, step: Optional[int] = None,
                 total: Optional[int] = None, data: Optional[dict[str, Any]] = None) -> None:
        message = redact(message)  # tools echo index and proxy URLs with their passwords
        if kind == "step":
            print(f"[{step}/{total}] {message.split(' : ', 1)[-1]}", file=sys.stderr)
        elif kind in ("verify", "error") or not self.quiet and kind == "log":
            print(f"  {message}", file=sys.stderr)


def print_verify(report: dict[str, Any], where: str) -> None:
    cells = report["cells"]
    same = sum(1 for c in cells if c["output_match"])
    mismatched = report.get("mismatched_cells") or [i + 1 for i in report["mismatched"]]
    differ = f"; outputs differ in cells {', '.join(map(str, mismatched))}" if mismatched else ""
    print(f"Verify    {where}{len(cells)} code cells passed; {same} with the same outputs{differ}")


def print_result(result: dict[str, Any]) -> None:
    size = result.get("size_text") or f"{result['size'] / 1e6:.0f} MB"
    print(f"Image     {result['image']}  ({size}, {result['image_id'][:19]})")
    print(f"Base      {result['base_image']} (Python {result['base_python']})")
    if result.get("digest"):
        print(f"Digest    {result['digest']}")
    if result.get("export"):
        print(f"Saved     {result['export']}")
    if result.get("sbom_file"):
        print(f"SBOM      {result['sbom_file']}")
    if result.get("provenance_file"):
        attached = " (attached in the registry)" if result.get("referrers") else ""
        signed = f", signed: {result['provenance_envelope_file']}" if result.get("provenance_envelope_file") else ""
        print(f"Provenance {result['provenance_file']}{attached}{signed}")
    environment = result.get("environment") or {}
    if environment.get("how") == "reused":
        print(f"Env       reused {environment['image']} (+{environment['extra']} distributions)")
    if result.get("notebooks"):
        print(f"Notebooks {len(result['notebooks'])}: {', '.join(result['notebooks'][:6])}"
              + (" ..." if len(result["notebooks"]) > 6 else ""))
    verify = result.get("verify")
    if verify and "notebooks" in verify:
        for name, report in verify["notebooks"].items():
            print_verify(report, f"  {name}: ")
    elif verify:
        print_verify(verify, "")
    for change in result.get("repairs") or []:
        print(f"Repaired  {change['package']} {change['change']} "
              f"{change['before'] or ''} -> {change['after'] or ''}: {change['why']}")
    if result.get("repaired_spec_file"):
        print(f"Spec      {result['repaired_spec_file']} (the environment that verified)")
    print(f"Run       {result['run_command']}")
