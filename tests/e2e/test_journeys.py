"""User journeys through the real `pulumi` CLI against the emulator.

Each test asserts what the user sees (the CLI's output) and what the service holds (the
emulator's collections and its request journal). The stack_factory fixture also checks, after
every test, that neither the CLI output nor the state files hold the client secret or any
token the emulator issued.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from harness.fixtures import write_cube_with_skipped_array
from harness.measure import unique

from pulumi_zarr.dynamic.resource import PROVIDER_NAME

from .conftest import (
    BUCKET,
    GOOD,
    OTHER,
    PLANTED_SECRET,
    REPO,
    collections_named,
    spec,
    up_with_plain_secret,
)

pytestmark = pytest.mark.e2e

QUICKSTART = REPO / "examples" / "quickstart"
TYPE = "pulumi-python:dynamic/sentinelhub:ZarrCollection"
PROVIDER = "pulumi:providers:pulumi-python"
WRITES = re.compile(r"^(POST|PUT|DELETE) /(api/v1/zarr|zarr/v1)/")


def api_writes(emu: Any) -> list[str]:
    return [r for r in emu.control.journal() if WRITES.match(r)]


def test_preview_up_rename_replace_refresh_destroy(stack_factory, emu, api):
    """The dynamic resource's whole life, on examples/quickstart as a user runs it (the native
    resource's: test_native_yaml)."""
    name = unique("journey")
    stack = stack_factory(
        QUICKSTART,
        project="zarr-quickstart",
        config={
            "zarr-quickstart:bucket": BUCKET,
            "zarr-quickstart:path": GOOD,
            "zarr-quickstart:name": name,
        },
    )

    # preview: the create, the collections' own provider, and no call but for the token
    emu.control.reset_stats()
    shown = stack.preview().stdout
    assert re.search(rf"\+\s+{re.escape(TYPE)}\s+cube\s+create", shown), shown
    assert "[unknown]" in shown  # outputs are computed by the service
    assert re.search(rf"\+\s+{PROVIDER}\s+{PROVIDER_NAME}\s+create", shown), shown
    assert "+ 3 to create" in shown  # the stack, the collections' provider, the collection
    journal = emu.control.journal()
    assert all("/openid-connect/token" in r for r in journal), journal
    assert collections_named(api, name) == []

    # up: ingested; a second up changes nothing and writes nothing
    stack.up()
    out = stack.outputs()
    first = out["collection_id"]
    assert out["status"] == "INGESTED" and out["arrays"] == ["B1", "B2"]
    assert out["data_type"] == f"zarr-{first}"
    [held] = stack.resources()
    assert held["type"] == TYPE
    assert [(c["id"], c["status"]) for c in collections_named(api, name)] == [(first, "INGESTED")]
    emu.control.reset_stats()
    again = stack.up().stdout
    assert "3 unchanged" in again and "updated" not in again and "created" not in again, again
    assert api_writes(emu) == []
    assert stack.outputs()["collection_id"] == first

    # rename: in place, one PUT
    renamed = name + " renamed"
    stack.configure({"zarr-quickstart:name": renamed})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert re.search(rf"~\s+{re.escape(TYPE)}\s+cube\s+updated", shown), shown
    assert "[diff: ~name]" in shown
    assert stack.outputs()["collection_id"] == first
    assert api.get(first)["name"] == renamed
    assert api_writes(emu) == [f"PUT /api/v1/zarr/collections/{first}"]

    # another path: replaced, the new one created before the old one is deleted
    stack.configure({"zarr-quickstart:path": OTHER})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert re.search(rf"\+-\s+{re.escape(TYPE)}\s+cube\s+replaced", shown), shown
    second = stack.outputs()["collection_id"]
    assert second != first and api.get(second)["path"] == OTHER
    writes = api_writes(emu)
    post = writes.index("POST /api/v1/zarr/collections")
    delete = writes.index(f"DELETE /api/v1/zarr/collections/{first}")
    assert post < delete, writes  # create-before-delete
    assert api.get(first) is None
    assert [c["id"] for c in collections_named(api, renamed)] == [second]

    # (a rename outside Pulumi, shown by refresh as drift and renamed back by the next up: the
    # acceptance journey, tests/acceptance, docs/test-dedupe.md)

    # refresh: deleted outside Pulumi, dropped from the state
    api.delete(second)
    shown = stack.refresh().stdout
    assert re.search(rf"-\s+{re.escape(TYPE)}\s+cube\s+deleted", shown), shown
    assert stack.resources() == []

    # the next up makes it again; destroy leaves nothing
    stack.up()
    third = stack.outputs()["collection_id"]
    assert third not in (first, second)
    shown = stack.destroy().stdout
    assert "3 deleted" in shown, shown  # the collection, its pulumi-python provider, the stack
    assert api.get(third) is None and collections_named(api, renamed) == []
    assert stack.resources() == []


