"""The policy pack's rules (pulumi_zarr.crossguard) on the values the analyzer passes: both
type tokens and spellings, guarded and other stacks, configured patterns, duplicates. The real
CLI runs them through policies/ in tests/e2e/test_policy_pack.py."""

from __future__ import annotations

import pytest

from pulumi_zarr import crossguard
from pulumi_zarr.collection.spec import INPUT_FIELDS
from pulumi_zarr.dynamic.resource import ZarrCollection
from pulumi_zarr.native.names import TOKEN, wire_name

DYNAMIC, NATIVE = crossguard.DYNAMIC_TOKEN, crossguard.NATIVE_TOKEN
PROD = ("prod*",)


def urn(stack: str, resource_type: str = DYNAMIC, name: str = "cube") -> str:
    return f"urn:pulumi:{stack}::proj::{resource_type}::{name}"


def test_both_type_tokens_are_the_resources_own() -> None:
    dynamic = f"pulumi-python:{ZarrCollection._resource_type_name}"
    assert (dynamic, TOKEN) == crossguard.TYPE_TOKENS
    assert not crossguard.is_collection("aws:s3/bucket:Bucket")


def test_the_fields_read_are_inputs_of_the_spec() -> None:
    for field in (crossguard.PREFLIGHT, crossguard.WAIT, crossguard.BUCKET, crossguard.PATH):
        assert field in INPUT_FIELDS
    with pytest.raises(AssertionError, match="no ZarrCollection input"):
        crossguard._input("waitForIngestion")


@pytest.mark.parametrize("resource_type", [DYNAMIC, NATIVE])
def test_preflight_must_be_error_on_a_guarded_stack(resource_type: str) -> None:
    key = crossguard.spelled(crossguard.PREFLIGHT, resource_type)
    at = urn("prod-eu", resource_type)
    unset = crossguard.preflight_violation(resource_type, {}, at, PROD)
    assert unset and "preflight must be 'error' on stack 'prod-eu'" in unset
    assert "it is not set (off)" in unset
    warn = crossguard.preflight_violation(resource_type, {key: "warn"}, at, PROD)
    assert warn and "it is 'warn'" in warn
    assert crossguard.preflight_violation(resource_type, {key: "error"}, at, PROD) is None
    assert (
        crossguard.preflight_violation(resource_type, {}, urn("dev", resource_type), PROD) is None
    )
    assert crossguard.preflight_violation("aws:s3/bucket:Bucket", {}, at, PROD) is None


def test_each_surface_is_read_and_told_in_its_own_spelling() -> None:
    assert wire_name(crossguard.WAIT) == "waitForIngestion"
    native = crossguard.wait_violation(
        NATIVE, {"waitForIngestion": False}, urn("prod", NATIVE), PROD
    )
    assert native and native.startswith("waitForIngestion must not be false on stack 'prod'")
    dynamic = crossguard.wait_violation(DYNAMIC, {"wait_for_ingestion": False}, urn("prod"), PROD)
    assert dynamic and dynamic.startswith("wait_for_ingestion must not be false")
    # the other surface's spelling is not this resource's input
    assert (
        crossguard.wait_violation(DYNAMIC, {"waitForIngestion": False}, urn("prod"), PROD) is None
    )


@pytest.mark.parametrize("value", [None, True])
def test_waiting_is_the_default_and_true_passes(value: bool | None) -> None:
    props = {} if value is None else {"wait_for_ingestion": value}
    assert crossguard.wait_violation(DYNAMIC, props, urn("prod"), PROD) is None


def test_protect_is_required_on_guarded_stacks_only() -> None:
    message = crossguard.protect_violation(NATIVE, False, urn("prod-1", NATIVE), PROD)
    assert message and "must be protected on stack 'prod-1' (it matches 'prod*')" in message
    assert crossguard.protect_violation(NATIVE, True, urn("prod-1", NATIVE), PROD) is None
    assert crossguard.protect_violation(NATIVE, False, urn("staging", NATIVE), PROD) is None


def test_configured_patterns_replace_the_default() -> None:
    patterns = crossguard.stack_patterns({"stacks": ["live", "eu-*"]})
    assert patterns == ("live", "eu-*")
    assert crossguard.guarded(urn("eu-prod"), patterns)
    assert not crossguard.guarded(urn("prod"), patterns)
    assert not crossguard.guarded(urn("live2"), patterns)
    assert crossguard.stack_patterns({}) == crossguard.DEFAULT_STACKS
    assert crossguard.STACKS_SCHEMA["stacks"]["default"] == list(crossguard.DEFAULT_STACKS)


@pytest.mark.parametrize("bad", ["prod*", [""], [3]])
def test_bad_patterns_say_what_is_allowed(bad: object) -> None:
    with pytest.raises(ValueError, match=r"stacks must be a list of stack name patterns"):
        crossguard.stack_patterns({"stacks": bad})


def test_a_urn_names_its_stack() -> None:
    assert crossguard.stack_of("urn:pulumi:prod::p::t::n") == "prod"
    with pytest.raises(ValueError, match="not a Pulumi URN"):
        crossguard.stack_of("arn:aws:s3:::b")


def test_collections_sharing_a_store_are_each_reported_naming_the_others() -> None:
    a, b, c = (urn("any", DYNAMIC, n) for n in "abc")
    d = urn("any", NATIVE, "d")
    placed = [
        crossguard.place(DYNAMIC, {"s3_bucket": "cubes", "path": "x.zarr/"}, a),
        crossguard.place(NATIVE, {"s3Bucket": "cubes", "path": "x.zarr/"}, d),
        crossguard.place(DYNAMIC, {"s3_bucket": "cubes", "path": "y.zarr/"}, b),
        crossguard.place(DYNAMIC, {"s3_bucket": "other", "path": "x.zarr/"}, c),
    ]
    found = crossguard.duplicate_violations(p for p in placed if p)
    assert [u for u, _ in found] == [a, d]
    assert found[0][1].startswith("'a' ingests s3://cubes/x.zarr/, as 'd' also does")
    assert found[1][1].startswith("'d' ingests s3://cubes/x.zarr/, as 'a' also does")


def test_three_in_one_place_and_what_is_no_collection_or_not_known() -> None:
    urns = [urn("s", DYNAMIC, n) for n in ("a", "b", "c")]
    placed = [crossguard.Placed(u, "cubes", "x.zarr/") for u in urns]
    found = crossguard.duplicate_violations(placed)
    assert len(found) == 3 and "as 'b', 'c' also do:" in found[0][1]
    assert (
        crossguard.place("aws:s3/bucket:Bucket", {"s3_bucket": "cubes", "path": "x/"}, "u") is None
    )
    assert crossguard.place(DYNAMIC, {"s3_bucket": "cubes"}, urns[0]) is None
