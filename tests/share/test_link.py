"""Remote URLs, provider spec encoding, the launch URL and the badges (no git, no network)."""

from __future__ import annotations

import pytest

from jupyterlab_containerize.errors import InvalidRequest, RemoteNotSupported
from jupyterlab_containerize.share.link import (
    badge_markdown,
    badge_rst,
    binderhub_base,
    choose_provider,
    launch_url,
)
from jupyterlab_containerize.share.remote import parse_remote

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize("url,host,path,clone", [
    ("https://github.com/octo/analysis.git", "github.com", "octo/analysis", "https://github.com/octo/analysis.git"),
    ("https://github.com/octo/analysis", "github.com", "octo/analysis", "https://github.com/octo/analysis"),
    ("git@github.com:octo/analysis.git", "github.com", "octo/analysis", "https://github.com/octo/analysis.git"),
    ("ssh://git@github.com/octo/analysis.git", "github.com", "octo/analysis",
     "https://github.com/octo/analysis.git"),
    ("ssh://git@git.example.org:2222/team/proj.git", "git.example.org", "team/proj",
     "https://git.example.org/team/proj.git"),
    ("https://user:s3cret@GitLab.com/grp/sub/repo.git", "gitlab.com", "grp/sub/repo",
     "https://gitlab.com/grp/sub/repo.git"),
    ("https://git.example.org:8443/team/proj.git", "git.example.org", "team/proj",
     "https://git.example.org:8443/team/proj.git"),
    ("git@gitlab.com:grp/sub/repo.git", "gitlab.com", "grp/sub/repo", "https://gitlab.com/grp/sub/repo.git"),
])
def test_parse_remote(url, host, path, clone):
    remote = parse_remote(url)
    assert (remote.host, remote.path, remote.clone_url) == (host, path, clone)
    assert "s3cret" not in remote.clone_url


@pytest.mark.parametrize("url", ["/srv/git/repo.git", "./repo", "file:///srv/git/repo.git",
                                 "https://github.com/", "ssh://host/~user/repo.git"])
def test_remotes_binder_cannot_clone(url):
    with pytest.raises(RemoteNotSupported):
        parse_remote(url)


@pytest.mark.parametrize("url,provider,spec", [
    ("git@github.com:octo/analysis.git", "gh", "octo/analysis"),
    ("https://gitlab.com/grp/sub/repo.git", "gl", "grp%2Fsub%2Frepo"),
    ("https://git.example.org/team/proj.git", "git", "https%3A%2F%2Fgit.example.org%2Fteam%2Fproj.git"),
    ("https://gist.github.com/octo/abc123def.git", "gist", "octo/abc123def"),
])
def test_provider_from_host_and_spec_encoding(url, provider, spec):
    choice = choose_provider(parse_remote(url))
    assert (choice.provider, choice.spec, choice.warnings) == (provider, spec, [])


def test_git_provider_can_be_forced_for_any_host():
    choice = choose_provider(parse_remote("git@github.com:octo/analysis.git"), "git")
    assert choice.spec == "https%3A%2F%2Fgithub.com%2Focto%2Fanalysis.git"


def test_gh_for_another_host_warns():
    choice = choose_provider(parse_remote("https://ghe.example.org/octo/analysis.git"), "gh")
    assert choice.spec == "octo/analysis" and "ghe.example.org" in choice.warnings[0]


def test_gist_without_owner():
    remote = parse_remote("https://gist.github.com/abc123def.git")
    choice = choose_provider(remote)
    assert choice.provider == "git" and choice.warnings
    with pytest.raises(RemoteNotSupported):
        choose_provider(remote, "gist")


def test_gh_needs_owner_and_repo():
    with pytest.raises(RemoteNotSupported):
        choose_provider(parse_remote("https://github.com/a/b/c.git"), "gh")


def test_unknown_provider():
    with pytest.raises(InvalidRequest):
        choose_provider(parse_remote("https://github.com/a/b.git"), "bitbucket")


def test_launch_url_pins_the_sha_and_the_notebook_path():
    url = launch_url("https://mybinder.org", "gh", "octo/analysis", SHA, "notebooks/my analysis.ipynb")
    assert url == (f"https://mybinder.org/v2/gh/octo/analysis/{SHA}"
                   "?urlpath=lab/tree/notebooks/my%20analysis.ipynb")


@pytest.mark.parametrize("ref", ["main", "HEAD", SHA[:12], SHA.upper()])
def test_launch_url_refuses_anything_but_a_full_sha(ref):
    with pytest.raises(InvalidRequest):
        launch_url("https://mybinder.org", "gh", "o/r", ref, "a.ipynb")


def test_badges():
    url = f"https://mybinder.org/v2/gh/o/r/{SHA}?urlpath=lab/tree/a.ipynb"
    assert badge_markdown("https://mybinder.org", url) == f"[![Binder](https://mybinder.org/badge_logo.svg)]({url})"
    assert badge_rst("https://mybinder.org", url) == (
        f".. image:: https://mybinder.org/badge_logo.svg\n   :target: {url}\n   :alt: Binder")


@pytest.mark.parametrize("given,base", [(None, "https://mybinder.org"),
                                        ("https://binder.example.org/", "https://binder.example.org"),
                                        ("https://hub.example.org/binder", "https://hub.example.org/binder")])
def test_binderhub_base(given, base):
    assert binderhub_base(given) == base


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "mybinder.org", "https://x.org/?a=b", "https://x.org/a\nb"])
def test_bad_binderhub_urls(bad):
    with pytest.raises(Exception) as err:
        binderhub_base(bad)
    assert getattr(err.value, "status", None) == 400
