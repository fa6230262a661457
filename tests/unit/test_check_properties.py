"""Property-based tests of the provider's check and of the create payload."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pulumi.output import Unknown

from pulumi_zarr.api.models import CollectionCreate
from pulumi_zarr.collection.spec import (
    INPUT_FIELDS,
    RESERVED_BUCKET_PREFIXES,
    RESERVED_BUCKET_SUFFIXES,
    validate,
)
from pulumi_zarr.crs import ZARR_EPSG_CODES, crs_url

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
input_bags = st.dictionaries(
    st.sampled_from([*INPUT_FIELDS, "extra_field"]), json_values | st.builds(Unknown), max_size=8
)
bucket_names = st.from_regex(r"[a-z0-9][a-z0-9-]{1,30}[a-z0-9]", fullmatch=True).filter(
    lambda b: (
        not b.startswith(RESERVED_BUCKET_PREFIXES) and not b.endswith(RESERVED_BUCKET_SUFFIXES)
    )
)
segments = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}", fullmatch=True).filter(
    lambda s: s not in (".", "..")
)
good_paths = st.lists(segments, min_size=1, max_size=4).map(lambda parts: "/".join(parts) + "/")
good_inputs = st.fixed_dictionaries(
    {
        "name": st.text(st.characters(exclude_categories=("Cc",)), min_size=1, max_size=40).filter(
            str.strip
        ),
        "s3_bucket": bucket_names,
        "path": good_paths,
        "crs": st.sampled_from(sorted(ZARR_EPSG_CODES)).map(crs_url),
    }
)


@settings(max_examples=300, deadline=None)
@given(input_bags)
def test_check_never_raises_and_names_only_real_inputs(bag):
    inputs, failures = validate(bag)
    unknown = {k for k, v in bag.items() if isinstance(v, Unknown)}
    for failure in failures:
        assert failure.property in {*INPUT_FIELDS, "extra_field"}
        assert failure.property not in unknown  # unknown values are never judged
        assert failure.reason and failure.property in failure.reason
    for key in unknown:
        assert isinstance(inputs[key], Unknown)  # passed through for the engine


@settings(max_examples=200, deadline=None)
@given(good_inputs)
def test_valid_inputs_pass_and_give_a_payload_the_api_accepts(bag):
    inputs, failures = validate(bag)
    assert failures == []
    assert inputs["wait_for_ingestion"] is True and inputs["ingestion_timeout_seconds"] == 1800
    wire = CollectionCreate.model_validate(
        {k: inputs[k] for k in CollectionCreate.model_fields}
    ).to_wire()
    assert set(wire) == {"name", "s3Bucket", "path", "crs"}
    assert wire["path"].endswith("/") and not wire["path"].startswith("/")


@settings(max_examples=200, deadline=None)
@given(good_inputs, st.text(max_size=20))
def test_a_path_breaking_the_api_rule_is_a_failure_on_path(bag, path):
    bad = path if not path.endswith("/") else "/" + path
    _, failures = validate({**bag, "path": bad})
    assert [f.property for f in failures] == ["path"]
