"""The code the service runs inside each kernel, as source strings.

After setup, `_containerize_serve` snapshots the namespace (name -> object). Each request first
restores it: names created since are deleted, names rebound are put back, so no request sees the
variables another request's parameters produced. Objects made at setup are shared, not copied.
"""

from __future__ import annotations

import json
from typing import Any

HELPER = "_containerize_serve"
RESULT_EXPRESSION = f"{HELPER}.result()"

# Run once per kernel, after the setup cells: defines the helper and takes the snapshot.
INIT = '''
class _ContainerizeServe:
    """Reset between requests and JSON for `result`; installed by jupyterlab-containerize."""

    def __init__(self, ns):
        self._ns = ns
        self._snapshot = None

    def snapshot(self):
        self._snapshot = dict(self._ns)

    def reset(self):
        ns, snap = self._ns, self._snapshot
        for name in [n for n in ns if n not in snap]:
            del ns[name]
        for name, value in snap.items():
            if ns.get(name, self) is not value:
                ns[name] = value
        out = ns.get("_oh")
        if isinstance(out, dict):
            out.clear()

    def apply(self, text):
        import json
        self._ns.update(json.loads(text))

    def result(self):
        if "result" not in self._ns:
            return _ContainerizeJSON({"defined": False})
        return _ContainerizeJSON({"defined": True, "value": self.to_json(self._ns["result"], 0)})

    def to_json(self, value, depth):
        import math
        if depth > 50:
            return str(value)
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else None
        if isinstance(value, dict):
            return {str(k): self.to_json(v, depth + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.to_json(v, depth + 1) for v in value]
        for convert in (self._numpy_like, self._pandas_like, self._date_like):
            done, converted = convert(value)
            if done:
                return self.to_json(converted, depth + 1)
        return str(value)

    @staticmethod
    def _numpy_like(value):
        tolist = getattr(value, "tolist", None)
        return (True, tolist()) if callable(tolist) else (False, None)

    @staticmethod
    def _pandas_like(value):
        to_dict = getattr(value, "to_dict", None)
        if not callable(to_dict):
            return False, None
        try:
            return True, to_dict(orient="records")
        except TypeError:
            return True, to_dict()

    @staticmethod
    def _date_like(value):
        iso = getattr(value, "isoformat", None)
        return (True, iso()) if callable(iso) else (False, None)


class _ContainerizeJSON:
    def __init__(self, data):
        self.data = data

    def _repr_json_(self):
        return self.data

    def __repr__(self):
        import json
        return json.dumps(self.data)


_containerize_serve = _ContainerizeServe(get_ipython().user_ns)
get_ipython().user_ns_hidden.update(
    _containerize_serve=_containerize_serve, _ContainerizeServe=_ContainerizeServe,
    _ContainerizeJSON=_ContainerizeJSON)
'''

SNAPSHOT = f"{HELPER}.snapshot()"


def prelude(parameters_source: str, overrides: dict[str, Any]) -> str:
    """Per request: restore the setup namespace, run the defaults, then the request's values.

    The values travel as a JSON string literal decoded in the kernel: no value becomes code.
    """
    lines = [f"{HELPER}.reset()", parameters_source]
    if overrides:
        lines.append(f"{HELPER}.apply({json.dumps(json.dumps(overrides))})")
    return "\n".join(lines)


def result_from_expressions(expressions: dict[str, Any]) -> tuple[bool, Any]:
    """(defined, value) from the execute_reply's user_expressions."""
    answer = expressions.get("result", {})
    if answer.get("status") != "ok":
        raise ValueError(f"{answer.get('ename', 'Error')}: {answer.get('evalue', '')}")
    data = answer.get("data", {})
    payload = data.get("application/json")
    if payload is None:
        payload = json.loads(data.get("text/plain", "{}"))
    return bool(payload.get("defined")), payload.get("value")
