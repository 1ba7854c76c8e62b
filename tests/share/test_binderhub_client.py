"""The BinderHub build API client: the event-stream parser, the client against a stand-in BinderHub
(tests/share/binderhub_standin.py), and `jupyter containerize binder --prebuild/--launch`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main
from jupyterlab_containerize.errors import (
    BinderHubBuildFailed,
    BinderHubTimeout,
    BinderHubUnreachable,
    BuildCancelled,
    InvalidRequest,
)
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.share.binderhub import (
    BinderHubBuild,
    BinderHubEvent,
    BinderHubOutcome,
    BinderHubRequest,
    ProgressLog,
    failure_hint,
    parse_event,
)
from jupyterlab_containerize.share.binderhub_target import binderhub_target
from jupyterlab_containerize.share.sse import EventStreamParser

from .binderhub_standin import FAILED_SCRIPT, HANG, SERVER_TOKEN, SERVER_URL_PATH, running_standin
from .conftest import git, make_repo, push_to_bare

SHA = "0123456789abcdef0123456789abcdef01234567"


def request_for(hub, **kwargs) -> BinderHubRequest:
    return BinderHubRequest(base=hub.url, provider="gh", spec="octo/analysis", commit=SHA, **kwargs)


def collect(build: BinderHubBuild):
    events: list[BinderHubEvent] = []
    return build.run(events.append), events


# --- the event-stream parser ---

STREAM = (b"\xef\xbb\xbf:keepalive\r\n\r\ndata: {\"phase\": \"waiting\", \"message\": \"caf\xc3\xa9\"}\r\n\r\n"
          b"data:first\ndata: second\n\n: comment\rdata: {\"phase\": \"ready\"}\r\rid: 7\nevent: x\ndata: y\n\n")


def test_parser_reads_every_line_ending_and_comment():
    parser = EventStreamParser()
    events = parser.feed(STREAM)
    assert [e.data for e in events] == ['{"phase": "waiting", "message": "café"}', "first\nsecond",
                                       '{"phase": "ready"}', "y"]
    assert events[-1].event == "x" and events[-1].id == "7"
    assert parser.comments == 2


def test_parser_gives_the_same_events_whatever_the_chunks():
    whole = [e.data for e in EventStreamParser().feed(STREAM)]
    for size in (1, 2, 3, 5):
        parser = EventStreamParser()
        events = [e for i in range(0, len(STREAM), size) for e in parser.feed(STREAM[i:i + size])]
        assert [e.data for e in events] == whole  # CRLF, UTF-8 and lines split anywhere


def test_events_become_lines_with_their_phase():
    log = ProgressLog()
    assert log.lines(parse_event('{"phase": "building", "message": "Step 1/2 : FROM x\\nFetching...\\r"}')) == [
        "[building] Step 1/2 : FROM x", "[building] Fetching..."]
    assert log.lines(parse_event('{"phase": "building", "message": "Fetching...\\r"}')) == []  # shown once
    assert log.lines(parse_event('{"message": "Picked Git content provider.\\n"}')) == [
        "[log] Picked Git content provider."]
    assert log.lines(parse_event('{"phase": "brand-new", "message": "as it came"}')) == ["[brand-new] as it came"]
    assert log.lines(parse_event("not json")) == ["[log] not json"]


# --- the request ---

def test_request_path_and_query():
    plain = BinderHubRequest(base="https://hub.example.org", provider="gl", spec="grp%2Fsub%2Frepo", commit=SHA)
    assert plain.url() == f"https://hub.example.org/build/gl/grp%2Fsub%2Frepo/{SHA}"
    token = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJnaC9vIn0.c2lnbmF0dXJl"
    built = BinderHubRequest(base="https://hub.example.org", provider="gh", spec="o/r", commit=SHA,
                             build_only=True, build_token=token)
    assert built.url() == f"https://hub.example.org/build/gh/o/r/{SHA}?build_only=true&build_token={token}"
    assert token not in built.shown_url() and built.shown_url().endswith("?build_only=true&build_token=***")
    assert token not in repr(built)


@pytest.mark.parametrize("commit,token", [("main", None), (SHA[:12], None), (SHA, "a b"), (SHA, "x\ny")])
def test_request_refuses_a_branch_or_a_bad_token(commit, token):
    with pytest.raises(InvalidRequest):
        BinderHubRequest(base="https://hub.example.org", provider="gh", spec="o/r", commit=commit, build_token=token)


def test_launch_url_opens_the_notebook_with_the_token():
    outcome = BinderHubOutcome("ready", "", False, server_url="https://hub.example.org/user/o-r-1/", token="t k")
    assert outcome.launch_url("lab/tree/notebooks/a b.ipynb") == (
        "https://hub.example.org/user/o-r-1/lab/tree/notebooks/a%20b.ipynb?token=t+k")
    assert BinderHubOutcome("ready", "", True).launch_url("lab/tree/a.ipynb") is None


@pytest.mark.parametrize("fields,token,expected", [
    ({"status_code": 403, "message": "Forbidden\n"}, None, "needs a login"),
    ({"status_code": 403, "message": "Invalid build token\n"}, "a.b", "expired"),
    ({"status_code": 429, "message": "Rate limit exceeded. Try again in 60 seconds."}, None, "rate limit"),
    ({"message": "No provider found for prefix gh\n"}, None, "--provider git"),
    ({"message": "Could not resolve ref for gh:o/r/x. Double check your URL"}, None, "push it (`git push`)"),
    ({"message": "The image build failed\n"}, None, "fix the binder/ files"),
])
def test_failure_hints_follow_binderhubs_status_and_message(fields, token, expected):
    event = BinderHubEvent(phase="failed", message=fields["message"], fields={"phase": "failed", **fields})
    request = BinderHubRequest(base="https://hub.example.org", provider="gh", spec="o/r", commit=SHA, build_token=token)
    assert expected in failure_hint(event, request)


# --- the client against the stand-in ---

def test_launch_ends_ready_with_url_and_token_and_closes_the_stream():
    with running_standin() as hub:
        outcome, events = collect(BinderHubBuild(request_for(hub)))
        assert hub.client_closed.wait(10)  # the stand-in lingers, as BinderHub does: the client closed
    assert [e.phase for e in events][:3] == ["waiting", None, "fetching"]
    assert events[-1].phase == "ready" and "weird-new-phase" in [e.phase for e in events]
    assert outcome.launched and outcome.server_url == hub.url + SERVER_URL_PATH and outcome.token == SERVER_TOKEN
    (asked,) = hub.requests
    assert asked["path"] == f"/build/gh/octo/analysis/{SHA}" and asked["query"] == {}
    assert asked["headers"]["Accept"] == "text/event-stream"


def test_prebuild_asks_build_only_and_ends_when_built():
    with running_standin() as hub:
        outcome, events = collect(BinderHubBuild(request_for(hub, build_only=True)))
    assert hub.requests[0]["query"] == {"build_only": "true"}
    assert outcome.build_only and not outcome.launched and outcome.image == "registry/binder-octo:abc"
    assert "launching" not in [e.phase for e in events]


def test_failed_build_raises_with_binderhubs_message():
    with running_standin(script=FAILED_SCRIPT) as hub, pytest.raises(BinderHubBuildFailed) as err:
        collect(BinderHubBuild(request_for(hub)))
    assert err.value.message == "BinderHub: The image build failed: pip could not install six==99.0"


def test_build_only_refused_says_what_to_do():
    with running_standin(api_only_mode=False) as hub, pytest.raises(BinderHubBuildFailed) as err:
        collect(BinderHubBuild(request_for(hub, build_only=True)))
    assert "Building but not launching is not permitted" in err.value.message
    assert "enable_api_only_mode" in err.value.hint and "--launch" in err.value.hint


def test_build_token_is_sent_and_checked():
    with running_standin(build_token="good.token") as hub:
        assert collect(BinderHubBuild(request_for(hub, build_token="good.token")))[0].launched
        assert hub.requests[0]["query"]["build_token"] == "good.token"
        with pytest.raises(BinderHubBuildFailed) as err:
            collect(BinderHubBuild(request_for(hub, build_token="stale.token")))
    assert err.value.message == "BinderHub: Invalid build token" and "expired" in err.value.hint


@pytest.mark.parametrize("settings,expected", [
    ({"http_status": 503}, "answered HTTP 503 Service Unavailable for /build/gh/octo/analysis/"),
    ({"content_type": "text/html"}, "answered text/html, not an event stream"),
    ({"script": [{"phase": "building", "message": "x"}], "linger_s": 0}, "closed the stream before the build"),
])
def test_http_errors_and_broken_streams_are_one_line(settings, expected):
    with running_standin(**settings) as hub, pytest.raises(BinderHubUnreachable) as err:
        collect(BinderHubBuild(request_for(hub)))
    assert expected in err.value.message and "\n" not in err.value.message


def test_unreachable_binderhub_is_one_line():
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    request = BinderHubRequest(base=f"http://127.0.0.1:{port}", provider="gh", spec="o/r", commit=SHA)
    with pytest.raises(BinderHubUnreachable) as err:
        collect(BinderHubBuild(request, connect_timeout=5))
    assert err.value.message.startswith(f"Cannot reach BinderHub at http://127.0.0.1:{port}: ")
    assert "refused" in err.value.message.lower() and "\n" not in err.value.message


def test_silence_and_the_overall_timeout_end_the_wait():
    with running_standin(script=[HANG], keepalive_s=0) as hub, pytest.raises(BinderHubUnreachable) as err:
        collect(BinderHubBuild(request_for(hub), idle_timeout=0.3))
    assert "sent nothing for 0 s, not even a keepalive" in err.value.message
    with running_standin(script=[HANG]) as hub, pytest.raises(BinderHubTimeout):
        collect(BinderHubBuild(request_for(hub), timeout=0.2))  # keepalives keep coming: the deadline ends it


def test_close_from_another_thread_cancels():
    with running_standin(script=[{"phase": "building", "message": "Step 1/9"}, HANG]) as hub:
        build = BinderHubBuild(request_for(hub))
        threading.Thread(target=lambda: hub.stream_started.wait(10) and build.close()).start()
        with pytest.raises(BuildCancelled) as err:
            collect(build)
        assert hub.client_closed.wait(10)
    assert "Cancelled: the stream to BinderHub is closed" in err.value.message


# --- the target and the CLI (real git repositories) ---

@pytest.fixture
def pushed_repo(tmp_path):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    push_to_bare(repo, tmp_path / "origin.git")
    return repo


@pytest.fixture
def spec_file(tmp_path, simple_spec) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(simple_spec.to_dict()))
    return path


def binder(repo: Path, spec_file: Path, *args: str) -> int:
    return main(["binder", str(repo / "analysis.ipynb"), "--spec", str(spec_file), *args])


@pytest.mark.integration
@pytest.mark.parametrize("remote,path", [
    ("https://github.com/octo/analysis.git", "/build/gh/octo/analysis/"),
    ("git@gitlab.com:group/sub/analysis.git", "/build/gl/group%2Fsub%2Fanalysis/"),
    ("https://git.example.org/team/analysis.git", "/build/git/https%3A%2F%2Fgit.example.org%2Fteam%2Fanalysis.git/"),
])
def test_target_is_pinned_to_the_commit(tmp_path, remote, path):
    repo = make_repo(tmp_path / "repo", remote)
    target = binderhub_target(repo / "analysis.ipynb", "https://hub.example.org/", build_only=True,
                              secret_policy=DEFAULT_POLICY)
    sha = git(repo, "rev-parse", "HEAD")
    assert target.request.path == f"{path}{sha}" and target.request.build_only
    assert target.urlpath == "lab/tree/analysis.ipynb" and target.link.endswith(f"/{sha}?urlpath={target.urlpath}")


@pytest.mark.integration
def test_cli_launch_prints_progress_and_the_launch_url(pushed_repo, spec_file, capsys):
    with running_standin() as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--launch") == 0
    out = capsys.readouterr().out
    sha = git(pushed_repo, "rev-parse", "HEAD")
    assert hub.requests[0]["path"] == f"/build/gh/octo/analysis/{sha}" and hub.requests[0]["query"] == {}
    assert "\n[waiting] Waiting for build to start...\n" in out and "\n[log] Picked Git content provider.\n" in out
    assert out.count("[building] Fetching base image...") == 1 and "[weird-new-phase] A phase" in out
    assert f"  {hub.url}{SERVER_URL_PATH}lab/tree/analysis.ipynb?token={SERVER_TOKEN}\n" in out
    assert "is not on remote" not in out


@pytest.mark.integration
def test_cli_prebuild_says_the_badge_starts_fast(pushed_repo, spec_file, capsys):
    with running_standin() as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--prebuild") == 0
    out = capsys.readouterr().out
    sha = git(pushed_repo, "rev-parse", "HEAD")
    assert hub.requests[0]["query"] == {"build_only": "true"}
    assert f"GET {hub.url}/build/gh/octo/analysis/{sha}?build_only=true\n" in out
    # an API-only hub (the only kind that accepts build_only) serves no launch page: no link to it
    assert f"Image built on {hub.url} for commit {sha[:12]}. {hub.url} accepted build_only" in out
    assert f"{hub.url}/v2/" not in out and f"--build-on {hub.url}" in out


@pytest.mark.integration
def test_cli_builds_on_an_api_only_binderhub_for_the_links_hub(pushed_repo, spec_file, capsys):
    with running_standin() as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", "https://binder.example.org", "--build-on", hub.url,
                      "--prebuild") == 0
    out = capsys.readouterr().out
    sha = git(pushed_repo, "rev-parse", "HEAD")
    assert hub.requests[0]["path"] == f"/build/gh/octo/analysis/{sha}"
    assert f"  https://binder.example.org/v2/gh/octo/analysis/{sha}?urlpath=lab/tree/analysis.ipynb\n" in out
    assert f"Image built on {hub.url} for commit {sha[:12]}" in out


@pytest.mark.integration
def test_cli_failed_build_exits_1_with_binderhubs_message(pushed_repo, spec_file, capsys):
    with running_standin(script=FAILED_SCRIPT) as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--launch") == 1
    captured = capsys.readouterr()
    assert "[building] ERROR: No matching distribution found for six==99.0" in captured.out
    assert captured.err.startswith("error: BinderHub: The image build failed: pip could not install six==99.0\n")


@pytest.mark.integration
def test_cli_build_token_from_the_environment_is_never_printed(pushed_repo, spec_file, capsys, monkeypatch):
    monkeypatch.setenv("BINDERHUB_BUILD_TOKEN", "env.secret.token")
    with running_standin(build_token="env.secret.token") as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--prebuild", "--json") == 0
    captured = capsys.readouterr()
    assert hub.requests[0]["query"]["build_token"] == "env.secret.token"
    assert "env.secret.token" not in captured.out + captured.err
    answer = json.loads(captured.out)["binderhub"]
    assert answer["build_only"] and answer["request"].endswith("build_token=***")


@pytest.mark.integration
def test_cli_unreachable_binderhub_exits_2_in_one_line(pushed_repo, spec_file, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert binder(pushed_repo, spec_file, "--binderhub", f"http://127.0.0.1:{port}", "--prebuild") == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"error: Cannot reach BinderHub at http://127.0.0.1:{port}: ")
    assert len(err) == 2 and err[1].startswith("  what to do: ") and "Traceback" not in "".join(err)


@pytest.mark.integration
def test_cli_warns_when_the_commit_is_not_on_the_remote_and_still_asks(pushed_repo, spec_file, capsys):
    (pushed_repo / "later.md").write_text("not pushed\n")
    git(pushed_repo, "add", "later.md")
    git(pushed_repo, "commit", "-q", "-m", "local only")
    sha = git(pushed_repo, "rev-parse", "HEAD")
    with running_standin() as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--prebuild") == 0
    out = capsys.readouterr().out
    assert f"Commit {sha[:12]} is not on remote 'origin'" in out
    assert hub.requests[0]["path"].endswith(sha)


@pytest.mark.integration
def test_cli_refuses_build_options_without_a_build_before_writing(pushed_repo, spec_file, capsys):
    assert binder(pushed_repo, spec_file, "--build-token", "a.b") == 2
    assert binder(pushed_repo, spec_file, "--prebuild", "--timeout", "0") == 2
    assert not (pushed_repo / "binder").exists()
    assert "--build-on, --build-token and --hub-token go with --prebuild or --launch." in capsys.readouterr().err


@pytest.mark.integration
def test_cli_dry_run_shows_the_request_and_asks_nothing(pushed_repo, spec_file, capsys):
    with running_standin() as hub:
        assert binder(pushed_repo, spec_file, "--binderhub", hub.url, "--prebuild", "--dry-run") == 0
    assert hub.requests == [] and "Dry run: BinderHub was not asked." in capsys.readouterr().out


@pytest.mark.integration
def test_cli_ctrl_c_closes_the_stream(pushed_repo, spec_file):
    script = [{"phase": "building", "message": "Step 1/9 : FROM x\n"}, HANG]
    with running_standin(script=script) as hub:
        command = [sys.executable, "-m", "jupyterlab_containerize", "binder", str(pushed_repo / "analysis.ipynb"),
                   "--spec", str(spec_file), "--binderhub", hub.url, "--launch"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("[building] Step 1/9"):
                    break
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        assert hub.client_closed.wait(10)
    assert proc.returncode == 130
    assert err.startswith("cancelled: the stream to BinderHub is closed (last phase: building).")
    assert "Traceback" not in err
