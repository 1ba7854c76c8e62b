"""The serving runtime against hostile requests and nosy notebooks (issue 11, item 6).

- Unit: the request validator (request_json) refuses invalid Unicode, deep nesting, too many values
  and out-of-range numbers with a 400 naming the problem, and accepts every well-formed body
  (hypothesis); the token is read from a file or a pipe, never kept in the environment.
- Integration (real kernels): such bodies get their 400 before any kernel is involved, nothing is
  restarted; a notebook finds the token in no environment and no command line, as root here and as
  PID 1 with uid 1000 in its own PID namespace, as in the image.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_containerize.serve import token_source
from jupyterlab_containerize.serve.bundle import write_runtime
from jupyterlab_containerize.serve.request_json import INT_MAX, INT_MIN, InvalidBody, JSONLimits, parse_json_body
from jupyterlab_containerize.serve.token_source import TokenError, load_token
from jupyterlab_containerize.serve.worker import kernel_environment
from tests.serve.conftest import Service, free_port, runtime_bundle, serve_python, start_service  # noqa: F401

TOKEN = "s3cret-T0ken-do-not-leak_" + "x" * 20


# ---------------------------------------------------------------- the request validator (unit)


@pytest.mark.parametrize("body, code, words", [
    (b'{"name": "\\ud800"}', "invalid_unicode", "$.name"),
    (b'{"\\udfff": 1}', "invalid_unicode", "member name"),
    (b'{"a": [{"b": ["ok", "\\ud83d\\ude00", "\\udc00\\ud800"]}]}', "invalid_unicode", "$.a[0].b[2]"),
    (b'{"a": "\\ud83d"}', "invalid_unicode", "\\ud83d"),  # a high surrogate without its pair
    (b'\xff{}', "invalid_unicode", "UTF-8"),
    (b'{"a": "\xed\xa0\x80"}', "invalid_unicode", "UTF-8"),  # a surrogate encoded as UTF-8 bytes
    (b'{"a": "caf\xe9"}', "invalid_unicode", "offset 10"),  # Latin-1, not UTF-8
    (b"[" * 10_000 + b"]" * 10_000, "too_deep", "32"),
    (b"[" * 10_000, "too_deep", "32"),  # unbalanced: the parser's own recursion guard, still a 400
    (b'{"a": ' + b"[" * 33 + b"]" * 33 + b"}", "too_deep", "32"),
    (b"[" + b"0," * 100_000 + b"0]", "too_many_items", "100000"),
    (b'{"x": NaN}', "number_out_of_range", "NaN"),
    (b'{"x": Infinity}', "number_out_of_range", "Infinity"),
    (b'{"x": -Infinity}', "number_out_of_range", "Infinity"),
    (b'{"x": 1e999}', "number_out_of_range", "1e999"),
    (b'{"x": -1.5E+400}', "number_out_of_range", "overflows"),
    (b'{"x": 9223372036854775808}', "number_out_of_range", "9223372036854775807"),
    (b'{"x": -9223372036854775809}', "number_out_of_range", "-9223372036854775808"),
    (b'{"x": ' + b"9" * 5000 + b"}", "number_out_of_range", "5000 characters"),
    (b'{"x": 1', "invalid_json", "not valid JSON"),
    (b'\xef\xbb\xbf{"x": 1}', "invalid_json", "BOM"),
])
def test_bad_bodies_get_a_code_naming_the_problem(body: bytes, code: str, words: str) -> None:
    with pytest.raises(InvalidBody) as info:
        parse_json_body(body)
    assert info.value.status == 400 and info.value.code == code
    assert words in info.value.message


@pytest.mark.parametrize("body, value", [
    (b'{"x": 9223372036854775807, "y": -9223372036854775808}', {"x": INT_MAX, "y": INT_MIN}),
    (b'{"x": 1e308, "y": 1e-999, "z": -0.0}', {"x": 1e308, "y": 0.0, "z": -0.0}),  # underflow is fine
    (b'{"e": "\\ud83d\\ude00", "raw": "\xf0\x9f\x98\x80", "nul": "\\u0000"}', {"e": "\U0001f600",
                                                                              "raw": "\U0001f600", "nul": "\x00"}),
    (b'{"s": "[[[[{{{{\\"]]]]", "t": "\\\\ud800"}', {"s": '[[[[{{{{"]]]]', "t": "\\ud800"}),  # only text
    (b"[" * 32 + b"]" * 32, [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]),
    (b'{ "a" : [ ] , "b" : { } }', {"a": [], "b": {}}),
])
def test_good_bodies_pass_unchanged(body: bytes, value: Any) -> None:
    assert parse_json_body(body) == value


def test_limits_are_settings() -> None:
    with pytest.raises(InvalidBody, match="more than 3 levels"):
        parse_json_body(b"[[[[]]]]", JSONLimits(max_depth=3))
    with pytest.raises(InvalidBody, match="holds 5 values"):  # the object, the array, 1, 2 and 3
        parse_json_body(b'{"a": [1, 2], "b": 3}', JSONLimits(max_items=4))
    assert parse_json_body(b'{"a": [1], "b": 3}', JSONLimits(max_items=4)) == {"a": [1], "b": 3}


_scalars = (st.none() | st.booleans() | st.integers(INT_MIN, INT_MAX)
            | st.floats(allow_nan=False, allow_infinity=False) | st.text())
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=5)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=5), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(value=_json, ascii_only=st.booleans())
def test_any_well_formed_json_passes_unchanged(value: Any, ascii_only: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert parse_json_body(body) == value


@settings(max_examples=200, deadline=None)
@given(value=_json, surrogate=st.integers(0xD800, 0xDFFF), where=st.integers(0, 10**6))
def test_any_lone_surrogate_is_refused(value: Any, surrogate: int, where: int) -> None:
    """A lone surrogate put into any string or key of any document is a 400 invalid_unicode."""
    poisoned = _poison(value, chr(surrogate), where)
    with pytest.raises(InvalidBody) as info:
        parse_json_body(json.dumps(poisoned).encode())
    assert info.value.code == "invalid_unicode"


@settings(max_examples=100, deadline=None)
@given(value=_json, depth=st.integers(33, 200))
def test_any_document_nested_too_deep_is_refused(value: Any, depth: int) -> None:
    body = "[" * depth + json.dumps(value) + "]" * depth
    with pytest.raises(InvalidBody) as info:
        parse_json_body(body.encode())
    assert info.value.code == "too_deep"


@settings(max_examples=100, deadline=None)
@given(exponent=st.integers(309, 10**6), mantissa=st.integers(1, 9), sign=st.sampled_from(["", "-"]))
def test_any_overflowing_number_is_refused(exponent: int, mantissa: int, sign: str) -> None:
    with pytest.raises(InvalidBody) as info:
        parse_json_body(f'{{"x": {sign}{mantissa}e{exponent}}}'.encode())
    assert info.value.code == "number_out_of_range"


def _poison(value: Any, bad: str, where: int) -> Any:
    """value with `bad` inserted into one of its strings (or a new key when it has none)."""
    strings: list[tuple[Any, Any, bool]] = []  # (container, key or index, is_key)

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key in list(item):
                strings.append((item, key, True))
                walk(item[key])
        elif isinstance(item, list):
            for i, member in enumerate(item):
                if isinstance(member, str):
                    strings.append((item, i, False))
                walk(member)

    root = {"v": value}
    walk(root)
    container, key, is_key = strings[where % len(strings)]
    if is_key:
        container[key + bad] = container.pop(key)
    elif isinstance(container[key], str):
        container[key] = container[key][: where % 7] + bad + container[key][where % 7:]
    return root


# ---------------------------------------------------------------- the token (unit)


def test_token_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    environ = {"CONTAINERIZE_TOKEN_FILE": str(path), "PATH": "/bin"}
    assert load_token(None, environ) == TOKEN
    assert load_token(path, {}) == TOKEN  # --token-file
    assert kernel_environment(environ) == {"PATH": "/bin"}  # not even where the token lies


def test_token_from_the_reexec_pipe_leaves_no_variable() -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, TOKEN.encode())
    os.close(write_end)
    environ = {"CONTAINERIZE_TOKEN_FD": str(read_end)}
    assert load_token(None, environ) == TOKEN
    assert environ == {}
    with pytest.raises(OSError):
        os.fstat(read_end)  # closed: no kernel inherits it


@pytest.mark.parametrize("setup, message", [
    ({"file": None, "env": {"CONTAINERIZE_TOKEN_FILE": "/nonexistent/token"}}, "cannot read the token file"),
    ({"file": "", "env": {}}, "empty"),
    ({"file": "two words", "env": {}}, "A-Z a-z 0-9"),
    ({"file": TOKEN, "env": {"CONTAINERIZE_TOKEN": TOKEN}}, "keep one"),
])
def test_unusable_tokens_stop_the_service(tmp_path: Path, setup: dict[str, Any], message: str) -> None:
    token_file = None
    if setup["file"] is not None:
        token_file = tmp_path / "token"
        token_file.write_text(setup["file"])
    with pytest.raises(TokenError) as info:
        load_token(token_file, dict(setup["env"]))
    assert message in str(info.value) and TOKEN not in str(info.value)


def test_relaunch_is_the_same_command() -> None:
    argv = token_source.relaunch_argv()
    assert argv[0] == sys.executable and "pytest" in " ".join(argv)


# ---------------------------------------------------------------- integration: real kernels


SINGLE = {"CONTAINERIZE_POOL_SIZE": "1", "CONTAINERIZE_QUEUE_SIZE": "0", "CONTAINERIZE_TIMEOUT": "60"}
HOSTILE = [
    ('{"name": "\\ud800"}', "invalid_unicode"),
    ('{"\\ud800": 1}', "invalid_unicode"),
    ("[" * 10_000 + "]" * 10_000, "too_deep"),
    ('{"x": 1e999}', "number_out_of_range"),
    ('{"x": NaN}', "number_out_of_range"),
    ('{"x": 99999999999999999999}', "number_out_of_range"),
]


@pytest.mark.integration
def test_hostile_bodies_are_refused_before_any_kernel(start_service: Any) -> None:  # noqa: F811
    """The only kernel is busy and nothing may queue: a body that reached the pool would get 503.
    Each hostile one gets its 400 at once instead, and the kernel is neither interrupted nor
    restarted (one request a minute used to be enough to keep a service restarting)."""
    service = start_service("basic.ipynb", SINGLE)
    pid = service.run({"x": 1}).body["result"]["pid"]
    slow = threading.Thread(target=service.run, args=({"x": 3, "name": "sleep"},))
    slow.start()
    _wait_for(lambda: service.request("GET", "/health").body["kernels"]["busy"] == 1)
    for body, code in HOSTILE:
        started = time.monotonic()
        reply = service.request("POST", "/run", body.encode(), {"Content-Type": "application/json"})
        print(f"{code}: {reply.status} in {1000 * (time.monotonic() - started):.1f} ms")
        assert reply.status == 400, reply.text
        assert reply.body["error"] == "InvalidJSON" and reply.body["code"] == code
        assert reply.body["message"]
    slow.join()
    assert service.run({"x": 2}).body["result"]["pid"] == pid  # the same kernel, still serving
    metrics = service.request("GET", "/metrics").text
    assert "containerize_serve_kernel_restarts_total 0" in metrics
    assert 'containerize_serve_errors_total{kind="bad_request"} 6' in metrics
    assert "Traceback" not in service.log.read_text()


PROBE_CELL = r'''
import os

def _read(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError as err:
        return "unreadable: " + type(err).__name__

def _opens(path):
    try:
        os.close(os.open(path, os.O_RDONLY))
        return True
    except OSError:
        return False

ppid = os.getppid()
paths = [f"/proc/{ppid}/environ", f"/proc/{ppid}/cmdline", "/proc/1/environ", "/proc/1/cmdline",
         "/proc/self/environ", "/proc/self/cmdline"]
result = {"pid": os.getpid(), "ppid": ppid, "uid": os.getuid(), "environ": dict(os.environ),
          "files": {p: _read(p) for p in paths}, "parent_mem_opens": _opens(f"/proc/{ppid}/mem")}
'''


@pytest.fixture(scope="module")
def probe_dir() -> Iterator[Path]:
    """A world-readable folder with the probe notebook and the runtime, for uid 1000 too."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder = Path(tempfile.mkdtemp(prefix="serve-hardening-"))
    folder.chmod(0o755)
    cells = [new_code_cell("import os"), new_code_cell("probe = 'all'"), new_code_cell(PROBE_CELL)]
    cells[1].metadata["tags"] = ["parameters"]
    nbformat.write(new_notebook(cells=cells), folder / "probe.ipynb")
    write_runtime(folder / "serve")
    home = folder / "home"
    home.mkdir()
    os.chown(home, 1000, 1000)
    (folder / "token").write_text(TOKEN)
    (folder / "token").chmod(0o644)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.integration
