"""The resource schema: validation messages and what each input's change does."""

import pytest
from pydantic import ValidationError

from pulumi_zarr.crs import crs_url
from pulumi_zarr.schema import INPUT_FIELDS, OnChange, ZarrCollectionInputs, fields_with, on_change

GOOD = {"name": "Cube", "s3_bucket": "my-bucket", "path": "cubes/a.zarr/", "crs": crs_url(4326)}


def test_change_kinds_are_declared_by_the_schema():
    assert set(fields_with(OnChange.REPLACE)) == {"s3_bucket", "path", "crs", "profile"}
    assert on_change("name") is OnChange.RENAME
    assert on_change("reingest_trigger") is OnChange.REINGEST
    assert {f for f in INPUT_FIELDS if on_change(f) is OnChange.STATE} == {
        "wait_for_ingestion",
        "ingestion_timeout_seconds",
        "preflight",
    }


def test_create_payload_is_the_wire_body():
    body = ZarrCollectionInputs(**GOOD, reingest_trigger="x").create_payload().to_wire()
    assert body == {
        "name": "Cube",
        "s3Bucket": "my-bucket",
        "path": "cubes/a.zarr/",
        "crs": crs_url(4326),
    }


@pytest.mark.parametrize("code", [4326, 3857, 3035, 32601, 32660, 32701, 32760])
def test_supported_crs(code):
    ZarrCollectionInputs(**{**GOOD, "crs": crs_url(code)})


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("crs", crs_url(2154), "EPSG:2154 is not supported"),
        ("crs", crs_url(32661), "EPSG:32661 is not supported"),
        ("crs", "EPSG:4326", "is not an EPSG opengis URL"),
        ("path", "/abs/", "must not start with '/'"),
        ("path", "no-slash", "must end with '/'"),
        ("path", "a/../b/", "'..'"),
        ("s3_bucket", "My_Bucket", "not a valid S3 bucket name"),
        ("s3_bucket", "ab", "3 to 63 characters"),
        ("s3_bucket", "192.168.1.1", "IP address"),
        ("name", "   ", "must not be empty"),
        ("ingestion_timeout_seconds", 0, "greater than 0"),
    ],
)
def test_bad_inputs_name_field_and_rule(field, value, fragment):
    with pytest.raises(ValidationError) as info:
        ZarrCollectionInputs(**{**GOOD, field: value})
    errors = info.value.errors()
    assert [e["loc"][0] for e in errors] == [field]
    assert fragment in errors[0]["msg"]
