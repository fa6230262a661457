"""The package's functions through the real `pulumi` CLI: the YAML program examples/yaml-functions
calls all four (getZarrCollection by id and by name, getZarrCollections, getZarrArray,
getBucketPolicy) on the collection it declares, then a look-up that finds nothing.

Kept cheap: one stack, a preview, one `up` that runs every function, one failing `up` for no
match, one `destroy`. The rules behind each function (two matches, argument checks, errors)
are tested in process through the plugin's Invoke (tests/native/test_functions.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness.measure import unique

from pulumi_zarr.api.deployments import BY_NAME
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.testing.cli import native_plugins

from .conftest import BUCKET, GOOD, collections_named

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yaml-functions"


def test_every_function_from_yaml_then_no_match(stack_factory, api, buckets):
    name = unique("yaml-fn")
    stack = stack_factory(EXAMPLE, own_project_file=True, plugins=native_plugins())
    project = stack.project
    stack.configure({f"{project}:name": name, f"{project}:bucket": BUCKET, f"{project}:path": GOOD})

    # at preview the collection is not known yet: the look-ups that take its outputs wait
    shown = stack.preview().stdout
    assert "+ 2 to create" in shown, shown
    assert collections_named(api, name) == []

    stack.up()
    out = stack.outputs()
    made = out["collectionId"]
    assert [c["id"] for c in collections_named(api, name)] == [made]
    assert out["statusById"] == "INGESTED"
    assert out["dataTypeByName"] == f"zarr-{made}"
    assert out["namedIds"] == [made]
    zarray = json.loads((buckets / BUCKET / GOOD / "B1" / ".zarray").read_text())
    assert out["firstArrayShape"] == zarray["shape"]
    assert out["policyJson"] == document_json(BUCKET, BY_NAME["sentinel-hub-eu"])
    assert out["policyPrincipal"] == BY_NAME["sentinel-hub-eu"].principal
    assert "clientSecret" not in json.dumps(out)

    stack.configure({f"{project}:lookupSuffix": " (gone)"})
    failed = stack.up(ok=False).text
    assert f"there is no Zarr collection named '{name} (gone)' (for this account)" in failed, failed
    assert "Traceback" not in failed

    stack.destroy()
    assert api.get(made) is None
