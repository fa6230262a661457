"""The ``pulumi new`` template's program (templates/zarr-python) under mocks through the
provider host, with the defaults its Pulumi.yaml offers; the resource's type token that
policy packs match on, as the engine records it and as the README gives it."""

from __future__ import annotations

from pathlib import Path

import yaml
from harness.fixtures import GOOD_BUCKET, GOOD_PATH
from harness.measure import unique

from pulumi_zarr.testing.program import StackState, destroy, run_program

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "templates" / "zarr-python"
TYPE_TOKEN = "pulumi-python:dynamic/sentinelhub:ZarrCollection"


def template_defaults() -> dict[str, str]:
    config = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())["template"]["config"]
    return {key: spec["default"] for key, spec in config.items() if "default" in spec}


def test_the_template_program_deploys_with_its_defaults(sh_config, api):
    defaults = template_defaults()
    config = {
        **defaults,  # name, crs and sentinelhub:baseUrl, as `pulumi new` would set them
        **sh_config,  # the emulator's URL and credentials
        "bucket": GOOD_BUCKET,
        "path": GOOD_PATH,
        "name": unique(defaults["name"]),
    }
    state = StackState()
    exports = run_program(TEMPLATE, config, state, project="zarr-template")
    assert state.last == [("create", "collection")]
    assert exports["status"] == "INGESTED" and sorted(exports["arrays"]) == ["B1", "B2"]
    assert exports["data_type"] == f"zarr-{exports['collection_id']}"
    collection = api.get(exports["collection_id"])
    assert (collection["name"], collection["crs"]) == (config["name"], defaults["crs"])
    assert state.resources["collection"].type == TYPE_TOKEN
    destroy(state, config)
    assert state.resources == {} and api.get(exports["collection_id"]) is None


def test_the_readme_gives_the_type_token_policy_packs_match():
    assert f"`{TYPE_TOKEN}`" in (REPO / "README.md").read_text()
