"""Credentials never reach a stored record, an event or the CLI's output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main
from jupyterlab_containerize.cli.build_cmd import EventPrinter
from jupyterlab_containerize.errors import UnsafeValue
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.redact import redact, redact_url, redact_value
from jupyterlab_containerize.spec import EnvironmentSpec, Package, PythonInfo
from tests.builder.fakes import FakeEngine
from tests.notebooks import write_notebook

BASE = "localhost/containerize-test/python:3.11"
SECRET = "s3cretPa55"
GHP = "ghp_" + "A1b2C3d4E5" * 4
HF = "hf_" + "QwErTyUiOp" * 4
AWS = "AKIAIOSFODNN7EXAMPLE"

LEAKY_LINES = [
    (f"Looking in indexes: https://me:{SECRET}@pypi.example.com/simple", SECRET),
    (f"ProxyError('Cannot connect to proxy', http://proxyuser:{SECRET}@proxy.corp:3128)", SECRET),
    (f"  git clone https://{GHP}@github.com/org/private.git", GHP),
    (f"https://oauth2:{SECRET}@gitlab.example.com/x.git", SECRET),
    (f"export HF_TOKEN={HF}", HF),
    (f"hub token {HF} rejected", HF),
    (f"aws_access_key_id = {AWS}", AWS),
    (f"aws_secret_access_key={SECRET}", SECRET),
    (f"Authorization: Bearer {SECRET}abcdef", SECRET),
    (f"curl -H 'Authorization: token {SECRET}'", SECRET),
    (f"GET https://files.example.com/x.whl?X-Amz-Signature={SECRET}&X-Amz-Expires=300", SECRET),
    (f"https://h.example/simple?token={SECRET}", SECRET),
    (f"--index-url https://h.example/simple?password={SECRET}#egg", SECRET),
    (f"PIP_PASSWORD={SECRET}", SECRET),
    (f"https://me:p@ss{SECRET}@host.example/simple", SECRET),  # an unencoded @ in the password
]
HARMLESS = ["https://pypi.org/simple", "Installed 2 packages in 3ms", "numpy==1.26.4",
            "git@github.com:org/repo.git", "from huggingface_hub import hf_hub_download",
            "Step 2/3 : RUN uv pip install -r requirements.txt", "HF_HUB_ENABLE_HF_TRANSFER=1",
            "user@example.com wrote", "scikit-learn sk-learn", "Basic usage: token count 3"]


@pytest.mark.parametrize("line,secret", LEAKY_LINES)
def test_secrets_are_masked_and_the_rest_kept(line, secret):
    masked = redact(line)
    assert secret not in masked and "***" in masked
    assert redact(masked) == masked  # stable: redacting twice changes nothing


@pytest.mark.parametrize("line", HARMLESS)
def test_ordinary_lines_are_left_alone(line):
    assert redact(line) == line


def test_url_redaction_keeps_scheme_and_host():
    assert redact_url("https://user:pw@pypi.example.com/simple") == "https://***@pypi.example.com/simple"
    assert redact_url("https://pypi.example.com/simple") == "https://pypi.example.com/simple"


def test_nested_values_are_redacted():
    value = {"detail": f"https://me:{SECRET}@h/x", "lines": [f"token={SECRET}", 3, None], "n": 1}
    assert SECRET not in json.dumps(redact_value(value))
    assert redact_value(value)["n"] == 1 and redact_value(value)["lines"][1:] == [3, None]


def _project(tmp_path: Path) -> tuple[Path, EnvironmentSpec]:
    notebook = write_notebook((tmp_path / "nb").mkdir() or tmp_path / "nb" / "nb.ipynb", "import six")
    spec = EnvironmentSpec(source="interpreter", python=PythonInfo(version="3.11.2"),
                           packages=[Package("six", "1.16.0")])
    return notebook, spec


def _leaky_engine(fail: bool = False) -> FakeEngine:
    """pip and git echo the index URL and a token into the build log, as they do."""
    log = [{"stream": "Step 1/2 : FROM base\n"},
           {"stream": f"Looking in indexes: https://me:{SECRET}@pypi.example.com/simple\n"},
           {"stream": f"Cloning https://{GHP}@github.com/org/private.git\n"}]
    log += ([{"error": f"403 from https://me:{SECRET}@pypi.example.com/simple/six/"}] if fail
            else [{"stream": "Successfully built feed\n"}])
    engine = FakeEngine(log=log)
    engine.install_log = [{"stream": "containerize-step: uv\n"},
                          {"stream": f"proxy http://proxyuser:{SECRET}@proxy.corp:3128 said 407\n"},
                          {"stream": f"HF_TOKEN={HF}\n"}]
    return engine


@pytest.mark.parametrize("fail", [False, True], ids=["succeeded", "failed"])
def test_a_build_log_with_credentials_leaves_none_in_the_record(fail, tmp_path):
    notebook, spec = _project(tmp_path)
    manager = BuildManager(tmp_path / "builds", engine_factory=lambda: _leaky_engine(fail))
    options = BuildOptions(base_image=BASE, index_url=f"https://me:{SECRET}@pypi.example.com/simple")
    record = manager.submit(notebook, options, spec)
    final = manager.wait(record.id, 60)
    assert final.status == ("failed" if fail else "succeeded")
    stored = (tmp_path / "builds" / f"{record.id}.json").read_text()
    shown = json.dumps(manager.view(record.id))
    for text in (stored, shown):
        assert SECRET not in text and GHP not in text and HF not in text
        assert "https://***@pypi.example.com/simple" in text  # the line is kept, its secret masked
    if fail:
        assert "***" in (final.error["detail"] or "") + final.error["message"]


def test_cli_progress_masks_credentials(capsys):
    printer = EventPrinter()
    printer("log", f"Looking in indexes: https://me:{SECRET}@pypi.example.com/simple")
    printer("step", f"Step 2/3 : RUN git clone https://{GHP}@github.com/o/r", step=2, total=3)
    printer("error", f"failed: token={SECRET}")
    err = capsys.readouterr().err
    assert SECRET not in err and GHP not in err and err.count("***") == 3


def test_a_refused_index_url_is_not_echoed_with_its_password(tmp_path, capsys):
    with pytest.raises(UnsafeValue) as refused:
        BuildOptions(index_url=f"https://me:{SECRET}@pypi.example.com/simple\nx")
    assert SECRET not in str(refused.value)
    notebook, _ = _project(tmp_path)
    code = main(["build", str(notebook), "--index-url", f"ftp://me:{SECRET}@pypi.example.com/simple"])
    assert code == 2 and SECRET not in capsys.readouterr().err
