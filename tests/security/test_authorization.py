"""jupyter_server's Authorizer is asked on every endpoint, for the resource and action that match what
the endpoint does. A server with a restrictive Authorizer (it denies what a test names) answers 403 on
each endpoint for each permission it needs, and no JupyterServerAuthWarning is raised while the
extension's handlers are registered (as the extension template's check does)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Optional

import pytest
from jupyter_server.auth import decorator
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.utils import JupyterServerAuthWarning
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.server import routes
from tests.notebooks import notebook

pytestmark = pytest.mark.filterwarnings("error::jupyter_server.utils.JupyterServerAuthWarning")

DENIED: set[tuple[str, str]] = set()
ASKED: list[tuple[str, str]] = []

READ_CONTENTS, WRITE_CONTENTS = ("read", "contents"), ("write", "contents")
EXECUTE_KERNELS = ("execute", "kernels")
READ_OWN, WRITE_OWN = ("read", "containerize"), ("write", "containerize")


class RestrictiveAuthorizer(Authorizer):
    """Denies each (action, resource) in DENIED; ("*", resource) denies every action on it."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        ASKED.append((action, resource))
        return (action, resource) not in DENIED and ("*", resource) not in DENIED


# (method, endpoint, body, the permissions it needs); bodies are valid, so a permission asked only for
# some requests (an export, a write) is reached
ENDPOINTS: list[tuple[str, str, Optional[dict[str, Any]], list[tuple[str, str]]]] = [
    ("GET", "info", None, [READ_OWN]),
    ("POST", "inspect", {"path": "nb.ipynb"}, [READ_CONTENTS, EXECUTE_KERNELS]),
    ("POST", "builds", {"path": "nb.ipynb"}, [READ_CONTENTS, EXECUTE_KERNELS, WRITE_OWN]),
    ("POST", "builds", {"path": "nb.ipynb", "options": {"export": "out.tar"}},
     [READ_CONTENTS, EXECUTE_KERNELS, WRITE_OWN, WRITE_CONTENTS]),
    ("GET", "builds", None, [READ_OWN]),
    ("GET", "builds/abcdef", None, [READ_OWN]),
    ("DELETE", "builds/abcdef", None, [WRITE_OWN]),
    ("POST", "context", {"path": "nb.ipynb"}, [READ_CONTENTS, EXECUTE_KERNELS]),
    ("POST", "binder", {"path": "nb.ipynb", "dry_run": True}, [READ_CONTENTS, EXECUTE_KERNELS]),
    ("POST", "binder", {"path": "nb.ipynb"}, [READ_CONTENTS, EXECUTE_KERNELS, WRITE_CONTENTS]),
    ("POST", "binder/builds", {"path": "nb.ipynb"}, [READ_CONTENTS, WRITE_OWN]),
    ("GET", "binder/builds", None, [READ_OWN]),
    ("GET", "binder/builds/abcdef", None, [READ_OWN]),
    ("DELETE", "binder/builds/abcdef", None, [WRITE_OWN]),
    ("POST", "lock", {"path": "nb.ipynb", "hashes": False}, [READ_CONTENTS, EXECUTE_KERNELS]),
    ("POST", "lock", {"path": "nb.ipynb", "hashes": False, "write": True},
     [READ_CONTENTS, EXECUTE_KERNELS, WRITE_CONTENTS]),
    ("POST", "record", {"kernel_id": "no-such-kernel"}, [EXECUTE_KERNELS]),
    ("GET", "record?kernel_id=no-such-kernel", None, [EXECUTE_KERNELS]),
]
CASES = [(m, e, b, perm) for m, e, b, perms in ENDPOINTS for perm in perms]
IDS = [f"{m} {e.split('?')[0]}{' +' + ','.join(sorted(b)) if b else ''} needs {a}:{r}" for m, e, b, (a, r) in CASES]


