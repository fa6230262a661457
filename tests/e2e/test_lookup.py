"""`get_zarr_collection` in a program run by the real CLI: by name, by id, and when it can't say."""

from __future__ import annotations

import pytest
from harness.measure import unique

from .conftest import BUCKET, GOOD, OTHER, spec

pytestmark = pytest.mark.e2e


def test_lookup_by_name_and_by_id(stack_factory, api):
    name = unique("lookup")
    made = api.create(name, BUCKET, GOOD, spec(name)["crs"])
    api.wait_final(made["id"])
    try:
        stack = stack_factory()
        stack.configure(
            {f"{stack.project}:lookups": {"by_name": {"name": name}, "by_id": {"id": made["id"]}}}
        )
        stack.up()
        out = stack.outputs()
        for found in (out["by_name"], out["by_id"]):
            assert found["id"] == made["id"] and found["name"] == name
            assert found["s3_bucket"] == BUCKET and found["path"] == GOOD
            assert found["status"] == "INGESTED" and found["array_names"] == ["B1", "B2"]
            assert found["data_type"] == f"zarr-{made['id']}"
        assert stack.resources() == []  # a lookup manages nothing
    finally:
        api.delete(made["id"])


def test_lookup_fails_clearly_for_no_match_and_for_several(stack_factory, api):
    name = unique("lookup-twice")
    made = [api.create(name, BUCKET, path, spec(name)["crs"]) for path in (GOOD, OTHER)]
    try:
        stack = stack_factory()
        stack.configure({f"{stack.project}:lookups": {"x": {"name": name + " nobody"}}})
        shown = stack.preview(ok=False).text
        assert f"there is no Zarr collection named '{name} nobody'" in shown, shown
        stack.configure({f"{stack.project}:lookups": {"x": {"name": name}}})
        shown = stack.preview(ok=False).text
        assert f"2 Zarr collections are named '{name}'" in shown, shown
        assert all(m["id"] in shown for m in made)
    finally:
        for m in made:
            api.delete(m["id"])
