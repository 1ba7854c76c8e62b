"""Batch manifests never carry a secret-looking parameter default in a container's args: it goes into
a Kubernetes Secret, reached through env from a secretKeyRef and `$(VAR)` in the args."""

from __future__ import annotations

import json
import string

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_containerize.deploy import BatchJob, batch_manifests
from jupyterlab_containerize.deploy.files import FILE_NAMES, render_yaml

TOKEN = "ghp_" + "Ab1" * 12


def containers(docs: list[dict]) -> list[dict]:
    pods = [d["spec"]["template"]["spec"] for d in docs if d["kind"] == "Job"]
    pods += [d["spec"]["jobTemplate"]["spec"]["template"]["spec"] for d in docs if d["kind"] == "CronJob"]
    return [c for pod in pods for c in pod["containers"]]


def test_secret_parameters_go_into_a_secret_and_plain_ones_stay_args():
    job = BatchJob(name="report", image="img:1", parameters={
        "api_key": "abc123def", "DB_PASSWORD": "hunter22", "greeting": TOKEN, "rows": 10, "title": "Q3"})
    docs = batch_manifests(job)
    secret = next(d for d in docs if d["kind"] == "Secret")
    assert secret["stringData"] == {"api_key": '"abc123def"', "DB_PASSWORD": '"hunter22"',
                                    "greeting": json.dumps(TOKEN)}
    for container in containers(docs):
        args = container["args"]
        assert "abc123def" not in json.dumps(args) and TOKEN not in json.dumps(args)
        assert args[args.index("rows") + 1] == "10" and args[args.index("title") + 1] == '"Q3"'
        assert args[args.index("api_key") + 1] == "$(CONTAINERIZE_PARAM_API_KEY)"
        refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e}
        assert refs["CONTAINERIZE_PARAM_API_KEY"] == {"name": "report-parameters", "key": "api_key"}
    assert FILE_NAMES["Secret"] == "secret.yaml"


def test_no_secret_no_secret_manifest():
    docs = batch_manifests(BatchJob(name="r", image="img:1", parameters={"rows": 1}))
    assert all(d["kind"] != "Secret" for d in docs)


@settings(max_examples=100, deadline=None)
@given(prefix=st.text(string.ascii_lowercase + "_", max_size=6),
       word=st.sampled_from(["password", "token", "api_key", "secret", "apikey", "access_key", "passwd", "key"]),
       value=st.text(string.ascii_letters + string.digits, min_size=6, max_size=30))
def test_a_secret_looking_name_never_reaches_args(prefix: str, word: str, value: str):
    name = f"{prefix}_{word}" if prefix else word
    name = name.upper() if len(prefix) % 2 else name
    docs = batch_manifests(BatchJob(name="r", image="img:1", parameters={name: value, "n": 1}))
    for container in containers(docs):
        assert json.dumps(value) not in container["args"]
    secret = next(d for d in docs if d["kind"] == "Secret")
    assert yaml.safe_load(render_yaml(secret))["stringData"] == {name: json.dumps(value)}
