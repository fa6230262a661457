"""The package's functions through the real `pulumi` CLI: the YAML program examples/yaml-functions
calls all four (getZarrCollection by id and by name, getZarrCollections, getZarrArray,
getBucketPolicy) on the collection it declares, then a look-up by name that finds nothing and
one that finds two.

Kept cheap: one stack, a preview, one `up` that runs every function, two failing previews, one
`destroy`. The rules behind each function (argument checks, errors, paging) are tested in
process through the plugin's Invoke (tests/native/test_functions.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness.measure import unique

from pulumi_zarr.api.deployments import BY_NAME
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.testing.cli import native_plugins

from .conftest import (
    BUCKET,
    GOOD,
    check_function_outputs,
    check_name_lookups_fail,
    collections_named,
)

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yaml-functions"


def test_every_function_from_yaml_then_no_match_and_two(stack_factory, api, buckets):
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
    check_function_outputs(out, buckets)
    assert out["policyJson"] == document_json(BUCKET, BY_NAME["sentinel-hub-eu"])
    assert out["policyPrincipal"] == BY_NAME["sentinel-hub-eu"].principal

    check_name_lookups_fail(stack, api, name)
