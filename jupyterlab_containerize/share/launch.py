"""Where the launch link points: the remote, its provider, the commit, and what would not reproduce."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..errors import InvalidRequest, RemoteNotSupported
from ..secret_files import SecretPolicy
from . import git
from .link import badge_markdown, badge_rst, choose_provider, launch_url
from .remote import Remote, parse_remote


@dataclass
class LaunchTarget:
    remote_name: Optional[str] = None
    remote: Optional[Remote] = None
    provider: Optional[str] = None
    spec: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


@dataclass
class Launch:
    commit: Optional[str] = None
    url: Optional[str] = None
    badge_markdown: Optional[str] = None
    badge_rst: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


def launch_target(root: Path, remote_name: Optional[str], provider: Optional[str]) -> LaunchTarget:
    """The remote Binder clones from and the provider spec for it; steps to take when there is none."""
    if remote_name and remote_name not in git.remotes(root):
        raise InvalidRequest(f"The repository has no remote named {remote_name!r}.",
                             hint="List them with `git remote -v`; leave --remote out for the default.")
    target = LaunchTarget(remote_name=remote_name or _default_remote(root))
    if target.remote_name is None:
        target.warnings.append("The repository has no remote, so there is no link yet.")
        target.next_steps.append("Create a public repository (e.g. on GitHub), then `git remote add "
                                 "origin https://github.com/OWNER/REPO.git` and `git push -u origin HEAD`.")
        return target
    try:
        target.remote = parse_remote(git.remote_url(root, target.remote_name))
    except RemoteNotSupported as err:
        target.warnings.append(f"Remote '{target.remote_name}': {err.message}")
        target.next_steps.append(err.hint)
        return target
    if "." not in target.remote.host and target.remote.host != "localhost":
        target.warnings.append(
            f"The remote's host '{target.remote.host}' looks like an ssh alias (~/.ssh/config); Binder "
            "needs the real host: add a remote with it (`git remote add public https://HOST/OWNER/REPO.git`) "
            "and pass --remote public.")
    choice = choose_provider(target.remote, provider)
    target.provider, target.spec = choice.provider, choice.spec
    target.warnings += choice.warnings
    return target


def _default_remote(root: Path) -> Optional[str]:
    names = git.remotes(root)
    upstream = git.upstream_remote(root)
    if upstream in names:
        return upstream
    if "origin" in names:
        return "origin"
    return names[0] if names else None


def pinned_launch(root: Path, target: LaunchTarget, base: str, notebook_path: str,
                  needed: list[str], secret_policy: SecretPolicy) -> Launch:
    """The link pinned to HEAD's SHA, and warnings for what that commit does not hold (never advice to
    commit a file `secret_policy` names)."""
    launch = Launch(commit=git.head_commit(root))
    if launch.commit is None:
        launch.warnings.append("The repository has no commit yet, so there is no link yet.")
        launch.next_steps.append("Commit the notebook and the binder files, push, then run this again.")
        return launch
    launch.warnings += _uncommitted_warnings(root, launch.commit, needed, secret_policy)
    if target.remote_name and target.remote is not None:
        if not git.remote_refs_containing(root, launch.commit, target.remote_name):
            launch.warnings.append(
                f"Commit {launch.commit[:12]} is not on remote '{target.remote_name}' (as of your last "
                "fetch), so Binder cannot find it: push it (`git push`).")
    if target.provider and target.spec:
        launch.url = launch_url(base, target.provider, target.spec, launch.commit, notebook_path)
        launch.badge_markdown = badge_markdown(base, launch.url)
        launch.badge_rst = badge_rst(base, launch.url)
    return launch


def _uncommitted_warnings(root: Path, commit: str, needed: list[str], secret_policy: SecretPolicy) -> list[str]:
    """What the link's commit lacks; secrets are never among the files to commit (secret_files.py)."""
    entries = git.status(root)
    secrets = [e for e in entries if secret_policy.is_secret(e.path)]
    missing = [e for e in entries if e not in secrets and any(_under(e.path, n) for n in needed)]
    others = [e for e in entries if e not in missing and e not in secrets and not e.untracked]
    warnings = []
    if secrets:
        listed = ", ".join(e.path for e in secrets[:8]) + (" ..." if len(secrets) > 8 else "")
        warnings.append(f"{listed} look{'s' if len(secrets) == 1 else ''} like secrets: never commit or push "
                        "them; add them to .gitignore (and `git rm --cached` any that are tracked).")
    if missing:
        listed = ", ".join(f"{e.path} ({'untracked' if e.untracked else 'changed'})" for e in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        warnings.append(f"Files the launch needs are not committed in {commit[:12]}: {listed}{more}. "
                        "Commit and push them, then run this again for a link to that commit.")
    ignored = git.ignored(root, [p for p in needed if p not in ("", ".") and not secret_policy.is_secret(p)])
    if ignored:
        warnings.append(f"{', '.join(ignored[:8])} {'is' if len(ignored) == 1 else 'are'} ignored by "
                        ".gitignore, so no commit holds them: `git add -f` them, or change .gitignore.")
    if others:
        listed = ", ".join(e.path for e in others[:8]) + (" ..." if len(others) > 8 else "")
        warnings.append(f"The working tree has uncommitted changes ({listed}); the link launches "
                        f"commit {commit[:12]} without them.")
    return warnings


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("/")
    return prefix in ("", ".") or path == prefix or path.startswith(prefix + "/")
