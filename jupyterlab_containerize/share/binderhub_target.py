"""What BinderHub should build for a notebook: its repository's remote and provider, pinned to HEAD."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..confine import relative_posix
from ..errors import NoLaunchLink
from ..secret_files import SecretPolicy
from . import git
from .binder_files import binder_folder
from .binderhub import BinderHubRequest
from .launch import launch_target, pinned_launch
from .link import binderhub_base


@dataclass
class BinderHubTarget:
    request: BinderHubRequest
    urlpath: str  # where a launched server opens: lab/tree/<notebook path in the repository>
    link: Optional[str]  # the commit-pinned launch link (the badge's target)
    warnings: list[str] = field(default_factory=list)
    link_base: str = ""  # the BinderHub the link opens on (request.base is where it builds)

    @property
    def link_on_build_hub(self) -> bool:
        """The link opens on the hub that builds: after a build_only build, an API-only hub's."""
        return not self.link_base or self.link_base == self.request.base


def binderhub_target(notebook: Path, binderhub_url: Optional[str] = None, provider: Optional[str] = None,
                     remote: Optional[str] = None, build_only: bool = False, build_token: Optional[str] = None,
                     build_binderhub_url: Optional[str] = None,
                     server_root: Optional[Path] = None, hub_token: Optional[str] = None,
                     *, secret_policy: SecretPolicy) -> BinderHubTarget:
    """The commit-pinned build request; warnings (commit not pushed, files not committed; never advice
    to commit a file `secret_policy` names) do not stop it.
    `build_binderhub_url`: build there (an API-only BinderHub) while the link points at `binderhub_url`.
    `server_root` (REST): a repository that starts above it is refused."""
    notebook = Path(notebook).resolve()
    base = binderhub_base(binderhub_url)
    build_base = binderhub_base(build_binderhub_url) if build_binderhub_url else base
    folder = notebook if notebook.is_dir() else notebook.parent  # a project's folder, too
    root = git.repo_root_within(folder, server_root)
    if root is None:
        raise NoLaunchLink(f"{notebook.name} is in no git repository, so BinderHub has nothing to clone.",
                           hint="Commit it with its binder/ files to a repository with a public remote "
                                "(`jupyter containerize binder` prints the steps).")
    target = launch_target(root, remote, provider)
    if target.provider is None or target.spec is None:
        raise NoLaunchLink(" ".join(target.warnings) or "The repository has no remote BinderHub can clone.",
                           hint=target.next_steps[0] if target.next_steps else None)
    notebook_path = relative_posix(notebook, root)
    notebook_path = "" if notebook_path == "." else notebook_path
    needed = [notebook_path or "."]
    if target.provider != "gist":  # a gist's files are at its top level, the notebook's folder
        needed.append(relative_posix(binder_folder(root), root))
    launch = pinned_launch(root, target, base, notebook_path, needed, secret_policy)
    if launch.commit is None:
        raise NoLaunchLink("The repository has no commit yet, so BinderHub has nothing to build.")
    request = BinderHubRequest(base=build_base, provider=target.provider, spec=target.spec, commit=launch.commit,
                               build_only=build_only, build_token=build_token, hub_token=hub_token)
    return BinderHubTarget(request=request, urlpath=f"lab/tree/{notebook_path}", link=launch.url,
                           warnings=[*target.warnings, *launch.warnings], link_base=base)