@pytest.mark.parametrize("source", ["env", "file"])
def test_notebook_finds_no_token_in_any_environ_or_cmdline(serve_python: Path, probe_dir: Path,  # noqa: F811
                                                           source: str) -> None:
    """As root here (so /proc of the parent is readable: its content is what is tested)."""
    env = _service_env(probe_dir, source)
    service = _start(probe_dir, [str(serve_python)], env)
    try:
        reply = service.run({})
        assert reply.status == 200, reply.text
        found = reply.body["result"]
        assert found["ppid"] == service.process.pid  # the re-exec kept the server's pid
        _assert_no_token(found)
        assert found["files"][f"/proc/{found['ppid']}/environ"].startswith(("PATH=", "HOME=", "LANG="))
        for name in ("environ", "cmdline"):  # and seen from outside, the server's own
            assert TOKEN not in Path(f"/proc/{service.process.pid}/{name}").read_text(errors="replace")
    finally:
        service.stop()


@pytest.mark.integration
@pytest.mark.parametrize("source", ["env", "file"])
def test_as_pid_1_and_uid_1000_the_server_is_closed_to_kernels(serve_python: Path, probe_dir: Path,  # noqa: F811
                                                               source: str) -> None:
    """As in the image: the server is PID 1 of its PID namespace and runs as uid 1000, like its
    kernels; it is non-dumpable, so /proc/1/environ and /proc/1/mem stay closed to them."""
    if os.geteuid() != 0 or not _can_isolate():
        pytest.skip("needs root with unshare(1) and setpriv(1) to make a PID namespace")
    venv = serve_python.parent.parent
    mount = probe_dir / "venv"
    mount.mkdir(exist_ok=True)
    python = str(mount / "bin" / "python")
    # the venv lives under /root (0700): bind it where uid 1000 can reach it, in a private mount ns
    wrapper = ["unshare", "--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "sh", "-c",
               'mount --bind "$1" "$2" && shift 2 && exec setpriv --reuid 1000 --regid 1000 --clear-groups "$@"',
               "sh", str(venv), str(mount), python]
    service = _start(probe_dir, wrapper, _service_env(probe_dir, source))
    try:
        reply = service.run({})
        assert reply.status == 200, reply.text
        found = reply.body["result"]
        assert (found["ppid"], found["uid"]) == (1, 1000)
        _assert_no_token(found)
        assert found["files"]["/proc/1/environ"] == "unreadable: PermissionError"
        assert found["parent_mem_opens"] is False
        assert "probe.ipynb" in found["files"]["/proc/1/cmdline"]  # readable, and nothing secret in it
    finally:
        service.stop()


