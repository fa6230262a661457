"""The resource schema: validation messages and what each input's change does."""

import pytest
from pulumi.output import Unknown
from pydantic import ValidationError

from pulumi_zarr.api.models import NAME_MAX_LENGTH, name_problem
from pulumi_zarr.collection.spec import (
    OnChange,
    ZarrCollectionInputs,
    changed_fields,
    fields_with,
    on_change,
)
from pulumi_zarr.crs import CRS84, crs_url

GOOD = {"name": "Cube", "s3_bucket": "my-bucket", "path": "cubes/a.zarr/", "crs": crs_url(4326)}


#: What a change of each input does: changing an input's kind changes what existing stacks do.
KINDS = {
    "name": OnChange.RENAME,
    "s3_bucket": OnChange.REPLACE,
    "path": OnChange.REPLACE,
    "crs": OnChange.REPLACE,
    "profile": OnChange.REPLACE,
    "reingest_trigger": OnChange.REINGEST,
    "wait_for_ingestion": OnChange.STATE,
    "ingestion_timeout_seconds": OnChange.STATE,
    "preflight": OnChange.STATE,
    "import_id": OnChange.ADOPT,
}


def test_change_kinds_are_declared_by_the_schema():
    assert {field: on_change(field) for field in KINDS} == KINDS
    for field, kind in KINDS.items():
        assert field in fields_with(kind), field


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
        ("crs", crs_url(32700), "EPSG:32700 is not supported"),
        ("crs", "EPSG:4326", "is not an EPSG opengis URL"),
        ("crs", CRS84, "is not an EPSG opengis URL"),
        ("path", "/abs/", "must not start with '/'"),
        ("path", "no-slash", "must end with '/'"),
        ("path", "a/../b/", "'..'"),
        ("s3_bucket", "My_Bucket", "not a valid S3 bucket name"),
        ("s3_bucket", "ab", "3 to 63 characters"),
        ("s3_bucket", "192.168.1.1", "IP address"),
        ("name", "   ", "must not be empty"),
        ("name", "", "must not be empty"),
        ("ingestion_timeout_seconds", 0, "greater than 0"),
        ("ingestion_timeout_seconds", -5, "greater than 0"),
    ],
)
def test_bad_inputs_name_field_and_rule(field, value, fragment):
    with pytest.raises(ValidationError) as info:
        ZarrCollectionInputs(**{**GOOD, field: value})
    errors = info.value.errors()
    assert [e["loc"][0] for e in errors] == [field]
    assert fragment in errors[0]["msg"]


def test_import_id_is_only_read_by_create():
    assert fields_with(OnChange.ADOPT) == ("import_id",)
    assert changed_fields({**GOOD, "import_id": ID}, {**GOOD, "import_id": OTHER_ID}) == []
    assert changed_fields({**GOOD}, {**GOOD, "import_id": ID}) == []
    assert changed_fields({**GOOD, "import_id": ID}, {**GOOD, "import_id": Unknown()}) == []


ID, OTHER_ID = "4b6ac2ec-3b1f-4a8e-9c3e-2f1d0c9b8a7e", "4B6AC2EC-3B1F-4A8E-9C3E-2F1D0C9B8A7F"


@pytest.mark.parametrize("good", [ID, OTHER_ID])
def test_import_id_takes_a_collection_id(good):
    assert ZarrCollectionInputs(**GOOD, import_id=good).import_id == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        ".",
        "..",
        "../x",
        ID + "\n",
        " " + ID,
        ID[:-1],
        ID + "0",
        ID.replace("-", "/"),
        "\u0664" * 8 + ID[8:],
    ],
)
def test_import_id_that_is_not_an_id_fails_check(bad):
    with pytest.raises(ValidationError, match="not a well-formed collection id"):
        ZarrCollectionInputs(**GOOD, import_id=bad)


#: S3 general purpose bucket naming rules, one name breaking each (and what the message says).
BAD_BUCKETS = [
    ("ab", "3 to 63 characters"),
    ("a" * 64, "3 to 63 characters"),
    ("My-bucket", "lowercase letters"),
    ("my_bucket", "lowercase letters"),
    ("my bucket", "no whitespace"),
    ("my-bucket\n", "no whitespace"),
    ("\tmy-bucket", "start and end"),
    ("bücket", "lowercase letters a-z"),
    ("-bucket", "start and end"),
    ("bucket-", "start and end"),
    (".bucket", "start and end"),
    ("my..bucket", "two adjacent periods"),
    ("192.168.5.4", "IP address"),
    ("xn--bucket", "prefix 'xn--'"),
    ("sthree-bucket", "prefix 'sthree-'"),
    ("sthree-configurator-x", "prefix 'sthree-'"),
    ("amzn-s3-demo-bucket", "prefix 'amzn-s3-demo-'"),
    ("bucket-s3alias", "suffix '-s3alias'"),
    ("bucket--ol-s3", "suffix '--ol-s3'"),
    ("bucket.mrap", "suffix '.mrap'"),
    ("bucket--x-s3", "suffix '--x-s3'"),
    ("bucket--table-s3", "suffix '--table-s3'"),
]


def test_every_s3_bucket_naming_rule():
    for bucket, says in BAD_BUCKETS:
        with pytest.raises(ValidationError, match="not a valid S3 bucket name") as info:
            ZarrCollectionInputs(**{**GOOD, "s3_bucket": bucket})
        assert says in str(info.value), bucket


def test_s3_bucket_names_the_rules_allow():
    for bucket in ("abc", "a" * 63, "my.bucket-1", "a.-b", "a-.b", "192.168.5", "xn-a"):
        ZarrCollectionInputs(**{**GOOD, "s3_bucket": bucket})


def test_crs_codes_only_in_their_exact_ascii_form():
    for crs in (
        crs_url(4326).replace("4326", "04326"),
        crs_url(4326).replace("4326", "+4326"),
        crs_url(4326).replace("4326", " 4326"),
        crs_url(4326) + " ",
        crs_url(4326) + "\n",
        crs_url(4326).replace("4326", "\u0664\u0663\u0662\u0666"),
        crs_url(4326).replace("4326", "\uff14\uff13\uff12\uff16"),
        crs_url(4326).replace("4326", "4_326"),
    ):
        with pytest.raises(ValidationError, match="not an EPSG opengis URL"):
            ZarrCollectionInputs(**{**GOOD, "crs": crs})


def test_names_the_service_would_refuse_fail_check():
    for name, says in (
        ("a\nb", "control characters"),
        ("tab\there", "control characters"),
        ("nul\x00", "control characters"),
        ("del\x7f", "control characters"),
        ("x" * (NAME_MAX_LENGTH + 1), f"at most {NAME_MAX_LENGTH} characters"),
    ):
        with pytest.raises(ValidationError, match=says):
            ZarrCollectionInputs(**{**GOOD, "name": name})
        assert name_problem(name)  # the emulator refuses the same names with the same words
    ZarrCollectionInputs(**{**GOOD, "name": "é" * NAME_MAX_LENGTH})
