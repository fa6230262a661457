"""The Pulumi package schema of ``sentinelhub``, generated from the resource's models: properties,
types, defaults, descriptions and what a change does from :mod:`pulumi_zarr.collection.spec`, the
config variables from :mod:`.config`. The plugin serves it (``GetSchema``); ``schema.json`` is a
committed copy for ``pulumi package gen-sdk`` (a test fails when it drifts). Regenerate it with
``python -m pulumi_zarr.native.package_schema > pulumi_zarr/native/schema.json``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import BaseModel

from ..collection.spec import (
    EFFECTS,
    OnChange,
    ZarrCollectionInputs,
    ZarrCollectionOutputs,
    on_change,
)
from . import config
from .names import PACKAGE, TOKEN, wire_name, wire_text

ANY = {"$ref": "pulumi.json#/Any"}


def type_spec(json_schema: dict[str, Any]) -> dict[str, Any]:
    """A Pulumi type reference for a field's JSON schema (as pydantic writes it); ``None`` in a
    union is dropped (optional is said by ``required``), ``int | float`` is a number."""
    options = [s for s in json_schema.get("anyOf", [json_schema]) if s.get("type") != "null"]
    kinds = {s.get("type") for s in options}
    if len(options) > 1:
        if kinds == {"integer", "number"}:
            return {"type": "number"}
        return ANY
    (only,) = options
    kind = only.get("type")
    if kind in ("string", "integer", "number", "boolean"):
        return {"type": kind}
    if kind == "array":
        return {"type": "array", "items": type_spec(only.get("items", {}))}
    if kind == "object":
        values = only.get("additionalProperties", True)
        return {
            "type": "object",
            "additionalProperties": ANY if values is True else type_spec(values),
        }
    return ANY


def _properties(model: type[BaseModel], mode: str) -> dict[str, dict[str, Any]]:
    """The model's fields as Pulumi property specs, by wire name."""
    fields = model.model_json_schema(mode=mode)["properties"]  # type: ignore[arg-type]
    specs: dict[str, dict[str, Any]] = {}
    for name, info in model.model_fields.items():
        spec = type_spec(fields[name])
        description = info.description or ""
        if model is ZarrCollectionInputs:
            kind = on_change(name)
            description = f"{description} {EFFECTS[kind]}"
            if kind is OnChange.REPLACE:
                spec["willReplaceOnChanges"] = True
        spec["description"] = wire_text(description)
        if info.default is not None and isinstance(info.default, (bool, int, float, str)):
            spec["default"] = info.default
        specs[wire_name(name)] = spec
    return specs


def _required(model: type[BaseModel]) -> list[str]:
    return [wire_name(name) for name, info in model.model_fields.items() if info.is_required()]


def _always_set(model: type[BaseModel]) -> list[str]:
    """Fields every stored state has: required ones, and those with a default that is not
    None (checked inputs have their defaults filled in)."""
    return [
        wire_name(name)
        for name, info in model.model_fields.items()
        if info.is_required() or info.default is not None or info.default_factory is not None
    ]


def resource_spec() -> dict[str, Any]:
    from ..dynamic.resource import TYPE_TOKEN, ZarrCollection

    inputs = _properties(ZarrCollectionInputs, "validation")
    outputs = _properties(ZarrCollectionOutputs, "serialization")
    return {
        "description": wire_text(ZarrCollection.__doc__ or ""),
        "inputProperties": inputs,
        "requiredInputs": _required(ZarrCollectionInputs),
        "properties": {**inputs, **outputs},
        "required": [*_always_set(ZarrCollectionInputs), *_always_set(ZarrCollectionOutputs)],
        # a stack made with the dynamic resource moves to this one without recreating anything
        "aliases": [{"type": TYPE_TOKEN}],
    }


SUMMARY_TYPE = f"{PACKAGE}:index:ZarrCollectionSummary"