def _service_env(folder: Path, source: str) -> dict[str, str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder / "home"), "USER": "jovyan", "LANG": "C.UTF-8",
           "CONTAINERIZE_POOL_SIZE": "1"}
    if source == "env":
        env["CONTAINERIZE_TOKEN"] = TOKEN
    else:
        env["CONTAINERIZE_TOKEN_FILE"] = str(folder / "token")
    return env


def _start(folder: Path, command: list[str], env: dict[str, str]) -> Service:
    port = free_port()
    log = folder / f"serve-{port}.log"
    process = subprocess.Popen([*command, str(folder / "serve"), str(folder / "probe.ipynb"), "--port", str(port)],
                               stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env, cwd=str(folder))
    service = Service(process, port, log, TOKEN)
    service.wait_ready()
    return service


def _assert_no_token(found: dict[str, Any]) -> None:
    assert not any(k.startswith("CONTAINERIZE_TOKEN") for k in found["environ"])
    assert TOKEN not in json.dumps(found["environ"])
    for path, text in found["files"].items():
        assert TOKEN not in text, f"the token is readable in {path}"


def _can_isolate() -> bool:
    if not (shutil.which("unshare") and shutil.which("setpriv")):
        return False
    done = subprocess.run(["unshare", "--pid", "--fork", "--mount", "--mount-proc", "true"],
                          capture_output=True, timeout=20)
    return done.returncode == 0


def _wait_for(condition: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")
