"""The examples, run by the real CLI as a user runs them (their own Pulumi project names)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from harness.fixtures import write_good_cube
from harness.measure import unique

from pulumi_zarr.native.names import TOKEN
from pulumi_zarr.testing.cli import native_plugins

from .conftest import BUCKET, GOOD, collections_named
from .test_journeys import api_writes

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_quickstart_with_the_native_class(stack_factory, api):
    """The quickstart's switch to NativeZarrCollection (its outputs keep their Python names:
    ``array_names``, ``data_type``). With ZarrCollection it is the dynamic journey
    (test_journeys::test_preview_up_rename_replace_refresh_destroy)."""
    name = unique("quickstart")
    stack = stack_factory(
        EXAMPLES / "quickstart",
        project="zarr-quickstart",
        config={
            "zarr-quickstart:bucket": BUCKET,
            "zarr-quickstart:path": GOOD,
            "zarr-quickstart:name": name,
            "zarr-quickstart:provider": "native",
        },
        plugins=native_plugins(),
    )
    stack.up()
    out = stack.outputs()
    [held] = stack.resources()
    assert held["type"] == TOKEN
    assert out["status"] == "INGESTED" and out["arrays"] == ["B1", "B2"]
    assert out["data_type"] == f"zarr-{out['collection_id']}"
    assert [c["id"] for c in collections_named(api, name)] == [out["collection_id"]]
    stack.destroy()
    assert collections_named(api, name) == []


def test_import_existing_adopts_with_import_id(stack_factory, api):
    name = unique("adopt")
    made = api.create(name, BUCKET, GOOD, "http://www.opengis.net/def/crs/EPSG/0/4326")
    api.wait_final(made["id"])
    try:
        stack = stack_factory(
            EXAMPLES / "import-existing",
            project="zarr-import-existing",
            config={
                "zarr-import-existing:name": name,
                "zarr-import-existing:bucket": BUCKET,
                "zarr-import-existing:path": GOOD,
                "zarr-import-existing:collectionId": made["id"],
            },
        )
        stack.up()
        assert stack.outputs()["status"] == "INGESTED"
        [held] = stack.resources()
        assert held["id"] == made["id"]  # adopted, not created
        assert [c["id"] for c in collections_named(api, name)] == [made["id"]]
        shown = stack.up().stdout  # import_id is only read by create: nothing to do now
        assert "3 unchanged" in shown, shown  # with the collections' provider
        stack.destroy()  # managed now: destroy deletes it
        assert api.get(made["id"]) is None
    finally:
        if api.get(made["id"]) is not None:
            api.delete(made["id"])


def test_timeseries_reingests_every_cube_in_place(stack_factory, emu, api, buckets):
    prefix = unique("ts")
    cubes = [{"name": f"{prefix} {y}", "path": f"ndvi/{y}.zarr/"} for y in ("2024", "2025")]
    for cube in cubes:
        write_good_cube(buckets, BUCKET, cube["path"])
    stack = stack_factory(
        EXAMPLES / "timeseries",
        project="zarr-timeseries",
        config={
            "zarr-timeseries:bucket": BUCKET,
            "zarr-timeseries:cubes": json.dumps(cubes),
            "zarr-timeseries:reingestTrigger": "t0",
        },
    )
    stack.up()
    assert set(stack.outputs()["statuses"].values()) == {"INGESTED"}
    ids = {r["urn"]: r["id"] for r in stack.resources()}
    assert len(ids) == 2

    stack.configure({"zarr-timeseries:reingestTrigger": "t1"})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert "[diff: ~reingest_trigger]" in shown and "2 updated" in shown, shown
    assert sorted(api_writes(emu)) == sorted(
        f"PUT /api/v1/zarr/collections/{i}/reingest" for i in ids.values()
    )
    assert {r["urn"]: r["id"] for r in stack.resources()} == ids  # in place
    assert set(stack.outputs()["statuses"].values()) == {"INGESTED"}
    stack.destroy()
    assert not [c for c in api.list() if re.match(re.escape(prefix), c["name"])]
