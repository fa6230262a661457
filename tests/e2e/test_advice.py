"""Never two inside one program, and advice that cannot hurt, through the real CLI: twin
resources of one program, and a stack pointed at another deployment after its collection was
made."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness.measure import unique

from pulumi_zarr.emulator.server import Emulator

from .conftest import CLIENT_ID, PLANTED_SECRET, collections_named, spec

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("resource", ["dynamic", "native"])
def test_twin_resources_make_one_collection_and_the_second_is_told_to_go(
    stack_factory, emu, api, resource
):
    name = unique("twins")
    stack = stack_factory(resource=resource)
    stack.collections({"a": spec(name), "b": spec(name)})
    emu.control.add_fault(method="POST", path=r"/collections$", delay=1.5)  # both search first
    try:
        shown = stack.up(ok=False).text
    finally:
        emu.control.clear_faults()
    [made] = collections_named(api, name)
    assert f"Another resource of this stack holds {made['id']}" in shown, shown
    assert "remove the duplicate resource from the program" in shown, shown
    assert [r["id"] for r in stack.resources()] == [made["id"]]


@pytest.fixture(scope="module")
def elsewhere(buckets: Path) -> Iterator[Emulator]:
    """Another deployment, where the same client has no collection."""
    with Emulator(buckets, clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=0.3) as emulator:
        yield emulator


def test_after_a_change_of_base_url_the_collection_is_neither_dropped_nor_made_again(
    stack_factory, emu, api, elsewhere
):
    name = unique("moved")
    stack = stack_factory()
    stack.collections({"cube": spec(name)})
    stack.up()
    [held] = [r["id"] for r in stack.resources()]

    stack.configure({"sentinelhub:baseUrl": elsewhere.url})
    stack.collections({"cube": spec(name + " renamed")})
    shown = stack.up(ok=False).text
    assert f"it was created on {emu.url} as client {CLIENT_ID}" in shown, shown
    assert f"not found on {elsewhere.url}" in shown and "Check sentinelhub:baseUrl" in shown
    refreshed = stack.refresh(ok=False).text
    assert "the state keeps it" in refreshed, refreshed
    assert [r["id"] for r in stack.resources()] == [held]
    assert stack.destroy(ok=False).code != 0
    assert api.get(held) is not None

    stack.configure({"sentinelhub:baseUrl": emu.url})  # pointed back: the up goes through
    stack.up()
    assert api.get(held)["name"] == name + " renamed"
    stack.destroy()
    assert api.get(held) is None


def test_a_state_from_before_the_record_shows_no_change(stack_factory, emu, api):
    """A state written before base_url and client_id were recorded: no change at preview or
    refresh, and the refresh records them."""
    name = unique("legacy")
    stack = stack_factory()
    stack.collections({"cube": spec(name)})
    stack.up()
    state: dict[str, Any] = stack.export()
    for resource in state["deployment"]["resources"]:
        for key in ("base_url", "client_id"):
            resource.get("outputs", {}).pop(key, None)
    exported = stack.dir / "legacy.json"
    exported.write_text(json.dumps(state))
    stack.run("stack", "import", "--file", str(exported))
    assert "base_url" not in json.dumps(stack.export())
    shown = stack.preview("--diff").stdout
    # the stack, the collections' provider, the collection
    assert "3 unchanged" in shown and "base_url" not in shown, shown
    assert "3 unchanged" in stack.refresh("--diff").stdout
    [cube] = stack.resources()
    assert cube["outputs"]["base_url"] == emu.url and cube["outputs"]["client_id"] == CLIENT_ID
    stack.destroy()
    assert collections_named(api, name) == []
