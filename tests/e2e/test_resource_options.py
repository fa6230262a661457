"""Pulumi's resource options on a ZarrCollection, through the real CLI (README table)."""

from __future__ import annotations

import pytest
from harness.measure import unique

from .conftest import OTHER, collections_named, spec
from .test_journeys import api_writes

pytestmark = pytest.mark.e2e


def test_protect_refuses_destroy_until_unprotected(stack_factory, api):
    name = unique("protect")
    stack = stack_factory()
    stack.collections({"cube": spec(name, options={"protect": True})})
    stack.up()
    shown = stack.destroy(ok=False).text
    assert "protected" in shown, shown
    assert len(collections_named(api, name)) == 1
    stack.collections({"cube": spec(name)})
    stack.up()
    stack.destroy()
    assert collections_named(api, name) == []


def test_retain_on_delete_keeps_the_collection_on_destroy(stack_factory, api):
    name = unique("retain")
    stack = stack_factory()
    stack.collections({"cube": spec(name, options={"retain_on_delete": True})})
    stack.up()
    [held] = collections_named(api, name)
    stack.destroy()
    assert stack.resources() == []
    assert api.get(held["id"])["name"] == name  # still on the service, outside Pulumi now
    api.delete(held["id"])


def test_ignore_changes_on_name_leaves_the_collection_as_it_is(stack_factory, emu, api):
    name = unique("ignore")
    stack = stack_factory()
    stack.collections({"cube": spec(name, options={"ignore_changes": ["name"]})})
    stack.up()
    stack.collections({"cube": spec(name + " new", options={"ignore_changes": ["name"]})})
    emu.control.reset_stats()
    shown = stack.up().stdout
    assert "3 unchanged" in shown, shown  # the stack, the collections' provider, the collection
    assert api_writes(emu) == []
    assert [c["name"] for c in collections_named(api, name)] == [name]
    stack.destroy()


def test_replace_on_changes_has_no_effect_on_the_dynamic_resource(stack_factory, emu, api):
    """The SDK's dynamic provider host answers Diff without the changed property names, so
    the engine cannot match them against ``replace_on_changes``: a rename stays a rename.
    Recorded so that the README's table stays true (it fails if an engine or SDK fixes it)."""
    name = unique("roc")
    stack = stack_factory()
    stack.collections({"cube": spec(name, options={"replace_on_changes": ["name"]})})
    stack.up()
    old = stack.outputs()["cube"]["id"]
    stack.collections({"cube": spec(name + " new", options={"replace_on_changes": ["name"]})})
    shown = stack.up().stdout
    assert "updated" in shown and "replaced" not in shown, shown
    assert stack.outputs()["cube"]["id"] == old
    assert api.get(old)["name"] == name + " new"
    stack.destroy()


def test_delete_before_replace_deletes_the_old_collection_before_the_post(stack_factory, emu, api):
    name = unique("dbr")
    stack = stack_factory()
    stack.collections({"cube": spec(name, options={"delete_before_replace": True})})
    stack.up()
    old = stack.outputs()["cube"]["id"]
    stack.collections({"cube": spec(name, path=OTHER, options={"delete_before_replace": True})})
    emu.control.reset_stats()
    stack.up()
    writes = api_writes(emu)
    delete = writes.index(f"DELETE /api/v1/zarr/collections/{old}")
    post = writes.index("POST /api/v1/zarr/collections")
    assert delete < post, writes
    assert [c["path"] for c in collections_named(api, name)] == [OTHER]
    stack.destroy()
