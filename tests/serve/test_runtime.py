"""Integration tests of the serving runtime as a process: real kernels, HTTP on 127.0.0.1, no Docker."""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from .conftest import Reply, Service

pytestmark = pytest.mark.integration

FAST = {"CONTAINERIZE_POOL_SIZE": "2", "CONTAINERIZE_TIMEOUT": "3", "CONTAINERIZE_INTERRUPT_GRACE": "1.5",
        "CONTAINERIZE_MAX_BODY_BYTES": "4096"}


@pytest.fixture(scope="module")
def basic(start_service: Any) -> Service:
    """basic.ipynb with two kernels; the tests below share it."""
    return start_service("basic.ipynb", FAST)


@pytest.fixture(scope="module")
def single(start_service: Any) -> Service:
    """One kernel, no queue, a token: for 401, 503 and kill-recovery."""
    env = {"CONTAINERIZE_POOL_SIZE": "1", "CONTAINERIZE_QUEUE_SIZE": "0", "CONTAINERIZE_TIMEOUT": "20"}
    return start_service("basic.ipynb", env, token="s3cret-token")


def test_run_returns_result_and_tagged_outputs(basic: Service) -> None:
    reply = basic.run({"x": 7, "name": "ada", "options": {"b": [1]}, "maybe": 3.5})
    assert reply.status == 200, reply.text
    result = reply.body["result"]
    assert (result["x"], result["name"], result["options"], result["maybe"]) == (7, "ada", {"b": [1]}, 3.5)
    assert result["scale"] == 1.5 and result["items"] == [1, 2]  # defaults
    assert result["nan"] is None and result["tuple"] == [1, 2]  # made JSON
    outputs = reply.body["outputs"]
    assert {o["cell"] for o in outputs} == {5}
    assert outputs[0] == {"output_type": "stream", "name": "stdout", "text": "hello ada\n", "cell": 5}
    assert outputs[1]["data"]["application/json"] == {"x": 7}
    assert outputs[2]["data"]["image/png"].startswith("iVBORw0KGgo")
    assert outputs[3]["data"]["text/plain"] == "14"


def test_empty_body_uses_defaults(basic: Service) -> None:
    reply = basic.request("POST", "/run")
    assert reply.status == 200 and reply.body["result"]["x"] == 1


def test_bad_json_and_unknown_parameter_are_400(basic: Service) -> None:
    reply = basic.request("POST", "/run", b'{"x": ')
    assert reply.status == 400 and reply.body["error"] == "InvalidJSON"
    reply = basic.run({"x": 1, "bogus": 2})
    assert reply.status == 400 and reply.body["error"] == "UnknownParameter"
    assert "bogus" in reply.body["message"]
    reply = basic.run({"x": "seven"})
    assert reply.status == 400 and "integer" in reply.body["message"]


def test_cell_error_is_500_with_its_message_and_no_traceback(basic: Service) -> None:
    reply = basic.run({"x": 3, "name": "raise"})
    assert reply.status == 500
    assert reply.body == {"error": "ValueError", "code": "cell_error", "message": "bad name 3", "cell": 4}
    assert basic.run({"x": 4}).status == 200  # the kernel keeps serving


def test_state_never_leaks_between_requests(basic: Service) -> None:
    for n in range(4):  # both kernels serve some of these
        result = basic.run({"x": n, "name": f"n{n}"}).body["result"]
        assert result["saw_leftover"] is False  # `leftover` made by an earlier request is gone
        assert result["saw_shared"] == "setup"  # a setup name rebound by a request is restored
        assert result["name"] == f"n{n}"
    assert basic.run({}).body["result"]["name"] == "world"  # defaults again, not the last override


def test_parallel_requests_get_their_own_results(basic: Service) -> None:
    def call(n: int) -> Reply:
        return basic.run({"x": n, "name": f"p{n}"})

    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(call, range(16)))
    assert all(r.status == 200 for r in replies), [r.text for r in replies if r.status != 200]
    assert [r.body["result"]["x"] for r in replies] == list(range(16))
    assert [r.body["result"]["name"] for r in replies] == [f"p{n}" for n in range(16)]
    assert len({r.body["result"]["pid"] for r in replies}) == 2  # both kernels worked


