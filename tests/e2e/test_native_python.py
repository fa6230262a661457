"""The native provider's typed Python class (NativeZarrCollection) through the real CLI: the
`import` resource option, and moving a stack from the dynamic resource to the native one.

The journeys' program (tests/e2e/program) declares its collections with the native class when
its `resource` config is `native`; the Stack declares the plugin in Pulumi.yaml.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from harness.fixtures import CRS_4326
from harness.measure import unique

from pulumi_zarr.dynamic.resource import TYPE_TOKEN
from pulumi_zarr.native.names import TOKEN
from pulumi_zarr.testing.cli import native_plugins

from .conftest import BUCKET, GOOD, collections_named, run_readme_block, spec

pytestmark = pytest.mark.e2e

MARK = "<!-- run-by: tests/e2e/test_native_python.py#migration -->"

WRITES = re.compile(r"^(POST|PUT|DELETE) /(api/v1/zarr|zarr/v1)/")


def api_writes(emu: Any) -> list[str]:
    return [r for r in emu.control.journal() if WRITES.match(r)]


def test_the_import_option_adopts_as_it_is_or_imports_then_updates(
    stack_factory, emu, api, existing
):
    """``import_`` of a collection that matches the program: imported, no write. With another
    name, or provider-only inputs (which the service does not store, so an import reads their
    defaults): the preview shows the import and then an update, and `up` does both (Pulumi
    3.274's engine; older engines refused such an import). Managed from then on: the option
    can go, and nothing changes."""
    other = api.create(unique("existing"), BUCKET, GOOD, CRS_4326)
    api.wait_final(other["id"])
    new_name = other["name"] + " renamed"
    stack = stack_factory(resource="native")
    stack.collections(
        {
            "adopted": spec(existing["name"], options={"import_": existing["id"]}),
            "renamed": spec(new_name, wait_for_ingestion=False, options={"import_": other["id"]}),
        }
    )
    emu.control.reset_stats()
    shown = stack.preview().stdout
    for logical in ("adopted", "renamed"):
        assert re.search(rf"=\s+{re.escape(TOKEN)}\s+{logical}\s+import", shown), shown
    assert re.search(r"~\s+\S+\s+renamed\s+update\s+\[diff: ~name,waitForIngestion\]", shown)
    assert not re.search(r"adopted\s+update", shown), shown
    assert api_writes(emu) == []
    shown = stack.up().stdout
    assert "= 2 imported" in shown and "~ 1 updated" in shown, shown
    assert api_writes(emu) == [f"PUT /api/v1/zarr/collections/{other['id']}"]  # the rename
    outputs = stack.outputs()
    assert (outputs["adopted"]["id"], outputs["renamed"]["id"]) == (existing["id"], other["id"])
    assert api.get(other["id"])["name"] == new_name
    [renamed] = [r for r in stack.resources() if r["urn"].endswith("::renamed")]
    assert renamed["outputs"]["waitForIngestion"] is False

    stack.collections(
        {
            "adopted": spec(existing["name"]),
            "renamed": spec(new_name, wait_for_ingestion=False),
        }
    )
    assert "3 unchanged" in stack.preview().stdout
    stack.destroy()
    assert api.get(existing["id"]) is None and api.get(other["id"]) is None


def test_the_import_option_refuses_a_collection_it_would_replace(stack_factory, emu, api, existing):
    """Another bucket, path or CRS than the collection has: Pulumi refuses to replace what it
    imports; the collection stays as it is."""
    stack = stack_factory(resource="native")
    declared = spec(existing["name"], path="other.zarr/", options={"import_": existing["id"]})
    stack.collections({"adopted": declared})
    emu.control.reset_stats()
    refusal = "previously-imported resources that still specify an ID may not be replaced"
    shown = stack.preview().text  # a warning in the preview
    assert refusal in shown and "path: {good.zarr/} => {other.zarr/}" in shown, shown
    assert refusal in stack.up(ok=False).text
    assert api_writes(emu) == []
    held = api.get(existing["id"])
    assert (held["name"], held["path"]) == (existing["name"], GOOD)


def test_a_dynamic_stack_moves_to_the_native_class_through_the_alias(stack_factory, emu, api):
    name = unique("migrate")
    stack = stack_factory(plugins=native_plugins())
    stack.collections({"cube": spec(name)})
    stack.up()
    before = stack.outputs()["cube"]
    assert [r["type"] for r in stack.resources()] == [TYPE_TOKEN]

    stack.configure({"zarr-e2e:resource": "native"})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert re.search(rf"~\s+{re.escape(TOKEN)}\s+cube\s+updated.*\[diff: -__provider\]", shown), (
        shown
    )
    assert api_writes(emu) == []  # read, not recreated
    after = stack.outputs()["cube"]
    assert after == before
    [held] = stack.resources()
    assert held["type"] == TOKEN and held["id"] == before["id"]
    assert "__provider" not in held["outputs"] and "s3Bucket" in held["outputs"]

    emu.control.reset_stats()
    assert "2 unchanged" in stack.up().stdout
    assert api_writes(emu) == []
    stack.destroy()
    assert collections_named(api, name) == []


def test_a_dynamic_stack_moves_by_state_delete_and_import(stack_factory, emu, api):
    """The way for a program that cannot keep the resource's name (another project, YAML)."""
    name = unique("reimport")
    stack = stack_factory(plugins=native_plugins())
    stack.collections({"cube": spec(name)})
    stack.up()
    id_ = stack.outputs()["cube"]["id"]
    assert [r["type"] for r in stack.resources()] == [TYPE_TOKEN]

    emu.control.reset_stats()
    # README's block as it is, `--yes` added (no terminal to confirm on), and no code generated:
    # the Python host scripts/pulumi-cli.sh builds (v3.79) has no GenerateProgram, so the import
    # would end "method GenerateProgram not implemented" after it imported; users' hosts have it
    found = {
        "<stack>": stack.stack,
        "<project>": stack.project,
        "<collection id>": id_,
        "ZarrCollection::cube'": "ZarrCollection::cube' --yes",
        "--protect=false": "--protect=false --yes --generate-code=false",
    }
    run_readme_block(stack, MARK, found, cwd=stack.dir)
    stack.configure({"zarr-e2e:resource": "native"})
    shown = stack.up().stdout
    assert "2 unchanged" in shown or "unchanged" in shown, shown
    assert api_writes(emu) == []
    [held] = stack.resources()
    assert (held["type"], held["id"]) == (TOKEN, id_)
    stack.destroy()
    assert api.get(id_) is None
