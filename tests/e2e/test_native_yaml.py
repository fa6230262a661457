"""The native provider through the real `pulumi` CLI: the YAML example (examples/yaml), its whole
life against the emulator (started by README.md's "YAML" block, run as it is), and `pulumi import`.

The engine finds `pulumi-resource-sentinelhub` through the `plugins` section the Stack adds to
Pulumi.yaml (the venv's bin folder, where pip put the console script). The stack_factory
fixture checks after each test that no secret or token reached the CLI output or the state.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from harness.measure import unique

from pulumi_zarr.testing.cli import Stack, native_plugins

from .conftest import (
    BUCKET,
    GOOD,
    OTHER,
    PLANTED_SECRET,
    collections_named,
    readme_values,
    run_readme_block,
    up_with_plain_secret,
)

pytestmark = pytest.mark.e2e

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "yaml"
MARK = "<!-- run-by: tests/e2e/test_native_yaml.py -->"
IMPORT_MARK = "<!-- run-by: tests/e2e/test_native_yaml.py#import -->"
TYPE = "sentinelhub:index:ZarrCollection"
WRITES = re.compile(r"^(POST|PUT|DELETE) /(api/v1/zarr|zarr/v1)/")


def api_writes(emu: Any) -> list[str]:
    return [r for r in emu.control.journal() if WRITES.match(r)]


def yaml_stack(stack_factory, name: str, path: str = GOOD) -> Stack:
    """A stack of the YAML example, configured for one collection ``name`` at ``path``."""
    stack = stack_factory(EXAMPLE, own_project_file=True, plugins=native_plugins())
    stack.configure({"zarr-yaml:name": name, "zarr-yaml:bucket": BUCKET, "zarr-yaml:path": path})
    return stack


def test_preview_up_rename_replace_refresh_destroy(stack_factory, emu, api):
    name = unique("yaml")
    stack = stack_factory(
        EXAMPLE,
        own_project_file=True,
        plugins=native_plugins(),
        stack="dev",
        env={"SH_BASE_URL": emu.url},
        init=False,
    )
    emu.control.reset_stats()
    shown = run_readme_block(
        stack, MARK, {**readme_values(name), "cd examples/yaml": f"cd {stack.dir}"}
    )
    # its `up` previews (a create, unknown outputs), then creates: one POST, the update's
    assert re.search(rf"\+\s+{re.escape(TYPE)}\s+cube\s+create\s", shown), shown
    assert "+ 2 to create" in shown and "[unknown]" in shown
    assert re.search(rf"\+\s+{re.escape(TYPE)}\s+cube\s+created", shown), shown
    assert api_writes(emu) == ["POST /api/v1/zarr/collections"]
    out = stack.outputs()
    assert out["status"] == "INGESTED" and out["arrayNames"] == ["B1", "B2"]
    first = out["collectionId"]
    assert [c["id"] for c in collections_named(api, name)] == [first]
    [held] = stack.resources()
    assert held["outputs"]["dataType"] == f"zarr-{first}"
    assert "s3_bucket" not in held["outputs"]  # wire names in the state

    emu.control.reset_stats()
    again = stack.up().stdout
    assert "2 unchanged" in again and api_writes(emu) == [], again

    # rename: in place
    stack.configure({"zarr-yaml:name": name + " renamed"})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert re.search(rf"~\s+{re.escape(TYPE)}\s+cube\s+updated.*\[diff: ~name\]", shown), shown
    assert api_writes(emu) == [f"PUT /api/v1/zarr/collections/{first}"]
    assert stack.outputs()["collectionId"] == first

    # another path: replaced, the new one created before the old one is deleted
    stack.configure({"zarr-yaml:path": OTHER})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert re.search(rf"\+-\s+{re.escape(TYPE)}\s+cube\s+replaced", shown), shown
    second = stack.outputs()["collectionId"]
    writes = api_writes(emu)
    assert second != first
    assert writes.index("POST /api/v1/zarr/collections") < writes.index(
        f"DELETE /api/v1/zarr/collections/{first}"
    )
    assert api.get(first) is None

    # refresh: a rename outside Pulumi shows as drift, and the next up renames it back
    api.rename(second, "renamed by hand")
    shown = stack.refresh("--diff").stdout
    assert "renamed by hand" in shown, shown
    assert "[diff: ~name]" in stack.up().stdout
    assert api.get(second)["name"] == name + " renamed"

    # refresh: deleted outside Pulumi, dropped from the state
    api.delete(second)
    shown = stack.refresh().stdout
    assert re.search(rf"-\s+{re.escape(TYPE)}\s+cube\s+deleted", shown), shown
    assert stack.resources() == []

    stack.up()
    third = stack.outputs()["collectionId"]
    shown = stack.destroy().stdout
    assert "deleted" in shown
    assert api.get(third) is None and stack.resources() == []
    assert collections_named(api, name) == collections_named(api, name + " renamed") == []


def test_secrets_stay_out_of_the_state_and_the_output_even_one_set_without_secret(
    stack_factory,
):
    stack = yaml_stack(stack_factory, unique("yaml-secret"))
    up_with_plain_secret(stack)
    state = stack.export()["deployment"]["resources"]
    [provider] = [r for r in state if r["type"] == "pulumi:providers:sentinelhub"]
    assert "ciphertext" in provider["inputs"]["clientSecret"]  # encrypted, never plain
    text = stack.state_files(history_config=False) + "\n".join(stack.transcript)
    assert PLANTED_SECRET not in text  # (the fixture checks every issued token too)


def test_pulumi_import_adopts_a_collection_and_writes_the_program(stack_factory, emu, api):
    name = unique("yaml-import")
    made = api.create(name, BUCKET, GOOD, "http://www.opengis.net/def/crs/EPSG/0/4326")
    api.wait_final(made["id"])
    stack = yaml_stack(stack_factory, name)
    emu.control.reset_stats()
    # README's block as it is, `--yes` added (no terminal to confirm on)
    found = {"<collection id>": made["id"], "--protect=false": "--protect=false --yes"}
    shown = run_readme_block(stack, IMPORT_MARK, found, cwd=stack.dir)
    assert "= 1 imported" in shown, shown
    # the code to paste: the inputs the service stores, nothing else
    assert re.search(
        rf"cube:\n\s+type: sentinelhub:ZarrCollection\n\s+properties:\n\s+crs: \S+\n"
        rf"\s+name: {re.escape(name)}\n\s+path: {re.escape(GOOD)}\n\s+s3Bucket: {BUCKET}\n",
        shown,
    ), shown
    assert api_writes(emu) == []
    [held] = stack.resources()
    assert held["id"] == made["id"] and held["outputs"]["arrayNames"] == ["B1", "B2"]

    # the YAML program declares the same collection: no change
    previewed = stack.preview().stdout
    assert "2 unchanged" in previewed and "to update" not in previewed, previewed
    stack.destroy()
    assert api.get(made["id"]) is None


def test_the_plugin_on_path_is_warned_about_per_lookup_and_the_plugins_section_is_not(
    stack_factory,
):
    """The engine warns at each of its lookups of a plugin found on PATH (pulumi/pulumi#14525):
    in one preview, four (ensure installed, the schema's package, the schema loader's plugin, the
    provider), listed under Diagnostics, and shown on the stack's row each time it is redrawn
    (five more here); an `up` is a preview and an update, so twice that. A project plugin (the
    `plugins` section) is found before PATH: no warning."""
    warning = "warning: using pulumi-resource-sentinelhub from $PATH at "
    [folder] = native_plugins().values()
    on_path = {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
    ambient = stack_factory(EXAMPLE, own_project_file=True, env=on_path)
    ambient.configure({"zarr-yaml:name": unique("on-path"), "zarr-yaml:bucket": BUCKET})
    shown = ambient.preview().text
    assert shown.split("Diagnostics:", 1)[1].count(warning) == 4, shown
    declared = stack_factory(
        EXAMPLE, own_project_file=True, env=on_path, plugins={"sentinelhub": folder}
    )
    declared.configure({"zarr-yaml:name": unique("declared"), "zarr-yaml:bucket": BUCKET})
    assert warning not in declared.preview().text
