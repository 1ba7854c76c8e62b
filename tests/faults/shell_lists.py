"""A checker for the shell the project renders: no failure may pass unnoticed.

Under `set -e` the shell ignores the failure of every command of an AND-OR list but the last, and
of every command of a pipeline but the last (without pipefail): `apt-get update && apt-get install
x` skips the install when the update fails and goes on (issue 23). So in a script, an `&&` list is
allowed only as the script's very last command (its status is the script's), `|| true` never, and
a pipeline only inside `$(...)` or under `set -o pipefail`; conditions of if/while are conditions.
A command line run as `sh -c` (a RUN line) is a script without `set -e`: one command, or `set -e`.
"""

from __future__ import annotations

from typing import Any

import bashlex

Node = Any


def script_problems(text: str, require_set_e: bool = True) -> list[str]:
    """What in `text` lets a failure pass; [] when nothing does."""
    trees = bashlex.parse(text)
    items: list[Node] = []
    for tree in trees:
        items.extend(_and_or_items(tree))
    problems: list[str] = []
    has_set_e = bool(items) and _is_set_e(items[0])
    pipefail = any(_is_set_pipefail(i) for i in items)
    if require_set_e and not has_set_e:
        problems.append("the script does not start with `set -e`")
    if not has_set_e and len(items) > 1:
        if not require_set_e:
            problems.append(f"{len(items)} commands without `set -e`: all but the last may fail unseen")
    _check_items(text, items, tail=True, pipefail=pipefail, problems=problems)
    return problems


def _check_items(text: str, items: list[Node], tail: bool, pipefail: bool, problems: list[str]) -> None:
    for n, item in enumerate(items):
        last = tail and n == len(items) - 1
        parts = item.parts if item.kind == "list" else [item]
        ops = [p.op for p in parts if p.kind == "operator"]
        commands = [p for p in parts if p.kind != "operator"]
        source = text[item.pos[0]:item.pos[1]].strip()
        if "&&" in ops and not last:
            problems.append(f"`&&` list not at the end: a failure before the last command is ignored: {source}")
        if "||" in ops and _ignores(commands[-1]):
            problems.append(f"`|| true` ignores a failure: {source}")
        for m, command in enumerate(commands):
            _check_command(text, command, last and m == len(commands) - 1, pipefail, problems)


def _check_command(text: str, node: Node, tail: bool, pipefail: bool, problems: list[str]) -> None:
    if node.kind == "pipeline":
        commands = [p for p in node.parts if p.kind not in ("pipe", "reservedword")]
        if len(commands) > 1 and not pipefail:
            problems.append(f"a pipeline's first commands may fail unseen: {text[node.pos[0]:node.pos[1]].strip()}")
        for command in commands:
            _check_command(text, command, tail, pipefail, problems)
    elif node.kind in ("if", "while", "until", "for", "compound"):
        tail = tail and node.kind not in ("while", "until", "for")  # a loop's body runs again
        for body in _bodies(node):
            _check_items(text, _and_or_items(body), tail, pipefail, problems)


def _bodies(node: Node) -> list[Node]:
    """The parts run as commands (not as conditions) of a compound command."""
    if node.kind == "compound":  # `{ ...; }`, `( ... )`, or the wrapper of an if/while/for
        return [p for p in node.list if p.kind != "reservedword"]
    bodies, running = [], False
    for part in node.parts:
        if part.kind == "reservedword":
            running = part.word in ("then", "else", "do")
            continue
        if running:
            bodies.append(part)
    return bodies


def _and_or_items(node: Node) -> list[Node]:
    """Split a list at `;`, `&` and newlines: each item is one command or one AND-OR list."""
    if node.kind != "list" or not any(p.kind == "operator" and p.op in (";", "&", "\n") for p in node.parts):
        return [node]
    items: list[Node] = []
    current: list[Node] = []
    for part in [*node.parts, None]:
        if part is None or (part.kind == "operator" and part.op in (";", "&", "\n")):
            if len(current) == 1:
                items.append(current[0])
            elif current:
                items.append(bashlex.ast.node(kind="list", parts=current,
                                              pos=(current[0].pos[0], current[-1].pos[1])))
            current = []
        else:
            current.append(part)
    return items


def _words(node: Node) -> list[str]:
    return [p.word for p in getattr(node, "parts", []) if p.kind == "word"] if node.kind == "command" else []


def _is_set_e(node: Node) -> bool:
    words = _words(node)
    return len(words) >= 2 and words[0] == "set" and any(w.startswith("-") and "e" in w for w in words[1:])


def _is_set_pipefail(node: Node) -> bool:
    words = _words(node)
    return bool(words) and words[0] == "set" and "pipefail" in words


def _ignores(node: Node) -> bool:
    return _words(node) in (["true"], [":"])
