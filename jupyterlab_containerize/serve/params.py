"""A request's body -> the parameters to inject: JSON object, known names, types that fit."""

from __future__ import annotations

from typing import Any

from .errors import BadRequest
from .notebook import Parameter, ServePlan, json_type_of
from .request_json import DEFAULT_LIMITS, JSONLimits, parse_json_body

# What a JSON value may be for a parameter whose default has this type.
_ACCEPTS: dict[str, tuple[str, ...]] = {"number": ("number", "integer")}


def parse_body(body: bytes, limits: JSONLimits = DEFAULT_LIMITS) -> dict[str, Any]:
    """The request's JSON object (strictly checked, see request_json); empty means "all defaults"."""
    if not body.strip():
        return {}
    data = parse_json_body(body, limits)
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object of parameters, e.g. {\"x\": 1}.",
                         name="InvalidParameters", code="invalid_parameters")
    return data


def check_parameters(plan: ServePlan, values: dict[str, Any]) -> dict[str, Any]:
    """Unknown names and values of the wrong type are refused with every problem named."""
    known = {p.name: p for p in plan.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        accepted = ", ".join(sorted(known)) or "none (the notebook has no parameters cell)"
        raise BadRequest(f"Unknown parameter(s): {', '.join(unknown)}. Accepted: {accepted}.",
                         name="UnknownParameter", code="unknown_parameter")
    wrong = [_type_problem(known[name], value) for name, value in values.items()]
    problems = [p for p in wrong if p]
    if problems:
        raise BadRequest("; ".join(problems), name="InvalidParameterType", code="invalid_parameter_type")
    return values


def _type_problem(param: Parameter, value: Any) -> str:
    if param.json_type is None or value is None and param.nullable:
        return ""
    got = json_type_of(value) if value is not None else "null"
    if got == param.json_type or got in _ACCEPTS.get(param.json_type, ()):
        return ""
    return f"{param.name} must be of type {param.json_type} (like its default), not {got}"