def _plain_properties(model: type[BaseModel]) -> dict[str, dict[str, Any]]:
    """A function's arguments or result: each field by wire name (its alias when it has one)."""
    fields = model.model_json_schema(mode="serialization", by_alias=False)["properties"]
    specs: dict[str, dict[str, Any]] = {}
    for name, info in model.model_fields.items():
        spec = type_spec(fields[name])
        if name == "collections":  # the one list of objects: typed, for every language's SDK
            spec = {"type": "array", "items": {"$ref": f"#/types/{SUMMARY_TYPE}"}}
        spec["description"] = info.description or ""
        specs[info.alias or wire_name(name)] = spec
    return specs


def _object(model: type[BaseModel]) -> dict[str, Any]:
    required = [
        info.alias or wire_name(name)
        for name, info in model.model_fields.items()
        if info.is_required()
    ]
    # no empty list: the engine drops it when it reads the schema (`pulumi package get-schema`)
    return {"properties": _plain_properties(model), **({"required": required} if required else {})}


def _collection_result() -> dict[str, Any]:
    """What getZarrCollection answers: the id, the inputs the service stores, every output."""
    from ..collection.spec import SERVICE_FIELDS

    fields = ZarrCollectionInputs.model_json_schema(mode="validation")["properties"]
    service = {  # as the service stores them: what a change of the input does does not apply
        wire_name(f): {
            **type_spec(fields[f]),
            "description": wire_text(ZarrCollectionInputs.model_fields[f].description or ""),
        }
        for f in SERVICE_FIELDS
    }
    outputs = _properties(ZarrCollectionOutputs, "serialization")
    return {
        "properties": {
            "id": {"type": "string", "description": "The collection's id."},
            **service,
            **outputs,
        },
        "required": ["id", *service, *_always_set(ZarrCollectionOutputs)],
    }


def functions_spec() -> dict[str, Any]:
    from .functions import FUNCTIONS

    return {
        f.token: {
            "description": f.description,
            "inputs": _object(f.args),
            "outputs": _collection_result() if isinstance(f.result, str) else _object(f.result),
        }
        for f in FUNCTIONS
    }


def types_spec() -> dict[str, Any]:
    from ..collection.queries import CollectionSummary

    return {
        SUMMARY_TYPE: {
            "type": "object",
            "description": (CollectionSummary.__doc__ or "").strip(),
            **_object(CollectionSummary),
        }
    }


def package_schema(version: str | None = None) -> dict[str, Any]:
    """The package schema; ``version``: the plugin's (default: the installed distribution's)."""
    import pulumi_zarr

    variables = config.variables()
    return {
        "name": PACKAGE,
        "displayName": "Sentinel Hub Zarr",
        "version": version or pulumi_zarr.__version__,
        "description": "Sentinel Hub Zarr collections (Zarr Import API), from pulumi-zarr.",
        "keywords": ["pulumi", "sentinelhub", "zarr", "category/cloud", "kind/native"],
        "homepage": "https://docs.sentinel-hub.com/api/latest/api/zarr/",
        "license": "Apache-2.0",
        "publisher": "pulumi-zarr",
        "config": {"variables": variables},
        "provider": {
            "description": "The sentinelhub provider: which deployment, as which OAuth client. "
            "Every setting falls back to its environment variable.",
            "inputProperties": variables,
        },
        "resources": {TOKEN: resource_spec()},
        "functions": functions_spec(),
        "types": types_spec(),
        "language": {
            "nodejs": {"packageName": "@pulumi-zarr/sentinelhub"},
            "go": {"importBasePath": "github.com/pulumi-zarr/sentinelhub/sdk/go/sentinelhub"},
            "python": {"packageName": "pulumi_sentinelhub"},
        },
    }


def schema_text() -> str:
    """The schema as committed: indented JSON, keys in a stable order, a final newline."""
    return json.dumps(package_schema(), indent=2) + "\n"


def main() -> None:
    sys.stdout.write(schema_text())


if __name__ == "__main__":
    main()
