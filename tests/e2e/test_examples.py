"""The examples, run by the real CLI as a user runs them (their own Pulumi project names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.measure import unique

from pulumi_zarr.import_file import resource_type
from pulumi_zarr.native.names import TOKEN
from pulumi_zarr.testing.cli import native_plugins

from .conftest import BUCKET, GOOD, OTHER, collections_named

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("provider", ["dynamic", "native"])
def test_quickstart(stack_factory, api, provider):
    """`provider`: the quickstart's switch between ZarrCollection and NativeZarrCollection."""
    name = unique("quickstart")
    stack = stack_factory(
        EXAMPLES / "quickstart",
        project="zarr-quickstart",
        config={
            "zarr-quickstart:bucket": BUCKET,
            "zarr-quickstart:path": GOOD,
            "zarr-quickstart:name": name,
            "zarr-quickstart:provider": provider,
        },
        plugins=native_plugins() if provider == "native" else None,
    )
    stack.up()
    out = stack.outputs()
    [held] = stack.resources()
    assert held["type"] == {"dynamic": resource_type(), "native": TOKEN}[provider]
    assert out["status"] == "INGESTED" and out["arrays"] == ["B1", "B2"]
    assert out["data_type"] == f"zarr-{out['collection_id']}"
    assert [c["id"] for c in collections_named(api, name)] == [out["collection_id"]]
    stack.configure({"zarr-quickstart:path": OTHER})
    stack.up()
    assert stack.outputs()["collection_id"] != out["collection_id"]
    stack.destroy()
    assert collections_named(api, name) == []
