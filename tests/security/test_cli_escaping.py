"""The CLI escapes terminal control characters and bidi overrides in anything it prints: a notebook's
file names, a lock's `as_of`, error messages. Newlines and tabs stay; --json stays valid JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_containerize.cli import main
from jupyterlab_containerize.cli.terminal import UNSAFE, EscapingStream, escape
from jupyterlab_containerize.inspect.notebook_lock import lock_from_spec
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.notebooks import notebook

from .conftest import hello_spec

HOSTILE = "\x1b]0;owned\x07\x1b[2J\u202egnp.exe\x9b31m\r"
BAD = ("\x1b", "\x07", "\u202e", "\x9b", "\r")


@settings(max_examples=300)
@given(st.text())
def test_escaped_text_holds_no_control_and_keeps_lines(text: str):
    out = escape(text)
    assert UNSAFE.search(out) is None
    assert out.count("\n") == text.count("\n") and out.count("\t") == text.count("\t")


def test_the_stream_escapes_and_counts_what_it_was_given():
    buffer = io.StringIO()
    stream = EscapingStream(buffer)  # type: ignore[arg-type]
    assert stream.write(HOSTILE) == len(HOSTILE)
    assert buffer.getvalue() == "\\x1b]0;owned\\x07\\x1b[2J\\u202egnp.exe\\x9b31m\\x0d"


@pytest.fixture
def hostile_notebook(tmp_path: Path) -> Path:
    lock = lock_from_spec(EnvironmentSpec.from_dict(hello_spec()))
    lock["as_of"] = f"2024-01-01{HOSTILE}"
    nb = notebook(f"import six\nopen({'data' + HOSTILE + '.csv'!r})")
    nb["metadata"]["containerize"] = {"lock": lock}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    return path


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_inspect_prints_no_control_character(hostile_notebook: Path, capsys, as_json: bool):
    code = main(["inspect", str(hostile_notebook), *(["--json"] if as_json else [])])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert not any(b in out + err for b in BAD), repr(out + err)
    if as_json:
        assert json.loads(out)["as_of"].startswith("2024-01-01\x1b")  # the value itself is kept, escaped by JSON
    else:
        assert "\\x1b]0;owned" in out or "\\x1b" in out


def test_errors_print_no_control_character(tmp_path: Path, capsys):
    code = main(["inspect", str(tmp_path / f"missing{HOSTILE}.ipynb")])
    out, err = capsys.readouterr()
    assert code != 0 and not any(b in out + err for b in BAD), repr(err)
