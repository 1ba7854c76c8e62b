"""Contracts under the handlers: every POST body through schemas.py, and inspection that needs no web
framework's types (the server layer answers for tornado's)."""

from __future__ import annotations

import json

import pytest
from jupyter_client.multikernelmanager import MultiKernelManager

from jupyterlab_containerize.errors import InvalidRequest, KernelNotFound
from jupyterlab_containerize.inspect.probe import kernel_manager_for
from jupyterlab_containerize.server.schemas import ContextBody, RecordBody, parse_body


def body(data: object) -> bytes:
    return json.dumps(data).encode()


def test_the_context_body_is_checked_field_by_field():
    parsed = parse_body(ContextBody, body({"path": "a.ipynb", "spec": {"packages": []}, "kernel_id": None}))
    assert parsed.path == "a.ipynb" and parsed.spec == {"packages": []} and parsed.options is None
    for bad, named in [({"path": "a.ipynb", "spec": "text"}, "'spec'"), ({"path": 3}, "'path'"),
                       ({"path": "a.ipynb", "kernel_id": 7}, "'kernel_id'"), ({}, "'path'"),
                       ({"path": "a.ipynb", "spek": {}}, "spek")]:
        with pytest.raises(InvalidRequest) as err:
            parse_body(ContextBody, body(bad))
        assert named in err.value.message and "\n" not in err.value.message


def test_the_record_body_needs_a_kernel_id():
    assert parse_body(RecordBody, body({"kernel_id": "k1"})).kernel_id == "k1"
    with pytest.raises(InvalidRequest):
        parse_body(RecordBody, body({}))


def test_an_unknown_kernel_is_kernel_not_found_without_tornado():
    with pytest.raises(KernelNotFound) as err:
        kernel_manager_for(MultiKernelManager(), "no-such-kernel")
    assert err.value.status == 404 and "no-such-kernel" in err.value.message
