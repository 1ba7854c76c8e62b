"""The service's OpenAPI 3.0 document, built from the notebook's parameters cell."""

from __future__ import annotations

import json
from typing import Any

from .notebook import Parameter, ServePlan

_ERROR = {"$ref": "#/components/schemas/Error"}
_ERRORS = {
    "400": "Bad JSON (invalid Unicode, too deep, too many values, a number out of range), an unknown "
           "parameter or a value of the wrong type; `code` names which.",
    "401": "Missing or wrong bearer token.",
    "413": "The body is larger than the limit.",
    "500": "A cell raised (the exception's name and message), or the kernel died.",
    "503": "Still starting, or every kernel is busy and the queue is full.",
    "504": "The run took longer than the timeout; the kernel was interrupted.",
}


def openapi_document(plan: ServePlan, title: str, auth: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "The run's result and the outputs of cells tagged `output`.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunResult"}}}},
    }
    responses.update({code: {"description": text, "content": {"application/json": {"schema": _ERROR}}}
                      for code, text in _ERRORS.items()})
    run: dict[str, Any] = {
        "summary": f"Run {plan.path.name} with these parameters",
        "operationId": "run",
        "requestBody": {"required": False, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Parameters"}}}},
        "responses": responses,
    }
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1"},
        "paths": {
            "/run": {"post": run},
            "/health": {"get": {"summary": "200 when the kernels are warm, 503 before",
                                "responses": {"200": {"description": "ready"},
                                              "503": {"description": "not ready"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics",
                                 "responses": {"200": {"description": "text/plain metrics"}}}},
        },
        "components": {"schemas": {
            "Parameters": parameters_schema(plan),
            "RunResult": _run_result_schema(),
            "Error": {"type": "object", "required": ["error", "code", "message"], "properties": {
                "error": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"},
                "cell": {"type": "integer"}, "traceback": {"type": "array", "items": {"type": "string"}}}},
        }},
    }
    if auth:
        doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        run["security"] = [{"bearer": []}]
    return doc


def parameters_schema(plan: ServePlan) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {p.name: parameter_schema(p) for p in plan.parameters},
    }


def parameter_schema(param: Parameter) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if param.json_type:
        schema["type"] = param.json_type
    if param.nullable:
        schema["nullable"] = True
    if param.has_default and _is_json(param.default):
        schema["default"] = param.default
    return schema


def _run_result_schema() -> dict[str, Any]:
    output = {"type": "object", "properties": {
        "cell": {"type": "integer"},
        "output_type": {"type": "string", "enum": ["stream", "display_data", "execute_result"]},
        "name": {"type": "string"}, "text": {"type": "string"},
        "data": {"type": "object", "description": "MIME type -> value; images are base64"},
    }}
    return {"type": "object", "properties": {
        "result": {"description": "The variable `result` after the run, as JSON (absent if unset)"},
        "outputs": {"type": "array", "items": output},
    }}


def _is_json(value: object) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True
