"""The package schema: generated from the models, committed, valid, and complete."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import pulumi_zarr
from pulumi_zarr.api.config import SETTINGS, Reader, stack_keys
from pulumi_zarr.collection.spec import INPUT_FIELDS, OUTPUT_FIELDS, OnChange, fields_with
from pulumi_zarr.dynamic.resource import TYPE_TOKEN
from pulumi_zarr.native.names import TOKEN, field_name, wire_name, wire_text
from pulumi_zarr.native.package_schema import package_schema, schema_text

COMMITTED = Path(pulumi_zarr.__file__).parent / "native" / "schema.json"
METASCHEMA = Path(__file__).resolve().parents[1] / "data" / "pulumi-schema" / "pulumi.json"
README = Path(__file__).resolve().parents[2] / "README.md"
REGENERATE = "python -m pulumi_zarr.native.package_schema > pulumi_zarr/native/schema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return package_schema()


@pytest.fixture(scope="module")
def resource(schema) -> dict[str, Any]:
    return schema["resources"][TOKEN]


def test_the_committed_schema_is_the_generated_one():
    assert COMMITTED.read_text() == schema_text(), f"schema.json is stale: run `{REGENERATE}`"


def test_the_schema_satisfies_pulumis_metaschema(schema):
    # Python's re spells named groups (?P<name>...), the metaschema (?<name>...)
    text = re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", METASCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(json.loads(text))
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(schema)]
    assert errors == []


def test_properties_are_the_models_fields_by_wire_name(resource):
    inputs = [wire_name(f) for f in INPUT_FIELDS]
    assert list(resource["inputProperties"]) == inputs
    assert list(resource["properties"]) == [*inputs, *(wire_name(f) for f in OUTPUT_FIELDS)]
    assert set(resource["requiredInputs"]) == {"name", "s3Bucket", "path", "crs"}
    assert {"status", "dataType", "arrayNames", "waitForIngestion"} <= set(resource["required"])
    assert "ingestionErrors" not in resource["required"]


def test_wire_names_map_back_to_the_fields():
    names = [*INPUT_FIELDS, *OUTPUT_FIELDS]
    assert len({wire_name(f) for f in names}) == len(names)
    assert all(field_name(wire_name(f)) == f for f in names)
    assert wire_name("s3_bucket") == "s3Bucket"
    assert wire_text("raise ingestion_timeout_seconds") == "raise ingestionTimeoutSeconds"


def test_types(resource):
    props = resource["properties"]
    assert props["waitForIngestion"] == {**props["waitForIngestion"], "type": "boolean"}
    assert props["ingestionTimeoutSeconds"]["type"] == "integer"
    assert props["ingestionTimeoutSeconds"]["default"] == 1800
    assert props["arrayNames"]["items"] == {"type": "string"}
    assert props["width"]["type"] == "number"  # int | float
    assert props["bands"]["additionalProperties"]["type"] == "object"


def test_every_property_has_a_description_in_wire_names(schema, resource):
    specs = {
        **{f"resource.{k}": v for k, v in resource["properties"].items()},
        **{f"config.{k}": v for k, v in schema["config"]["variables"].items()},
        **{f"provider.{k}": v for k, v in schema["provider"]["inputProperties"].items()},
    }
    snake = [f for f in (*INPUT_FIELDS, *OUTPUT_FIELDS) if "_" in f]
    for where, spec in specs.items():
        assert len(spec.get("description", "")) > 20, where
        assert not [f for f in snake if f in spec["description"]], where


def test_what_a_change_does_comes_from_the_schema(resource):
    replacing = {wire_name(f) for f in fields_with(OnChange.REPLACE)}
    flagged = {k for k, v in resource["inputProperties"].items() if v.get("willReplaceOnChanges")}
    assert flagged == replacing
    assert "renames the collection in place" in resource["inputProperties"]["name"]["description"]
    assert "re-ingests" in resource["inputProperties"]["reingestTrigger"]["description"]


def test_config_is_the_settings_keys_with_the_secret_marked(schema):
    variables = schema["config"]["variables"]
    assert tuple(f"sentinelhub:{name}" for name in variables) == stack_keys(Reader.NATIVE)
    assert "sentinelhub:profile" in stack_keys(Reader.NATIVE)
    assert [name for name, spec in variables.items() if spec.get("secret")] == ["clientSecret"]
    base_url = next(s for s in SETTINGS if s.name == "base_url")
    assert variables["baseUrl"]["description"].startswith(base_url.description)
    assert "`SH_CLIENT_SECRET`" in variables["clientSecret"]["description"]
    assert "`SH_PROFILE`" in variables["profile"]["description"]
    assert schema["provider"]["inputProperties"] == variables


def test_the_dynamic_resource_type_is_an_alias(resource):
    assert resource["aliases"] == [{"type": TYPE_TOKEN}]
    # the token policy packs match on, as the README gives it
    assert f"`{TYPE_TOKEN}`" in README.read_text()
