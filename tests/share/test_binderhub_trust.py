"""What a real BinderHub showed, against the stand-in: no link to an API-only hub after a prebuild, the
unpushed commit on the git provider, --json on exit 2, a hub API token, --from-image without Jupyter,
colour codes and raw aux lines out of the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import binder_cmd, main
from jupyterlab_containerize.errors import BinderHubBuildFailed, BinderHubUnreachable, InvalidRequest
from jupyterlab_containerize.share.binderhub import BinderHubBuild, BinderHubRequest, parse_event

from .binderhub_standin import RAW_LOG_SCRIPT, UNPUSHED_SCRIPT, running_standin
from .conftest import git, make_repo, push_to_bare

SHA = "0123456789abcdef0123456789abcdef01234567"
HUB_TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
def pushed_repo(tmp_path):
    repo = make_repo(tmp_path / "repo", "https://git.example.org/team/analysis.git")
    push_to_bare(repo, tmp_path / "origin.git")
    return repo


@pytest.fixture
def spec_file(tmp_path, simple_spec) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(simple_spec.to_dict()))
    return path


def binder(repo: Path, spec_file: Path, *args: str) -> int:
    return main(["binder", str(repo / "analysis.ipynb"), "--spec", str(spec_file), *args])


def test_colour_codes_and_raw_aux_lines_stay_out_of_the_log():
    with running_standin(script=RAW_LOG_SCRIPT) as hub:
        request = BinderHubRequest(base=hub.url, provider="gh", spec="octo/analysis", commit=SHA, build_only=True)
        lines: list[str] = []
        BinderHubBuild(request).run(lambda event: lines.extend(event.lines()))
    assert lines[:2] == ["Step 1/3 : FROM buildpack-deps:jammy", "Successfully built 0707eec19ac4"]
    assert not any("\x1b" in line or '"aux"' in line for line in lines)
    assert parse_event('{"message": "\\u001b]0;title\\u0007plain \\u001b[31mred\\u001b[0m"}').lines() == ["plain red"]


def test_the_hub_api_token_is_sent_as_binderhubs_page_sends_it():
    with running_standin(hub_api_token=HUB_TOKEN) as hub:
        base = dict(base=hub.url, provider="gh", spec="octo/analysis", commit=SHA)
        with pytest.raises(BinderHubUnreachable) as caught:
            BinderHubBuild(BinderHubRequest(**base)).run(lambda event: None)
        assert "403" in caught.value.message and "BINDERHUB_API_TOKEN" in caught.value.hint
        request = BinderHubRequest(**base, hub_token=HUB_TOKEN)
        assert HUB_TOKEN not in repr(request) + request.url() + request.shown_url()
        outcome = BinderHubBuild(request).run(lambda event: None)
    assert outcome.phase == "ready" and hub.requests[-1]["headers"]["Authorization"] == f"token {HUB_TOKEN}"
    with pytest.raises(InvalidRequest):
        BinderHubRequest(**base, hub_token="bad token")


@pytest.mark.integration
def test_cli_hub_token_from_the_environment_is_never_printed(pushed_repo, spec_file, capsys, monkeypatch):
    monkeypatch.setenv("BINDERHUB_API_TOKEN", HUB_TOKEN)
    with running_standin(hub_api_token=HUB_TOKEN) as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--launch", "--json") == 0
    captured = capsys.readouterr()
    assert HUB_TOKEN not in captured.out + captured.err and json.loads(captured.out)["binderhub"]["phase"] == "ready"


@pytest.mark.integration
def test_an_unpushed_commit_on_the_git_provider_says_push_it(pushed_repo, spec_file, capsys):
    (pushed_repo / "later.md").write_text("not pushed\n")
    git(pushed_repo, "add", "later.md")
    git(pushed_repo, "commit", "-q", "-m", "local only")
    sha = git(pushed_repo, "rev-parse", "HEAD")
    with running_standin(script=UNPUSHED_SCRIPT) as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--launch") == 1
    err = capsys.readouterr().err
    assert hub.requests[0]["path"].startswith("/build/git/")
    assert f"Commit {sha[:12]} is not on the remote BinderHub clones (https://git.example.org/team/analysis.git)" in err
    assert "push it (`git push`)" in err


def test_the_hint_reads_the_lines_before_failed():
    request = BinderHubRequest(base="https://hub", provider="git", spec="x", commit=SHA)
    with running_standin(script=UNPUSHED_SCRIPT) as hub:
        with pytest.raises(BinderHubBuildFailed) as caught:
            BinderHubBuild(BinderHubRequest(**{**request.__dict__, "base": hub.url})).run(lambda event: None)
    assert "is not on the remote BinderHub clones" in caught.value.hint


@pytest.mark.integration
def test_json_prints_an_error_object_on_exit_2(pushed_repo, spec_file, capsys):
    assert binder(pushed_repo, spec_file, "--binderhub", "http://127.0.0.1:9", "--prebuild", "--json") == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]  # stdout is the one JSON object
    assert error["code"] == "binderhub-unreachable" and error["message"].startswith("Cannot reach BinderHub")
    assert "\nerror: Cannot reach BinderHub" in captured.err


def test_from_image_without_jupyter_fails_before_anything_is_written(monkeypatch, pushed_repo, spec_file, capsys):
    from jupyterlab_containerize.builder.engine import RunResult

    class NoJupyter:
        def __init__(self, **kwargs):
            pass

        def ensure_image(self, ref, on_line):
            pass

        def run(self, image, command, entrypoint=None, **kwargs):
            assert entrypoint == ["jupyter"] and command == ["server", "--version"]
            return RunResult(127, "exec: jupyter: not found")

    monkeypatch.setattr("jupyterlab_containerize.builder.docker_engine.DockerEngine", NoJupyter)
    image = f"registry.example.org/batch@sha256:{'0' * 64}"
    assert binder(pushed_repo, spec_file, "--from-image", image) == 2
    assert not (pushed_repo / "binder").exists()
    err = capsys.readouterr().err
    assert err.startswith(f"error: {image} has no Jupyter server") and "--target notebook" in err
    assert binder_cmd.HUB_TOKEN_ENV == "BINDERHUB_API_TOKEN"