def test_timeout_interrupts_and_answers_504(basic: Service) -> None:
    started = time.monotonic()
    reply = basic.run({"x": 30, "name": "sleep"})
    assert reply.status == 504 and reply.body["error"] == "Timeout"
    assert time.monotonic() - started < 6
    _wait_for(lambda: basic.request("GET", "/health").body["kernels"]["idle"] == 2)  # recovered
    assert 'kernel_restarts_total 0' in basic.request("GET", "/metrics").text
    pids = {basic.run({"x": n}).body["result"]["pid"] for n in range(6)}
    assert len(pids) == 2  # both kernels serve again: the interrupt was enough, nothing restarted


def test_uninterruptible_cell_gets_its_kernel_replaced(basic: Service) -> None:
    before = {basic.run({"x": n}).body["result"]["pid"] for n in range(4)}
    reply = basic.run({"x": 60, "name": "stubborn"})
    assert reply.status == 504
    _wait_for(lambda: 'kernel_restarts_total 1' in basic.request("GET", "/metrics").text
              and basic.request("GET", "/health").body["kernels"]["idle"] == 2)
    after = {basic.run({"x": n}).body["result"]["pid"] for n in range(6)}
    assert len(after) == 2 and len(after - before) == 1


def test_body_limit_is_413(basic: Service) -> None:
    reply = basic.run({"name": "y" * 5000})
    assert reply.status == 413 and reply.body["error"] == "PayloadTooLarge"
    assert basic.run({"x": 2}).status == 200


def test_openapi_from_the_parameters_cell(basic: Service) -> None:
    doc = basic.request("GET", "/openapi.json").body
    props = doc["components"]["schemas"]["Parameters"]["properties"]
    assert props["name"] == {"type": "string", "default": "world"}
    assert props["items"] == {"type": "array", "default": [1, 2]}
    assert "security" not in doc["paths"]["/run"]["post"]


def test_metrics_count_requests_and_errors(basic: Service) -> None:
    basic.run({"nope": 1})
    text = basic.request("GET", "/metrics").text
    assert 'containerize_serve_requests_total{code="200"}' in text
    assert 'containerize_serve_errors_total{kind="bad_request"}' in text
    assert 'containerize_serve_kernels{state="idle"}' in text
    assert "containerize_serve_request_duration_seconds_count" in text


def test_unknown_path_is_json_404(basic: Service) -> None:
    reply = basic.request("GET", "/nope")
    assert reply.status == 404 and reply.body["error"] == "NotFound"


def test_token_is_required(single: Service) -> None:
    for header in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-token"}):
        anonymous = Service(single.process, single.port, single.log, token=None)
        reply = anonymous.request("POST", "/run", b"{}", header)
        assert reply.status == 401 and reply.body["error"] == "Unauthorized"
        assert {k.lower(): v for k, v in reply.headers.items()}["www-authenticate"].startswith("Bearer")
    assert anonymous.request("GET", "/openapi.json").status == 401
    assert anonymous.request("GET", "/health").status == 200  # probes carry no token
    assert single.run({"x": 1}).status == 200


def test_queue_full_is_503(single: Service) -> None:
    slow = threading.Thread(target=single.run, args=({"x": 3, "name": "sleep"},))
    slow.start()
    _wait_for(lambda: single.request("GET", "/health").body["kernels"]["busy"] == 1)
    reply = single.run({"x": 1})
    slow.join()
    assert reply.status == 503 and reply.body["error"] == "QueueFull"
    assert reply.headers.get("Retry-After") == "1"
    assert single.run({"x": 1}).status == 200


