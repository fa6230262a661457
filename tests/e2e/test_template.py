"""`pulumi new` from templates/zarr-python, then `up` against the emulator, with the real CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from harness.measure import unique

from pulumi_zarr.testing.cli import Stack

from .conftest import BUCKET, CLIENT_ID, GOOD, PLANTED_SECRET, collections_named

pytestmark = pytest.mark.e2e

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "zarr-python"


def template_defaults() -> dict[str, str]:
    config = yaml.safe_load((TEMPLATE / "Pulumi.yaml").read_text())["template"]["config"]
    return {key: spec["default"] for key, spec in config.items() if "default" in spec}


def test_pulumi_new_from_the_template_deploys_a_collection(pulumi_cli, tmp_path, emu, api):
    defaults = template_defaults()  # name, crs and sentinelhub:baseUrl
    name = unique(defaults["name"])
    stack = Stack(pulumi_cli, tmp_path, None, project="zarr-from-template", stack="dev")
    config = {
        "bucket": BUCKET,
        "path": GOOD,
        "name": name,
        "sentinelhub:clientId": CLIENT_ID,
        "sentinelhub:baseUrl": emu.url,
    }
    flags = [arg for key, value in config.items() for arg in ("--config", f"{key}={value}")]
    # --generate-only: no dependency install (it would reach PyPI), no stack, no config saved
    stack.run("new", str(TEMPLATE), "--yes", "--generate-only", "--name", stack.project, *flags)
    project_file = (stack.dir / "Pulumi.yaml").read_text()
    assert "name: zarr-from-template" in project_file
    assert "\ntemplate:" not in project_file  # `pulumi new` drops the template section
    assert (stack.dir / "__main__.py").exists()
    # The template's virtualenv (.venv) is where a user installs requirements.txt
    # (pulumi-zarr); here it is this interpreter's environment, which has it.
    (stack.dir / ".venv").symlink_to(Path(sys.prefix))
    # as `pulumi new` would set them: the template's defaults, with ours (the emulator) on top
    stack.init({**defaults, **config}, {"sentinelhub:clientSecret": PLANTED_SECRET})
    stack.up()
    out = stack.outputs()
    assert out["status"] == "INGESTED" and out["arrays"] == ["B1", "B2"]
    assert out["data_type"] == f"zarr-{out['collection_id']}"
    [held] = collections_named(api, name)
    assert (held["id"], held["crs"]) == (out["collection_id"], defaults["crs"])
    stack.destroy()
    assert collections_named(api, name) == []
