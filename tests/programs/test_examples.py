"""The examples as Pulumi would run them: each program under mocks, every ZarrCollection
registration forwarded to the SDK's dynamic provider host (the engine's Check / Diff /
Create / Update / Delete / Read calls), against the emulator.

Expectations on examples/quickstart (read it before changing these tests): project
``zarr-quickstart``; config ``name``, ``bucket``, ``path``, ``crs``; one resource ``cube``;
exports ``collection_id``, ``status``, ``arrays``, ``ingestion_errors``, ``data_type``.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from harness.fixtures import GOOD_BUCKET, GOOD_PATH, PLANTED_SECRET, write_good_cube
from harness.measure import unique

from pulumi_zarr.testing.engine import PROVIDER_KEY, ProviderError, decoded_provider
from pulumi_zarr.testing.program import DeploymentError, StackState, destroy, refresh, run_program

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "examples" / "quickstart"
IMPORT_EXISTING = REPO / "examples" / "import-existing"
TIMESERIES = REPO / "examples" / "timeseries"


def assert_no_leak(state: StackState, *exports: dict) -> None:
    texts = [json.dumps(e, default=str) for e in exports]
    for entry in state.resources.values():
        texts.append(json.dumps([entry.inputs, entry.outputs], default=str))
        assert PLANTED_SECRET.encode() not in decoded_provider(entry.outputs[PROVIDER_KEY])
    texts += [str(getattr(e, "details", e)) for e in state.errors]
    for text in texts:
        assert PLANTED_SECRET not in text


def test_quickstart_up_rename_replace_destroy(sh_config, api):
    name = unique("quick")
    config = {**sh_config, "name": name, "bucket": GOOD_BUCKET, "path": GOOD_PATH}
    state = StackState()

    # up: created and ingested
    exports = run_program(QUICKSTART, config, state)
    assert state.last == [("create", "cube")]
    first_id = exports["collection_id"]
    assert exports["status"] == "INGESTED"
    assert sorted(exports["arrays"]) == ["B1", "B2"]
    assert exports["data_type"] == f"zarr-{first_id}"
    assert api.get(first_id)["name"] == name
    assert_no_leak(state, exports)

    # up again, nothing changed: Check + Diff only (no diff noise from __provider/outputs)
    exports = run_program(QUICKSTART, config, state)
    assert state.last == [("same", "cube")]
    assert exports["collection_id"] == first_id

    # up with a new name: renamed in place
    config["name"] = name + " renamed"
    exports = run_program(QUICKSTART, config, state)
    assert state.last == [("update", "cube")]
    assert exports["collection_id"] == first_id
    assert api.get(first_id)["name"] == name + " renamed"

    # up with a new path: replaced (create the new one, then delete the old one)
    config["path"] = "other.zarr/"
    exports = run_program(QUICKSTART, config, state)
    assert state.last == [("replace", "cube"), ("delete", "cube")]
    second_id = exports["collection_id"]
    assert second_id != first_id
    assert api.get(first_id) is None
    assert api.get(second_id)["path"] == "other.zarr/"
    assert exports["status"] == "INGESTED"

    # refresh: no drift
    assert refresh(state, config) == {"cube": []}

    # destroy: nothing left
    destroy(state, config)
    assert state.resources == {}
    assert api.get(second_id) is None
    assert api.named(name + " renamed") == []
    assert_no_leak(state, exports)


def test_quickstart_refresh_after_deletion_outside_pulumi(sh_config, api):
    name = unique("quick")
    config = {**sh_config, "name": name, "bucket": GOOD_BUCKET, "path": GOOD_PATH}
    state = StackState()
    exports = run_program(QUICKSTART, config, state)
    api.delete(exports["collection_id"])
    assert refresh(state, config) == {"cube": ["<gone>"]}
    # the next up creates it again
    exports2 = run_program(QUICKSTART, config, state)
    assert state.last == [("create", "cube")]
    assert exports2["collection_id"] != exports["collection_id"]
    destroy(state, config)
    assert api.named(name) == []


def test_quickstart_with_invalid_config_fails_at_check(sh_config, api):
    name = unique("quick")
    config = {**sh_config, "name": name, "bucket": GOOD_BUCKET, "path": "/not-a-prefix"}
    state = StackState()
    with pytest.raises(DeploymentError, match="path"):
        run_program(QUICKSTART, config, state)
    assert state.resources == {}
    assert api.named(name) == []


def test_import_existing_adopts_with_import_id(sh_config, api, emu):
    name = unique("adopt")
    made = api.create(name, GOOD_BUCKET, GOOD_PATH, "http://www.opengis.net/def/crs/EPSG/0/4326")
    api.wait_final(made["id"])
    config = {
        **sh_config,
        "name": name,
        "bucket": GOOD_BUCKET,
        "path": GOOD_PATH,
        "collectionId": made["id"],
    }
    state = StackState()
    try:
        # bucket, path or CRS other than the collection's: refused, nothing changed
        with pytest.raises(ProviderError, match=r"path \(the service has"):
            run_program(IMPORT_EXISTING, {**config, "path": "other.zarr/"}, StackState())
        emu.control.reset_stats()
        exports = run_program(IMPORT_EXISTING, config, state)
        assert state.last == [("create", "adopted")]  # Create adopted it: no POST
        assert not [r for r in emu.control.journal() if r.startswith("POST /api")]
        assert exports["status"] == "INGESTED"
        assert sorted(exports["arrays"]) == ["B1", "B2"]
        assert state.resources["adopted"].id == made["id"]
        assert api.get(made["id"])["name"] == name  # untouched
        # up again, and with another import_id: nothing to do (it is only read by create)
        run_program(IMPORT_EXISTING, config, state)
        run_program(IMPORT_EXISTING, {**config, "collectionId": str(uuid.uuid4())}, state)
        assert state.last == [("same", "adopted")]
        # a new name is a rename in place; destroy deletes it: it is managed now
        run_program(IMPORT_EXISTING, {**config, "name": name + " adopted"}, state)
        assert state.last == [("update", "adopted")]
        assert api.get(made["id"])["name"] == name + " adopted"
        destroy(state, config)
        assert api.get(made["id"]) is None
    finally:
        api.delete(made["id"])


def test_timeseries_reingest_in_place(sh_config, api, buckets, emu):
    bucket = "series"
    for year in ("2024", "2025"):
        write_good_cube(buckets, bucket, f"ndvi/{year}.zarr/")
    prefix = unique("ts")
    cubes = [{"name": f"{prefix} {y}", "path": f"ndvi/{y}.zarr/"} for y in ("2024", "2025")]
    config = {**sh_config, "bucket": bucket, "cubes": json.dumps(cubes), "reingestTrigger": "t0"}
    state = StackState()
    exports = run_program(TIMESERIES, config, state)
    assert sorted(state.last) == [("create", "ndvi-2024-zarr"), ("create", "ndvi-2025-zarr")]
    assert set(exports["statuses"].values()) == {"INGESTED"}
    ids = state.ids()

    def reingests() -> int:
        stats = emu.control.stats()["requests"]
        return sum(n for k, n in stats.items() if k.startswith("PUT ") and "reingest" in k)

    before = reingests()
    exports = run_program(TIMESERIES, {**config, "reingestTrigger": "t1"}, state)
    assert sorted(state.last) == [("update", "ndvi-2024-zarr"), ("update", "ndvi-2025-zarr")]
    assert state.ids() == ids
    assert reingests() == before + 2
    assert set(exports["statuses"].values()) == {"INGESTED"}

    # one cube dropped from the config: its collection is deleted
    exports = run_program(
        TIMESERIES, {**config, "reingestTrigger": "t1", "cubes": json.dumps(cubes[:1])}, state
    )
    assert ("delete", "ndvi-2025-zarr") in state.last
    assert api.get(ids["ndvi-2025-zarr"]) is None
    destroy(state, config)
    assert api.get(ids["ndvi-2024-zarr"]) is None
