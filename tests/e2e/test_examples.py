"""The examples, run by the real CLI as a user runs them (their own Pulumi project names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.measure import unique

from .conftest import BUCKET, GOOD, OTHER, collections_named

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_quickstart(stack_factory, api):
    name = unique("quickstart")
    stack = stack_factory(
        EXAMPLES / "quickstart",
        project="zarr-quickstart",
        config={
            "zarr-quickstart:bucket": BUCKET,
            "zarr-quickstart:path": GOOD,
            "zarr-quickstart:name": name,
        },
    )
    stack.up()
    out = stack.outputs()
    assert out["status"] == "INGESTED" and out["arrays"] == ["B1", "B2"]
    assert out["data_type"] == f"zarr-{out['collection_id']}"
    assert [c["id"] for c in collections_named(api, name)] == [out["collection_id"]]
    stack.configure({"zarr-quickstart:path": OTHER})
    stack.up()
    assert stack.outputs()["collection_id"] != out["collection_id"]
    stack.destroy()
    assert collections_named(api, name) == []
