"""Vendor the part of KServe's InferenceService CRD schema that our manifests use (see
fixtures/kserve/README.md): `python -m tests.serve.kserve_schema CRD.yaml > fixtures/kserve/...json`.

The CRD's openAPIV3Schema is pruned to the fields our InferenceService documents hold, every pruned
object made strict (additionalProperties: false), like `kubectl apply --validate=strict`: a field
KServe does not know, or a misspelt one, fails the test; a field we start to emit needs a new prune,
which fails here if KServe's CRD does not have it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from jupyterlab_containerize.deploy import inference_service_manifest
from jupyterlab_containerize.deploy.manifests import ServeDeployment

SCHEMA = Path(__file__).parent / "fixtures" / "kserve" / "inferenceservice-v1beta1.schema.json"


def sample_documents() -> list[dict[str, Any]]:
    """Every variant we emit: token as a file or as env, GPU, autoscaling, extra env."""
    full = dict(image="img:1", gpus=1, token_secret="t", autoscale_max=3, env={"A": "1"})
    return [inference_service_manifest(ServeDeployment(name="x", **full)),  # type: ignore[arg-type]
            inference_service_manifest(ServeDeployment(name="x", image="img:1", token_secret="t", token_as="env")),
            inference_service_manifest(ServeDeployment(name="x", image="img:1", read_only_root=False))]


def prune(schema: dict[str, Any], sample: Any, path: str = "$") -> dict[str, Any]:
    if isinstance(sample, dict) and "properties" in schema:
        unknown = sorted(set(sample) - set(schema["properties"]))
        if unknown:
            raise SystemExit(f"KServe's CRD has no field {path}.{unknown[0]}")
        pruned = {k: v for k, v in schema.items() if k not in ("properties", "description")}
        pruned["properties"] = {k: prune(schema["properties"][k], v, f"{path}.{k}") for k, v in sample.items()}
        pruned["additionalProperties"] = False
        return pruned
    if isinstance(sample, list) and "items" in schema:
        merged = _merge(sample)
        pruned = {k: v for k, v in schema.items() if k not in ("items", "description")}
        pruned["items"] = prune(schema["items"], merged, f"{path}[]") if merged is not None else schema["items"]
        return pruned
    return schema  # a scalar, a map (additionalProperties), or an object the CRD leaves open


def _merge(items: list[Any]) -> Any:
    """One value holding every key any item has (items of one array share a schema)."""
    if not items:
        return None
    if not all(isinstance(i, dict) for i in items):
        return items[0]
    merged: dict[str, Any] = {}
    for item in items:
        for key, value in item.items():
            if key in merged and isinstance(value, (dict, list)):
                both = (merged[key] if isinstance(value, list) else [merged[key]]) + \
                       (value if isinstance(value, list) else [value])
                merged[key] = both if isinstance(value, list) else _merge(both)
            else:
                merged.setdefault(key, value)
    return merged


def vendored_schema(crd_yaml: str, source: str) -> dict[str, Any]:
    crd = yaml.safe_load(crd_yaml)
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
    schema = version["schema"]["openAPIV3Schema"]
    pruned = prune(schema, _merge(sample_documents()))
    pruned["properties"]["apiVersion"] = {"const": "serving.kserve.io/v1beta1"}
    pruned["properties"]["kind"] = {"const": "InferenceService"}
    pruned["required"] = ["apiVersion", "kind", "metadata", "spec"]
    return {"$schema": "http://json-schema.org/draft-07/schema#", "$comment": source, **pruned}


if __name__ == "__main__":
    source = sys.argv[2] if len(sys.argv) > 2 else sys.argv[1]
    print(json.dumps(vendored_schema(Path(sys.argv[1]).read_text(), source), indent=1, sort_keys=True))
