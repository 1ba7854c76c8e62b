"""Dataclasses from untrusted JSON: every value is checked against its field's type annotation.

Build options, the environment spec and the REST request bodies are declared as dataclasses; this
turns parsed JSON into them, or raises one typed error that names the field
(`'options.push' must be true or false.`), never a TypeError or a KeyError.

Types understood: bool, int (never a bool), float (finite; an int is accepted), str (valid Unicode),
Optional[X], Literal[...], list[X], dict[str, X], Any, and nested dataclasses.
Field metadata may add: `range=(lo, hi)` for numbers, `choices=(...)` for strings chosen at run
time, and `check=callable` + `expect="what is accepted"` for strings of a form the callable parses;
`server_only=True` marks a field the server sets (the admin's secret policy): JSON naming it is refused.
"""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from .errors import ContainerizeError, InvalidRequest

T = TypeVar("T")
_SHOWN = 40  # characters of a user's value or key quoted back in a message


@dataclass(frozen=True)
class _Context:
    error: type[ContainerizeError]
    ignore_unknown: bool  # the spec ignores fields of newer versions; requests refuse them


def from_json(cls: type[T], data: Any, where: str = "", error: type[ContainerizeError] = InvalidRequest,
              ignore_unknown: bool = False) -> T:
    """`cls` built from `data`; `where` names it in messages ('' for a request body itself)."""
    return _dataclass(cls, data, where, _Context(error, ignore_unknown))


def describe(hint: Any) -> str:
    """What a value of this type looks like, in the words of an error message."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Union:
        named = [describe(a) for a in args if a is not type(None)]
        return " or ".join(named) + (" or null" if type(None) in args else "")
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin is list:
        return f"a list of {_plural(args[0])}"
    if origin is dict or dataclasses.is_dataclass(hint):
        return "a JSON object"
    return {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}.get(hint, "a value")


def shown(value: Any) -> str:
    """A short, printable rendering of a user's value for a message."""
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a JSON object"
    if value is None or isinstance(value, bool):
        return json.dumps(value)  # null, true, false: as the user wrote them
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _inner(hint: Any) -> Any:
    """X for Optional[X]."""
    if get_origin(hint) is Union:
        return next(a for a in get_args(hint) if a is not type(None))
    return hint


def _plural(hint: Any) -> str:
    words = {bool: "true/false values", int: "whole numbers", float: "numbers", str: "strings"}
    if hint in words:
        return words[hint]
    if dataclasses.is_dataclass(hint) or get_origin(hint) is dict:
        return "JSON objects"
    return f"values that are each {describe(hint)}"


def _label(where: str) -> str:
    return f"'{where}'" if where else "the request body"


def _join(where: str, name: str) -> str:
    name = name if len(name) <= _SHOWN else name[:_SHOWN] + "…"
    return f"{where}.{name}" if where else name


_FIELDS: dict[type, tuple[tuple[dataclasses.Field, Any], ...]] = {}  # annotations resolved once per class


def _fields(cls: type) -> tuple[tuple[dataclasses.Field, Any], ...]:
    if cls not in _FIELDS:
        hints = typing.get_type_hints(cls)
        _FIELDS[cls] = tuple((f, hints[f.name]) for f in dataclasses.fields(cls)
                             if f.init and not f.metadata.get("server_only"))
    return _FIELDS[cls]


def _dataclass(cls: type[T], data: Any, where: str, ctx: _Context) -> T:
    if not isinstance(data, dict):
        raise ctx.error(f"{_label(where)} must be a JSON object, not {shown(data)}.")
    known = _fields(cls)
    names = {f.name for f, _ in known}
    unknown = sorted(str(k) for k in data if k not in names)
    if unknown and not ctx.ignore_unknown:
        listed = ", ".join(_join("", k) for k in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise ctx.error(f"Unknown field{'s' if len(unknown) > 1 else ''} in {_label(where)}: {listed}.",
                        hint=f"The fields are: {', '.join(sorted(names))}.")
    kwargs: dict[str, Any] = {}
    for field, hint in known:
        path = _join(where, field.name)
        if field.name not in data:
            if field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
                raise ctx.error(f"'{path}' is missing: it must be {describe(hint)}.")
            continue
        value = _value(hint, data[field.name], path, ctx)
        if value is not None:
            _metadata_checks(field, hint, value, path, ctx)
        kwargs[field.name] = value
    return cls(**kwargs)


def _value(hint: Any, value: Any, where: str, ctx: _Context, declared: Any = None) -> Any:
    """`declared`: the type a message names (Optional[X] while X is being checked)."""
    expected = declared or hint
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return value
    if origin is Union:  # only Optional[X] is declared
        (inner,) = [a for a in args if a is not type(None)]
        return None if value is None else _value(inner, value, where, ctx, hint)
    if origin is Literal and isinstance(value, str) and value in args:
        return value
    if origin is list and isinstance(value, list):
        return [_value(args[0], item, f"{where}[{i}]", ctx) for i, item in enumerate(value)]
    if origin is dict and isinstance(value, dict):
        return {_text(k, where, ctx): _value(args[1], v, _join(where, k), ctx) for k, v in value.items()}
    if dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return _dataclass(hint, value, where, ctx)  # type: ignore[arg-type]
    if hint is bool and isinstance(value, bool):
        return value
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    if hint is str and isinstance(value, str):
        return _text(value, where, ctx)
    if origin in (Literal, list, dict) or dataclasses.is_dataclass(hint) or hint in (bool, int, float, str):
        raise ctx.error(f"'{where}' must be {describe(expected)}, not {shown(value)}.")
    raise TypeError(f"typed_json cannot check the type {hint!r} of '{where}'")  # a declaration bug, not input


def _text(value: str, where: str, ctx: _Context) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:  # a lone surrogate (\ud800) breaks every file and log write later
        raise ctx.error(f"'{where}' is not valid Unicode text (a lone surrogate at {err.start}).") from err
    return value


def _metadata_checks(field: dataclasses.Field, hint: Any, value: Any, where: str, ctx: _Context) -> None:
    meta = field.metadata
    if "range" in meta:
        low, high = meta["range"]
        if not low <= value <= high:
            raise ctx.error(f"'{where}' must be {describe(_inner(hint))} from {low:g} to {high:g}, "
                            f"not {shown(value)}.")
    if "choices" in meta and value not in meta["choices"]:
        raise ctx.error(f"'{where}' must be one of {', '.join(meta['choices'])}, not {shown(value)}.")
    if "check" in meta:
        try:
            meta["check"](value)
        except ContainerizeError as err:
            raise ctx.error(f"'{where}' must be {meta['expect']}, not {shown(value)}.") from err