@pytest.fixture
def jp_server_config() -> dict:
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True},
                          "authorizer_class": f"{__name__}.RestrictiveAuthorizer",
                          "allow_unauthenticated_access": False}}


@pytest.fixture
def served(jp_root_dir: Path) -> Path:
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook("import json", "print(json.dumps({}))")))
    DENIED.clear()
    ASKED.clear()
    yield jp_root_dir
    DENIED.clear()


async def call(jp_fetch: Any, method: str, endpoint: str, body: Optional[dict[str, Any]]) -> tuple[int, dict]:
    path, _, query = endpoint.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&")) if query else {}
    try:
        response = await jp_fetch("containerize", *path.split("/"), method=method, params=params,
                                  body=json.dumps(body) if body is not None else None,
                                  allow_nonstandard_methods=True)
    except HTTPClientError as err:
        assert err.response is not None
        return err.code, json.loads(err.response.body or b"{}")
    return response.code, json.loads(response.body or b"{}")


@pytest.mark.parametrize("method, endpoint, body, permission", CASES, ids=IDS)
async def test_each_endpoint_asks_for_each_permission_it_needs(jp_fetch, served, method, endpoint, body, permission):
    DENIED.add(permission)
    code, answer = await call(jp_fetch, method, endpoint, body)
    assert code == 403, answer
    assert answer["code"] == "forbidden" and permission[1] in answer["message"], answer
    assert "\n" not in answer["message"]


@pytest.mark.parametrize("method, endpoint, body", sorted({(m, e, json.dumps(b)) for m, e, b, _ in ENDPOINTS}))
async def test_a_user_who_may_do_nothing_of_ours_reaches_nothing(jp_fetch, served, method, endpoint, body):
    DENIED.update({("*", "kernels"), ("*", "contents"), ("*", "containerize")})
    code, _ = await call(jp_fetch, method, endpoint, json.loads(body))
    assert code == 403


async def test_without_execute_no_code_runs_and_nothing_is_written(jp_fetch, served):
    """A user who may read and write files but not run code: the notebook is untouched and no kernel
    or interpreter was started (the record of permissions asked stops before any probe)."""
    before = (served / "nb.ipynb").read_bytes()
    DENIED.add(EXECUTE_KERNELS)
    for method, endpoint, body, needs in ENDPOINTS:
        if EXECUTE_KERNELS in needs:
            code, _ = await call(jp_fetch, method, endpoint, body)
            assert code == 403, (method, endpoint)
    assert (served / "nb.ipynb").read_bytes() == before
    assert not (served / "binder").exists()


@pytest.mark.parametrize("method, endpoint, body", [
    ("GET", "info", None), ("GET", "builds", None), ("GET", "binder/builds", None),
    ("POST", "inspect", {"path": "missing.ipynb"}),
])
async def test_allowed_requests_pass_the_authorizer(jp_fetch, served, method, endpoint, body):
    code, answer = await call(jp_fetch, method, endpoint, body)
    assert code != 403, answer
    assert ASKED  # the Authorizer was asked


def test_no_handler_lacks_authentication_or_authorization(jp_serverapp):
    """The template's check: registering the handlers raises no JupyterServerAuthWarning; and every
    method of every handler is wrapped by jupyter_server's @authorized."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", JupyterServerAuthWarning)
        for module in routes.FEATURE_MODULES:
            for sub_path, handler in module.HANDLERS:
                assert jp_serverapp.web_app._check_handler_auth(sub_path, handler) == []
                for name in ("get", "post", "put", "patch", "delete"):
                    if name in vars(handler):
                        assert _wrapped_by_authorized(vars(handler)[name]), f"{handler.__name__}.{name}"


def _wrapped_by_authorized(method: Any) -> bool:
    while method is not None:
        code = getattr(method, "__code__", None)  # functools.wraps copies the name: the code tells
        if code is not None and code.co_filename == decorator.__file__ and code.co_name == "inner":
            return True
        method = getattr(method, "__wrapped__", None)
    return False