def test_get_reads_an_existing_collection_and_never_deletes_it(stack_factory, api):
    name = unique("get")
    made = api.create(name, BUCKET, GOOD, spec(name)["crs"])
    api.wait_final(made["id"])
    stack = stack_factory()
    stack.collections({"ref": {"get": made["id"]}})
    stack.up()
    out = stack.outputs()["ref"]
    assert out["id"] == made["id"] and out["name"] == name
    assert out["status"] == "INGESTED" and out["array_names"] == ["B1", "B2"]
    assert out["s3_bucket"] == BUCKET and out["path"] == GOOD
    stack.destroy()
    assert api.get(made["id"])["name"] == name  # a reference is never deleted
    api.delete(made["id"])


def test_the_state_holds_no_secret_even_one_set_without_secret(stack_factory, api):
    stack = stack_factory()
    stack.collections({"cube": spec(unique("secrets"))})
    up_with_plain_secret(stack)  # stack_factory searches the state files and all output
    resource = stack.resources()[0]
    assert resource["outputs"]["__provider"]["4dabf18193072939515e22adb298388d"]  # secret
    # the collection's own provider holds the sentinelhub:* settings alone, the secret encrypted
    [provider] = [r for r in stack.export()["deployment"]["resources"] if r["type"] == PROVIDER]
    assert resource["provider"].startswith(provider["urn"])
    assert "ciphertext" in provider["inputs"]["sentinelhub:clientSecret"]
    assert not [key for key in provider["inputs"] if not key.startswith("sentinelhub:")]
    # Decrypted, the secret is only in that provider's config, in no collection
    shown = stack.run("stack", "export", "--show-secrets", record=False).stdout
    assert PLANTED_SECRET in shown  # so the search below can find it
    resources = json.loads(shown)["deployment"]["resources"]
    holders = {r["type"] for r in resources if PLANTED_SECRET in json.dumps(r)}
    assert holders == {PROVIDER}, holders


def test_a_stack_of_an_older_release_moves_to_the_own_provider_changing_nothing(
    stack_factory, emu, api
):
    name = unique("upgrade")
    stack = stack_factory(config={"zarr-e2e:engine_default_provider": "true"})
    stack.collections({"cube": spec(name)})
    stack.up()
    [before] = stack.resources()
    assert "::pulumi:providers:pulumi-python::default::" in before["provider"]

    stack.configure({"zarr-e2e:engine_default_provider": "false"})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert api_writes(emu) == []
    assert not re.search(r"\b(updated|replaced|created replacement)\b", shown.split("Outputs:")[0])
    [after] = stack.resources()
    assert after["id"] == before["id"]
    assert f"::{PROVIDER}::{PROVIDER_NAME}::" in after["provider"], after["provider"]
    stack.destroy()
    assert collections_named(api, name) == []


#: What a new stack of one collection creates: the stack and the collection, and for the dynamic
#: resource its provider (the native plugin's is the engine's default one, not shown).
CREATED = {"dynamic": 3, "native": 2}

#: Where a preflight warning is listed in the Diagnostics: under the stack for the dynamic host
#: (it logs without a resource), under the collection for the native plugin.
WARNED_UNDER = {
    "dynamic": "pulumi:pulumi:Stack (zarr-e2e-e2e):",
    "native": "sentinelhub:index:ZarrCollection (cube):",
}


@pytest.mark.parametrize("resource", sorted(WARNED_UNDER))
def test_preflight_warn_prints_a_warning_and_error_stops_preview(
    stack_factory, api, buckets, resource
):
    """Where each surface lists a warning; that 'error' stops the preview, on the path, for the
    native plugin (the dynamic resource's: the acceptance journey's missing-policy preview)."""
    write_cube_with_skipped_array(buckets, BUCKET, "skips.zarr/")
    name = unique("preflight")
    stack = stack_factory(
        config={"sentinelhub:preflightBucketsDir": str(buckets)}, resource=resource
    )
    stack.collections({"cube": spec(name, path="skips.zarr/", preflight="warn")})
    shown = stack.preview().stdout
    diagnostics = shown.split("Diagnostics:", 1)[1]
    warned = diagnostics.split(WARNED_UNDER[resource], 1)[1]
    assert re.search(
        r"^\s+warning: preflight: .*skips\.zarr: rule 2: array 'bad-name'", warned, re.M
    )
    assert f"+ {CREATED[resource]} to create" in shown
    if resource == "dynamic":
        return

    stack.collections({"cube": spec(name, path="skips.zarr/", preflight="error")})
    shown = stack.preview(ok=False).stdout
    assert re.search(
        r"error: .*ZarrCollection resource 'cube': property path value \{skips\.zarr/\} has a "
        r"problem: preflight: .*rule 2: array 'bad-name'",
        shown,
    ), shown
    assert collections_named(api, name) == []
