"""DiffConfig's rule: an explicit provider whose settings point at another account or deployment
replaces its collections; a default provider (stack configuration) never does, nor does a value
not known yet. Through the real CLI: tests/e2e/test_native_providers.py."""

from __future__ import annotations

from pulumi.provider.experimental.property_value import Computed, PropertyValue

from pulumi_zarr.native.config import place_changes

EXPLICIT = "urn:pulumi:s::p::pulumi:providers:sentinelhub::main"
DEFAULT = "urn:pulumi:s::p::pulumi:providers:sentinelhub::default_0_1_0"


def props(**values: object) -> dict[str, PropertyValue]:
    return {k: PropertyValue(v) for k, v in values.items()}


def test_an_explicit_provider_pointing_elsewhere_replaces():
    old = props(baseUrl="https://a", clientId="one", clientSecret="x")
    assert place_changes(EXPLICIT, old, props(baseUrl="https://b", clientId="one")) == ["baseUrl"]
    assert place_changes(EXPLICIT, old, props(baseUrl="https://a", clientId="two")) == ["clientId"]
    # the secret and the deployment name move nothing
    same = props(baseUrl="https://a", clientId="one", clientSecret="y", deployment="cdse")
    assert place_changes(EXPLICIT, old, same) == []


def test_a_default_provider_or_an_unknown_value_never_replaces():
    old = props(baseUrl="https://a")
    assert place_changes(DEFAULT, old, props(baseUrl="https://b")) == []
    assert place_changes(EXPLICIT, old, {"baseUrl": PropertyValue(Computed())}) == []