def test_killed_kernel_is_replaced(single: Service) -> None:
    pid = single.run({"x": 1}).body["result"]["pid"]
    replies: list[Reply] = []
    slow = threading.Thread(target=lambda: replies.append(single.run({"x": 30, "name": "sleep"})))
    slow.start()
    _wait_for(lambda: single.request("GET", "/health").body["kernels"]["busy"] == 1)
    os.kill(pid, signal.SIGKILL)
    slow.join(30)
    assert replies[0].status == 500 and replies[0].body["error"] == "KernelDied"
    _wait_for(lambda: single.request("GET", "/health").status == 200, timeout=60)
    new_pid = single.run({"x": 2}).body["result"]["pid"]
    assert new_pid != pid
    os.kill(new_pid, signal.SIGKILL)  # dies while idle: the next request still succeeds
    time.sleep(0.2)
    reply = single.run({"x": 3})
    assert reply.status == 200 and reply.body["result"]["pid"] not in (pid, new_pid)


def test_notebook_without_parameters_runs_whole_per_request(start_service: Any) -> None:
    service = start_service("plain.ipynb", {"CONTAINERIZE_POOL_SIZE": "1"})
    for _ in range(3):
        assert service.run().body["result"] == {"answer": 42, "calls": 1}  # nothing carried over
    assert service.run({"x": 1}).status == 400


def test_health_is_503_until_the_pool_is_warm(start_service: Any) -> None:
    service = start_service("basic.ipynb", {"SETUP_SLEEP": "3", "CONTAINERIZE_POOL_SIZE": "1"}, wait=False)
    _wait_for(lambda: _answers(service))
    reply = service.request("GET", "/health")
    assert reply.status == 503 and reply.body["status"] == "starting"
    assert service.request("GET", "/health?probe=live").status == 200  # liveness: do not kill setup
    assert service.run({}).status == 503
    service.wait_ready()
    assert service.run({}).status == 200


def test_failing_setup_stops_the_service(start_service: Any) -> None:
    service = start_service("broken_setup.ipynb", {"CONTAINERIZE_POOL_SIZE": "1"}, wait=False)
    assert service.process.wait(60) == 1
    assert "setup cannot load the model" in service.log.read_text()


def test_debug_adds_the_traceback(start_service: Any) -> None:
    service = start_service("basic.ipynb", {"CONTAINERIZE_POOL_SIZE": "1", "CONTAINERIZE_DEBUG": "1"})
    reply = service.run({"name": "raise"})
    assert reply.status == 500 and any("ValueError" in line for line in reply.body["traceback"])


def _answers(service: Service) -> bool:
    try:
        service.request("GET", "/health", timeout=1)
    except OSError:
        return False
    return True


def _wait_for(condition: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_chunked_body_over_the_limit_is_413(basic: Service) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", basic.port, timeout=30)
    chunks = iter([b'{"name": "', b"z" * 3000, b"z" * 3000, b'"}'])
    conn.request("POST", "/run", body=chunks, encode_chunked=True,
                 headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"})
    response = conn.getresponse()
    assert response.status == 413 and json.loads(response.read())["error"] == "PayloadTooLarge"
    conn.close()


def test_sigterm_lets_the_running_request_finish(start_service: Any) -> None:
    service = start_service("basic.ipynb", {"CONTAINERIZE_POOL_SIZE": "1"})
    replies: list[Reply] = []
    slow = threading.Thread(target=lambda: replies.append(service.run({"x": 2, "name": "sleep"})))
    slow.start()
    _wait_for(lambda: service.request("GET", "/health").body["kernels"]["busy"] == 1)
    service.process.send_signal(signal.SIGTERM)
    _wait_for(lambda: service.request("GET", "/health").body.get("status") == "stopping", timeout=5)
    assert service.run({}).status == 503  # nothing new once stopping
    slow.join(30)
    assert replies[0].status == 200
    assert service.process.wait(30) == 0


def test_sigterm_during_setup_stops_at_once(start_service: Any) -> None:
    service = start_service("basic.ipynb", {"SETUP_SLEEP": "60", "CONTAINERIZE_POOL_SIZE": "1"}, wait=False)
    _wait_for(lambda: _answers(service))
    service.process.send_signal(signal.SIGTERM)
    assert service.process.wait(20) == 0
