"""A request's body -> the parameters to inject: JSON object, known names, types that fit."""

from __future__ import annotations

import json
from typing import Any

from .errors import BadRequest
from .notebook import Parameter, ServePlan, json_type_of

# What a JSON value may be for a parameter whose default has this type.
_ACCEPTS: dict[str, tuple[str, ...]] = {"number": ("number", "integer")}


def parse_body(body: bytes) -> dict[str, Any]:
    """The request's JSON object; an empty body means "all defaults"."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest(f"The body is not valid JSON: {err}", name="InvalidJSON") from None
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object of parameters, e.g. {\"x\": 1}.",
                         name="InvalidParameters")
    return data


def check_parameters(plan: ServePlan, values: dict[str, Any]) -> dict[str, Any]:
    """Unknown names and values of the wrong type are refused with every problem named."""
    known = {p.name: p for p in plan.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        accepted = ", ".join(sorted(known)) or "none (the notebook has no parameters cell)"
        raise BadRequest(f"Unknown parameter(s): {', '.join(unknown)}. Accepted: {accepted}.",
                         name="UnknownParameter")
    wrong = [_type_problem(known[name], value) for name, value in values.items()]
    problems = [p for p in wrong if p]
    if problems:
        raise BadRequest("; ".join(problems), name="InvalidParameterType")
    return values


def _type_problem(param: Parameter, value: Any) -> str:
    if param.json_type is None or value is None and param.nullable:
        return ""
    got = json_type_of(value) if value is not None else "null"
    if got == param.json_type or got in _ACCEPTS.get(param.json_type, ()):
        return ""
    return f"{param.name} must be of type {param.json_type} (like its default), not {got}"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
