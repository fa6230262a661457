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


def test_retain_ignore_replace_on_changes_and_delete_before_replace(stack_factory, emu, api):
    """Four options on four collections of one stack, one `up` of changes, one destroy.

    * ``ignore_changes=["name"]``: a rename in the program leaves the collection as it is;
    * ``replace_on_changes=["name"]``: no effect on the dynamic resource, whose host answers
      Diff without the changed property names, so a rename stays a rename (recorded so that the
      README's table stays true: it fails if an engine or SDK fixes it);
    * ``delete_before_replace``: a path change deletes the old collection before the POST;
    * ``retain_on_delete``: destroy leaves the collection on the service, outside Pulumi.
    """
    names = {key: unique(key) for key in ("retain", "ignore", "roc", "dbr")}
    options = {
        "retain": {"retain_on_delete": True},
        "ignore": {"ignore_changes": ["name"]},
        "roc": {"replace_on_changes": ["name"]},
        "dbr": {"delete_before_replace": True},
    }
    stack = stack_factory()
    stack.collections({k: spec(names[k], options=options[k]) for k in names})
    stack.up()
    before = {k: stack.outputs()[k]["id"] for k in names}

    changed = {k: spec(names[k], options=options[k]) for k in names}
    changed["ignore"] = spec(names["ignore"] + " new", options=options["ignore"])
    changed["roc"] = spec(names["roc"] + " new", options=options["roc"])
    changed["dbr"] = spec(names["dbr"], path=OTHER, options=options["dbr"])
    stack.collections(changed)
    emu.control.reset_stats()
    shown = stack.up().stdout
    writes = api_writes(emu)
    after = {k: stack.outputs()[k]["id"] for k in names}

    assert not [w for w in writes if before["ignore"] in w], writes
    assert [c["name"] for c in collections_named(api, names["ignore"])] == [names["ignore"]]

    assert "1 updated" in shown and "1 replaced" in shown, shown  # roc updated; dbr replaced
    assert after["roc"] == before["roc"]
    assert api.get(before["roc"])["name"] == names["roc"] + " new"

    delete = writes.index(f"DELETE /api/v1/zarr/collections/{before['dbr']}")
    post = writes.index("POST /api/v1/zarr/collections")
    assert delete < post, writes
    assert [c["path"] for c in collections_named(api, names["dbr"])] == [OTHER]

    stack.destroy()
    assert stack.resources() == []
    assert api.get(before["retain"])["name"] == names["retain"]  # on the service, outside Pulumi
    api.delete(before["retain"])
