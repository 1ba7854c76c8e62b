"""share_binder: spec + notebook -> binder files written (or refused with a diff) + a pinned link."""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..confine import confine, relative_posix
from ..errors import BinderFilesExist
from ..secret_files import DEFAULT_POLICY, SecretPolicy
from ..spec import EnvironmentSpec
from . import git
from .binder_files import binder_folder, plan_binder
from .launch import Launch, LaunchTarget, launch_target, pinned_launch
from .link import binderhub_base
from .writer import FileChange, compare, write_files


@dataclass
class BinderOptions:
    binderhub_url: Optional[str] = None
    provider: Optional[str] = None  # gh, gl, git, gist; default: from the remote's host
    remote: Optional[str] = None  # default: the branch's upstream remote, else origin
    force: bool = False
    dry_run: bool = False
    from_image: Optional[str] = None  # IMAGE@sha256:... for a Dockerfile that pulls
    server_root: Optional[Path] = None  # the Jupyter server's root (REST): nothing is written above it
    secret_policy: SecretPolicy = DEFAULT_POLICY  # the server's (the admin's patterns too), set by its handler


@dataclass
class BinderResult:
    repo_root: str
    in_repo: bool
    binder_dir: str  # relative to repo_root
    files: list[FileChange]
    written: bool
    diff: str
    launch: Launch
    provider: Optional[str] = None
    remote: Optional[str] = None  # the clone URL, without credentials
    warnings: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["files"] = [f.to_dict() for f in self.files]
        launch = data.pop("launch")
        data.update(commit=launch["commit"], url=launch["url"], badge_markdown=launch["badge_markdown"],
                    badge_rst=launch["badge_rst"])
        return data


def share_binder(notebook: Path, spec: EnvironmentSpec, options: BinderOptions) -> BinderResult:
    """Write the binder files (never over different content without `force`) and pin the link.
    `notebook` may be a project's folder, with the union spec of its notebooks: the link opens the folder."""
    notebook = Path(notebook).resolve()
    base = binderhub_base(options.binderhub_url)
    repo = git.repo_root_within(folder_of(notebook), options.server_root)
    root = repo or folder_of(notebook)
    target = launch_target(root, options.remote, options.provider) if repo else LaunchTarget()
    # gists hold no folders: their files go at the top level, which repo2docker reads too
    binder_dir = root if target.provider == "gist" else binder_folder(root)
    confine(root, relative_posix(binder_dir, root), root, where="the repository")  # binder/ may not link out
    plan = plan_binder(spec, root, binder_dir, notebook, options.from_image, secret_policy=options.secret_policy)
    shown = relative_posix(binder_dir, root)
    changes = compare(binder_dir, "" if shown == "." else shown, plan.files)
    conflicts = [c for c in changes if c.status == "changed"]
    refused = bool(conflicts) and not options.force
    to_write = {name: text for (name, text), c in zip(plan.files.items(), changes) if c.status != "unchanged"}
    written = bool(to_write) and not refused and not options.dry_run
    if written:
        write_files(binder_dir, to_write)
    notebook_path = launch_path(notebook, root)
    needed = plan.needed_paths + [c.path for c in changes]
    launch = pinned_launch(root, target, base, notebook_path, needed, options.secret_policy) if repo else Launch()
    result = BinderResult(
        repo_root=str(root), in_repo=repo is not None, binder_dir=shown, files=changes, written=written,
        diff="".join(c.diff for c in conflicts), launch=launch, provider=target.provider,
        remote=target.remote.clone_url if target.remote else None,
        warnings=[*plan.warnings, *target.warnings, *launch.warnings],
        next_steps=[*target.next_steps, *launch.next_steps])
    if repo is None:
        result.warnings.append("The notebook is in no git repository, so there is no link yet.")
        result.next_steps += gist_steps(base, notebook.name, shown, list(plan.files))
    elif to_write and not refused and not options.dry_run:
        result.next_steps.insert(0, _commit_step(shown, notebook_path))
    if refused:
        raise BinderFilesExist(
            f"{len(conflicts)} binder file(s) exist with other content: "
            + ", ".join(c.path for c in conflicts) + ". Nothing was written.",
            detail=result.diff, payload=result.to_dict())
    return result


def folder_of(path: Path) -> Path:
    """Where a notebook lies, or a project's folder itself."""
    return path if path.is_dir() else path.parent


def launch_path(path: Path, root: Path) -> str:
    """The notebook's (or project folder's) path in the repository, as lab/tree/ takes it."""
    relative = relative_posix(path, root)
    return "" if relative == "." else relative


def _commit_step(shown: str, notebook_path: str) -> str:
    paths = f"{shlex.quote(shown)} {shlex.quote(notebook_path or '.')}"
    return (f"git add {paths} && git commit -m 'Binder environment' && git push, then "
            "run this again: the link must point at the commit that holds these files.")


def gist_steps(base: str, notebook_name: str, shown: str, names: list[str]) -> list[str]:
    """How to share a notebook that lives in no repository: a gist, with the files at its top."""
    files = ", ".join(f"{shown}/{n}" for n in names) or "the binder files"
    return [
        f"Create a public gist at https://gist.github.com/ with {notebook_name} and {files} "
        "(gists hold no folders: add those files at the gist's top level).",
        "Copy the gist's latest revision SHA (its Revisions tab, or `git ls-remote "
        "https://gist.github.com/GIST_ID.git HEAD`).",
        f"Share {base}/v2/gist/USER/GIST_ID/REVISION_SHA?urlpath=lab/tree/{notebook_name} "
        "(or `git clone` the gist and run this command in it for the link).",
    ]
