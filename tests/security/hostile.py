"""Hostile strings, and the shape of each kind of rendered file, for the security property tests.

A rendered file keeps its shape when a value changes only what a word holds: the same Dockerfile
instructions with the same number of arguments, the same script lines with the same number of
shell words and expansions, one requirement per line. The tests compare a hostile rendering's
shape with the shapes benign values give.
"""

from __future__ import annotations

import json
import shlex
import string

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from jupyterlab_containerize.errors import InvalidRequest, InvalidSpec, UnsafeValue
from jupyterlab_containerize.validate import safe_requirement

# The typed refusals: anything else a hostile value raises is a bug.
REFUSED = (UnsafeValue, InvalidRequest, InvalidSpec)
# Bounded runs: the suite stays fast; no example database written into the repository.
FAST = settings(max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# What ends a line, starts a command or an expansion, or hides text, somewhere we write to.
TRICKS = ["\n", "\r", "\r\n", "\x00", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\t",
          "'", '"', "`", "$(id)", "`id`", "${HOME}", "$HOME", ";", "&&", "|", "\\", " ", "#",
          " --index-url https://evil.example/simple", "-r /etc/passwd", "\u202e", "\ufeff", "*",
          "[", "]", "?", "..", "/", "@", "==", "; python_version < '4'", "\\\n", "\nRUN evil",
          "\nevil", "\n!**", "=", ":", "é", "\u3000"]
# Values that pass when alone: a trick added to them is the `re.match(...$)` class of bug.
PLAUSIBLE = ["curl", "numpy", "1.0", "2.31.0", "MY_VAR", "python3", "3.11", "3.11.2", "data.csv",
             "https://pypi.example.com/simple", "localhost/x:1", "git", "abc123", "my-env"]
_WORD = st.text(alphabet=string.ascii_letters + string.digits + "._-", max_size=8)

hostile_text = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(TRICKS), _WORD, st.sampled_from(PLAUSIBLE)), max_size=6).map("".join),
    st.builds(lambda v, t: v + t, st.sampled_from(PLAUSIBLE), st.sampled_from(TRICKS)),
    st.builds(lambda t, v: t + v, st.sampled_from(TRICKS), st.sampled_from(PLAUSIBLE)),
    st.sampled_from(PLAUSIBLE),
)


def logical_lines(text: str) -> list[str]:
    """Dockerfile lines with `\\` continuations joined, comments and blank lines left out."""
    lines, current = [], ""
    for line in text.split("\n"):
        if current == "" and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        lines.append(current + line)
        current = ""
    return lines


def dockerfile_shape(text: str) -> tuple:
    """(INSTRUCTION, number of arguments) per instruction; the data-folder COPY is left out
    (whether there is one depends on which files exist, not on quoting)."""
    shape = []
    for line in logical_lines(text):
        keyword, _, rest = line.partition(" ")
        if keyword == "COPY" and " work/ " in rest:
            continue
        words = rest.split(" ")
        while words and words[0].startswith("--"):  # COPY --chown / --from, HEALTHCHECK --interval
            words.pop(0)
        rest = " ".join(words)
        if keyword == "HEALTHCHECK":
            rest = rest.removeprefix("CMD ")
        shape.append((keyword, _arguments(rest)))
    return tuple(shape)


def _arguments(rest: str) -> int:
    if rest.startswith("["):
        try:
            value = json.loads(rest)
        except ValueError:
            return -1
        return len(value) if isinstance(value, list) and all(isinstance(v, str) for v in value) else -1
    try:
        return len(shlex.split(rest))
    except ValueError:  # an unclosed quote
        return -1


def script_shape(text: str) -> tuple:
    """Per line: the number of shell words (operators split off) and of live expansions."""
    assert len(text.splitlines()) == text.count("\n"), "a line break other than \\n"
    shape = []
    for line in text.split("\n"):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            words = len(list(lexer))
        except ValueError:
            words = -1
        shape.append((words, live_expansions(line)))
    return tuple(shape)


def live_expansions(line: str) -> int:
    """`$` and backquotes a POSIX shell would expand: outside single quotes, not escaped."""
    count, quote, escaped = 0, "", False
    for ch in line:
        if escaped:
            escaped = False
        elif quote == "'":
            quote = "" if ch == "'" else quote
        elif ch == "\\":
            escaped = True
        elif ch == "'" and not quote:
            quote = "'"
        elif ch == '"':
            quote = "" if quote == '"' else '"'
        elif ch in "$`":
            count += 1
    return count


def unquote_double(quoted: str, escapable: str) -> str:
    """What a shell (which escapes $ ` " and backslash) or Docker (no backquote) reads from "..."."""
    assert quoted[0] == quoted[-1] == '"' and len(quoted) >= 2
    out, chars = [], iter(quoted[1:-1])
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append(nxt if nxt in escapable else ch + nxt)
        else:
            assert ch not in '"' + ("$`" if "`" in escapable else "$"), f"live {ch!r} in {quoted!r}"
            out.append(ch)
    return "".join(out)


def docker_word(word: str) -> str:
    """What Docker's word processing (COPY, ENV) reads from an unquoted word: no live $ or quote."""
    out, chars = [], iter(word)
    for ch in chars:
        if ch == "\\":
            out.append(next(chars))
        else:
            assert ch not in "$'\"", f"live {ch!r} in {word!r}"
            out.append(ch)
    return "".join(out)


def requirements_shape(text: str) -> int:
    """The number of requirements; every non-comment line must be one valid requirement."""
    assert len(text.splitlines()) == text.count("\n"), "a line break other than \\n"
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    for line in lines:
        safe_requirement(line)
    return len(lines)
