"""A request body -> JSON, strictly: what reaches a kernel must be JSON a kernel can carry back.

Checked here, on the server, before any kernel sees the body (each refusal a 400 naming it):
- UTF-8 only, strictly: invalid bytes and encoded surrogates are refused;
- no lone surrogate ("\\ud800") in any key or string: a kernel cannot encode one into its reply, so
  the request would hang until the timeout and the kernel be restarted (setup included);
- nesting no deeper than `max_depth`, at most `max_items` values: the parser recurses once per level;
- numbers: no NaN / Infinity literals, no float that overflows to infinity (1e999), no integer
  outside the signed 64-bit range (NumPy's int64, what most notebooks turn them into).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from .errors import BadRequest

INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_INT_DIGITS = len(str(INT_MAX))  # a longer literal is out of range: no need to convert it
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string, escapes included
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")
_NO_SPACE = {ord(c): None for c in " \t\n\r"}  # JSON's whitespace
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # the only way a surrogate gets past strict UTF-8
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class JSONLimits:
    max_depth: int = 32
    max_items: int = 100_000


DEFAULT_LIMITS = JSONLimits()


class InvalidBody(BadRequest):
    """A 400 whose `code` says which rule the body broke."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, name="InvalidJSON", code=code)


def parse_json_body(body: bytes, limits: JSONLimits = DEFAULT_LIMITS) -> Any:
    """The body's JSON value, or InvalidBody: invalid_unicode, too_deep, too_many_items,
    number_out_of_range or invalid_json. Structure is checked on the text first (C-speed regexes:
    no Python step per value), so even a 1 MiB body holds the event loop for tens of milliseconds."""
    text = _utf8(body)
    skeleton = _STRING.sub('""', text).translate(_NO_SPACE)
    if nesting_depth(skeleton, limits.max_depth) > limits.max_depth:
        raise InvalidBody("too_deep", f"The body nests more than {limits.max_depth} levels deep; "
                                      f"at most {limits.max_depth} are accepted.")
    if value_count(skeleton) > limits.max_items:
        raise InvalidBody("too_many_items", f"The body holds {value_count(skeleton)} values (arrays, objects "
                                            f"and their members together); at most {limits.max_items}.")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int,
                           parse_float=_finite_float)
    except InvalidBody:
        raise
    except RecursionError:  # unbalanced brackets the depth scan cannot measure: still a 400
        raise InvalidBody("too_deep", f"The body nests too deeply; at most {limits.max_depth} levels "
                                      "are accepted.") from None
    except ValueError as err:
        raise InvalidBody("invalid_json", f"The body is not valid JSON: {err}") from None
    if _SURROGATE_ESCAPE.search(text):  # a pair is fine (an emoji from an ASCII-only client): look closer
        _check_strings(value)
    return value


def nesting_depth(skeleton: str, limit: int) -> int:
    """How deep balanced brackets nest (strings removed beforehand), counted up to limit + 1:
    each pass removes the innermost empty pairs, so a pass is one level."""
    brackets = _NOT_BRACKET.sub("", skeleton)
    for level in range(1, limit + 2):
        brackets, removed = _INNERMOST.subn("", brackets)
        if not brackets or not removed:  # done, or unbalanced: json.loads says what is wrong
            return level if not brackets else 0
    return limit + 1


def value_count(skeleton: str) -> int:
    """Values in the JSON (strings removed, no whitespace): the root, one per comma, and the first
    member of every non-empty array or object."""
    containers = skeleton.count("[") + skeleton.count("{") - skeleton.count("[]") - skeleton.count("{}")
    return (1 if skeleton else 0) + skeleton.count(",") + containers


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")  # strict: refuses encoded surrogates too, unlike json.loads(bytes)
    except UnicodeDecodeError as err:
        bad = body[err.start:err.end].hex(" ")
        raise InvalidBody("invalid_unicode", f"The body is not valid UTF-8: byte(s) {bad} at offset "
                                             f"{err.start}. Send JSON encoded as UTF-8.") from None


def _check_strings(value: Any) -> None:
    """Every string and member name, iteratively; a path is spelled out only for containers."""
    stack: list[tuple[str, Any, Any]] = [("$", None, value)]
    while stack:
        parent, segment, item = stack.pop()
        if isinstance(item, str):
            _check_string(item, parent, segment)
        elif isinstance(item, dict):
            path = _join(parent, segment)
            for key in item:
                _check_string(key, path, key, name=True)
            stack.extend((path, key, member) for key, member in item.items())
        elif isinstance(item, list):
            path = _join(parent, segment)
            stack.extend((path, i, member) for i, member in enumerate(item))


def _check_string(text: str, parent: str, segment: Any, name: bool = False) -> None:
    found = _SURROGATE.search(text)
    if found:
        where = f"{'The member name' if name else 'The string'} at {_join(parent, segment)}"
        raise InvalidBody("invalid_unicode", f"{where} holds a lone surrogate (\\u{ord(found.group()):04x}): "
                                             "JSON strings must be valid Unicode. Pair it or remove it.")


def _join(parent: str, segment: Any) -> str:
    if segment is None:
        return parent
    return f"{parent}[{segment}]" if isinstance(segment, int) else f"{parent}.{_printable(segment)}"


def _printable(key: str) -> str:
    shown = json.dumps(key)[1:-1]  # escapes surrogates and control characters
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _refuse_constant(name: str) -> Any:
    raise InvalidBody("number_out_of_range", f"{name} is not a JSON number; send a finite number or null.")


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) <= _INT_DIGITS:
        number = int(literal)
        if INT_MIN <= number <= INT_MAX:
            return number
    raise InvalidBody("number_out_of_range", f"The integer {_shorten(literal)} is out of range: integers "
                                             f"must lie between {INT_MIN} and {INT_MAX}.")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise InvalidBody("number_out_of_range", f"The number {_shorten(literal)} is out of range: it "
                                                 "overflows a 64-bit float.")
    return number


def _shorten(literal: str) -> str:
    return literal if len(literal) <= 30 else f"{literal[:12]}...{literal[-6:]} ({len(literal)} characters)"
