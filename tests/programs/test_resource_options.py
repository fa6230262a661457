"""pulumi_zarr.testing honours the resource options the way the engine does (the real-CLI
twins are in tests/e2e/test_resource_options.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness.fixtures import CRS_4326, GOOD_BUCKET, GOOD_PATH
from harness.measure import unique

from pulumi_zarr.testing.program import DeploymentError, StackState, destroy, run_program

PROGRAM = Path(__file__).resolve().parents[1] / "e2e" / "program"


def up(state: StackState, sh_config: dict, name: str, path: str = GOOD_PATH, **options) -> dict:
    spec = {"name": name, "s3_bucket": GOOD_BUCKET, "path": path, "crs": CRS_4326}
    config = {
        **sh_config,
        "zarr-e2e:collections": json.dumps({"cube": {**spec, "options": options}}),
    }
    return run_program(PROGRAM, config, state, project="zarr-e2e")["cube"]


def test_protect_stops_destroy(sh_config, api):
    name, state = unique("protect"), StackState()
    out = up(state, sh_config, name, protect=True)
    with pytest.raises(DeploymentError, match="protected"):
        destroy(state, sh_config)
    assert api.get(out["id"]) is not None and "cube" in state.resources
    up(state, sh_config, name)
    destroy(state, sh_config)
    assert api.get(out["id"]) is None


def test_retain_on_delete_leaves_the_collection(sh_config, api):
    name, state = unique("retain"), StackState()
    out = up(state, sh_config, name, retain_on_delete=True)
    destroy(state, sh_config)
    assert state.resources == {} and state.last == [("retain", "cube")]
    assert api.get(out["id"])["name"] == name
    api.delete(out["id"])


def test_ignore_changes_keeps_the_old_name(sh_config, api):
    name, state = unique("ignore"), StackState()
    out = up(state, sh_config, name, ignore_changes=["name"])
    up(state, sh_config, name + " new", ignore_changes=["name"])
    assert state.last == [("same", "cube")]
    assert api.get(out["id"])["name"] == name
    destroy(state, sh_config)


def test_delete_before_replace_deletes_first(sh_config, api):
    name, state = unique("dbr"), StackState()
    old = up(state, sh_config, name, delete_before_replace=True)
    new = up(state, sh_config, name, path="other.zarr/", delete_before_replace=True)
    assert new["id"] != old["id"] and api.get(old["id"]) is None
    assert state.last == [("replace", "cube")]
    destroy(state, sh_config)
