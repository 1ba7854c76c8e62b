"""Fuzz: random bodies for every endpoint against a real Jupyter server (FakeEngine: nothing builds).

Each field gets a good value, a random JSON value or nothing; bodies also come as random JSON of any
shape, random bytes, text that is not UTF-8, non-finite numbers and deep nesting. Every answer must be
2xx, or 4xx with a JSON `{code, message}` body: never a 500.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tornado.httpclient import HTTPResponse

from jupyterlab_containerize.options import BuildOptions

from .rest_setup import BROKEN, HELLO, IN_REPO, STATIC, hello_spec, rest_server_fixture  # noqa: F401 (the fixture)

FUZZ = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

no_surrogates = st.characters(blacklist_categories=("Cs",))
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8)
ODD_PATHS = ["missing.ipynb", "hello", "../outside.ipynb", "/etc/passwd", "", " ", "a" * 300,
             "hello/\x00.ipynb", "hello/hello.ipynb/..", BROKEN]


def paths(*usual: str) -> st.SearchStrategy:
    return mostly(st.sampled_from(usual), st.sampled_from(ODD_PATHS) | st.text(max_size=30))


def mostly(good: st.SearchStrategy, other: st.SearchStrategy = json_values) -> st.SearchStrategy:
    """`good` five times in six, else `other`: bodies must get past the first field to test the next."""
    return st.integers(0, 5).flatmap(lambda i: other if i == 0 else good)


# good values per build option, beside which every option also gets random JSON
GOOD_OPTIONS: dict[str, st.SearchStrategy] = {
    "target": st.sampled_from(["notebook", "batch", "serve"]),
    "tag": st.sampled_from(["hello:fuzz", "localhost/x:1", "Bad Tag"]),
    "base_image": st.sampled_from(["localhost/containerize-test/python:3.11"]),
    "python": st.sampled_from(["/usr/bin/python3", "python3"]),
    "export": st.sampled_from(["out.tar", "../out.tar"]),
    "gpu": st.sampled_from(["none", "auto", "cuda", "cuda:12.1", "cuda:x", "CPU"]),
    "ca_bundle": st.sampled_from(["hello/helper.py", "missing.pem", "/etc/ssl/certs/ca-certificates.crt"]),
    "index_url": st.sampled_from(["https://user:secret@pypi.example/simple", "ftp://x", "https://x\n"]),
    "extra_index_url": st.sampled_from(["https://pypi.example/simple"]),
    "include": st.lists(st.sampled_from(["hello/data", "../x", "helper.py"]), max_size=2),
    "verify_timeout": st.integers(-5, 5000),
}
OPTION_NAMES = [name for name in BuildOptions.__dataclass_fields__]


@st.composite
def bodies(draw: st.DrawFn, fields: dict[str, st.SearchStrategy]) -> dict[str, Any]:
    body = {name: draw(mostly(good)) for name, good in fields.items() if name == "path" or draw(st.booleans())}
    if draw(st.integers(0, 9)) == 0:
        body[draw(st.text(min_size=1, max_size=8))] = draw(json_values)  # an unknown field
    return body


@st.composite
def build_options(draw: st.DrawFn) -> dict[str, Any]:
    good = {name: GOOD_OPTIONS.get(name, st.booleans()) for name in OPTION_NAMES}
    chosen = draw(st.lists(st.sampled_from(OPTION_NAMES), max_size=5, unique=True))
    return {name: draw(mostly(good[name])) for name in chosen}


@st.composite
def specs(draw: st.DrawFn) -> Any:
    """The hello spec with one node replaced by random JSON, or deleted."""
    spec = hello_spec()
    node: Any = spec
    while isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(list(node) if isinstance(node, dict) else list(range(len(node)))))
        if not isinstance(node[key], (dict, list)) or not draw(st.booleans()):
            if draw(st.booleans()):
                node[key] = draw(json_values)
            else:
                del node[key]
            break
        node = node[key]
    return spec


def raw_bodies(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy[bytes]:
    """Well-formed bodies most of the time; then every way a body can fail to be a JSON object."""
    deep = st.builds(lambda n, o: (o[0] * n + "1" + o[1] * n).encode(), st.sampled_from([50, 2_000, 100_000]),
                     st.sampled_from([("[", "]"), ('{"path":', "}")]))
    broken = st.one_of(
        json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=40),
        st.text(alphabet=no_surrogates, max_size=30).map(lambda t: t.encode("latin-1", "replace") + b"\xff"),
        st.sampled_from([b'{"path": NaN}', b'{"timeout": Infinity}', b'{"path": "\\ud800"}', b"{}", b"",
                         b'{"path": ' + b"1" * 5000 + b"}", b'\xef\xbb\xbf{"path": "x"}']),
        deep,
    )
    return mostly(bodies(fields).map(lambda b: json.dumps(b).encode()), broken)


async def answer(jp_fetch: Callable, *parts: str, **kwargs: Any) -> HTTPResponse:
    return await jp_fetch("containerize", *parts, raise_error=False, **kwargs)


def check(response: HTTPResponse) -> Any:
    """2xx with JSON, or 4xx with `{code, message}`; never 5xx."""
    assert response.code < 500, response.body[:500]
    data = json.loads(response.body)
    if response.code >= 400:
        assert isinstance(data.get("code"), str) and isinstance(data.get("message"), str), data
        assert "Traceback" not in data["message"]
        event(f"{response.code} {data['code']}")
    else:
        event(str(response.code))
    return data


INSPECT_FIELDS = {"path": paths(STATIC), "kernel_id": st.sampled_from(["0" * 32, ""]), "timeout": st.floats(0, 700)}
BINDER_FIELDS = {
    "path": paths(STATIC, IN_REPO),
    "kernel_id": st.sampled_from(["0" * 32]),
    "binderhub_url": st.sampled_from(["https://mybinder.org", "javascript:alert(1)", "https://hub.example/\n"]),
    "provider": st.sampled_from(["gh", "gl", "git", "gist", "svn"]),
    "remote": st.sampled_from(["origin", "upstream", "-x"]),
    "force": st.booleans(),
    "dry_run": st.booleans(),
    "from_image": st.sampled_from([f"registry.example/x@sha256:{'a' * 64}", "python:3.11"]),
}
BUILD_FIELDS = {"path": paths(HELLO), "options": build_options(), "spec": specs()}


@FUZZ
@given(raw=raw_bodies(INSPECT_FIELDS))
def test_inspect_answers_4xx_not_500(jp_fetch, rest_server, jp_asyncio_loop, raw: bytes):
    check(jp_asyncio_loop.run_until_complete(answer(jp_fetch, "inspect", method="POST", body=raw)))


@FUZZ
@given(raw=raw_bodies(BUILD_FIELDS))
def test_builds_post_answers_4xx_not_500(jp_fetch, rest_server, jp_asyncio_loop, raw: bytes):
    check(jp_asyncio_loop.run_until_complete(answer(jp_fetch, "builds", method="POST", body=raw)))


@FUZZ
@given(raw=raw_bodies(BINDER_FIELDS))
def test_binder_answers_4xx_not_500(jp_fetch, rest_server, jp_asyncio_loop, raw: bytes):
    check(jp_asyncio_loop.run_until_complete(answer(jp_fetch, "binder", method="POST", body=raw)))


@FUZZ
@given(build=st.sampled_from(["started", "0123456789ab", "ffffff"]) | st.from_regex(r"[0-9a-f]{6,64}", fullmatch=True),
       since=st.none() | st.integers(-3, 10**12).map(str) | st.text(alphabet=no_surrogates, max_size=12),
       method=st.sampled_from(["GET", "GET", "DELETE"]))
def test_build_view_and_cancel_answer_4xx_not_500(jp_fetch, rest_server, jp_asyncio_loop, build, since, method):
    run = jp_asyncio_loop.run_until_complete
    if build == "started":
        body = json.dumps({"path": HELLO, "spec": hello_spec(), "options": {"target": "batch"}})
        build = check(run(answer(jp_fetch, "builds", method="POST", body=body)))["id"]
    params = {"since": since} if since is not None and method == "GET" else {}
    check(run(answer(jp_fetch, "builds", build, method=method, params=params)))
