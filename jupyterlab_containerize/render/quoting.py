"""How a validated value is written into each kind of file: one function per output kind.

Renderers never paste a value into a file by hand; they call one of these, and each checks the
value is one line first (validate.py). YAML and JSON files are written by their libraries.
"""

from __future__ import annotations

import json
import shlex

from ..validate import safe_image_ref, safe_requirement, single_line

# What Docker's word processing (ENV, LABEL, COPY...) reads as special: escaped with a backslash.
_DOCKER_WORD_SPECIALS = ("\\", "$", '"', "'")
# What stays special inside a shell's double quotes.
_SHELL_DQUOTE_SPECIALS = ("\\", "$", '"', "`")


def dockerfile_value(value: str) -> str:
    """A double-quoted ENV or LABEL value: `"` and `\\` escaped, `$` kept literal."""
    single_line(value, "value")
    return '"' + _escape(value, ("\\", "$", '"')) + '"'


def dockerfile_exec_form(items: list[str]) -> str:
    """The JSON array of CMD, ENTRYPOINT and HEALTHCHECK: Docker runs it with no shell and no
    variable expansion, so JSON escaping is all it needs."""
    for item in items:
        single_line(item, "command argument")
    return json.dumps(items)


def dockerfile_copy_form(paths: list[str]) -> str:
    """The JSON array of COPY: Docker expands `$VAR` and reads quotes in each path, so those are
    escaped for it first (glob characters are refused by validate.safe_file_name)."""
    for path in paths:
        single_line(path, "path")
    return json.dumps([_escape(p, _DOCKER_WORD_SPECIALS) for p in paths])


def dockerfile_image(ref: str, what: str = "base image") -> str:
    """An image after FROM: there is no quoting in FROM, so only a valid reference gets there."""
    return safe_image_ref(ref, what)


def shell_word(value: str) -> str:
    """One word of a POSIX shell script, whatever it holds."""
    return shlex.quote(single_line(value, "script argument"))


def shell_dquote(text: str) -> str:
    """A double-quoted shell string (echo's messages): `$`, backquote, `"` and `\\` escaped."""
    return '"' + _escape(single_line(text, "script message"), _SHELL_DQUOTE_SPECIALS) + '"'


def requirements_text(lines: list[str], header: str = "") -> str:
    """A requirements file: one checked requirement per line, nothing else."""
    return header + "".join(f"{safe_requirement(line)}\n" for line in lines)


def _escape(text: str, specials: tuple[str, ...]) -> str:
    return "".join(f"\\{ch}" if ch in specials else ch for ch in text)
