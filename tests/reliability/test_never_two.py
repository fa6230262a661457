"""Never two inside one process, and advice that cannot hurt: what create says when an
identical collection exists (one of this stack's, another stack's), and what read, update and
delete do when the stack now points at another deployment or account than the collection's.

In process, through :class:`~pulumi_zarr.collection.calls.Operations` (the calls both providers
share), against the emulator.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from harness.fixtures import CLIENT_ID, CRS_4326, GOOD_BUCKET, GOOD_PATH, PLANTED_SECRET
from harness.measure import unique

from pulumi_zarr.collection.calls import Operations
from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.errors import ZarrCollectionError

OTHER_CLIENT, OTHER_SECRET = "other-client", "other-s3cr3t-41d9"
POST = {"method": "POST", "path": r"/collections$"}


@pytest.fixture(scope="module")
def emu(buckets) -> Iterator[Emulator]:
    clients = {CLIENT_ID: PLANTED_SECRET, OTHER_CLIENT: OTHER_SECRET}
    with Emulator(buckets, clients=clients, ingest_delay=0.2) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def no_faults_left(emu) -> Iterator[None]:
    yield


def provider(url: str, client_id: str = CLIENT_ID, secret: str = PLANTED_SECRET) -> Operations:
    """The calls of a provider configured for ``url`` as ``client_id``."""
    config = {
        "sentinelhub:baseUrl": url,
        "sentinelhub:clientId": client_id,
        "sentinelhub:clientSecret": secret,
    }
    return Operations(config, lambda _: None)


def props(name: str, **extra: Any) -> dict[str, Any]:
    spec = {"name": name, "s3_bucket": GOOD_BUCKET, "path": GOOD_PATH, "crs": CRS_4326}
    return {**spec, "ingestion_timeout_seconds": 20, **extra}


def outcome(call: Callable[[], Any]) -> tuple[Any, str | None]:
    try:
        return call(), None
    except ZarrCollectionError as exc:
        return None, str(exc)


def test_twins_in_one_process_make_one_collection_and_the_second_is_told_why(emu, api):
    """Finding 5: two creates of one spec at once (the POST takes 1 s) give one collection;
    the other create's error names the twin and never says to adopt or delete it."""
    ops, name = provider(emu.url), unique("twin")
    emu.control.add_fault(**POST, delay=1.0)
    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(outcome, lambda: ops.create(props(name))) for _ in range(2)]
        results = [run.result() for run in runs]
    made = api.named(name)
    assert len(made) == 1, f"two identical collections: {made}"
    [(made_id, _)] = [result for result, _ in results if result]
    [error] = [error for _, error in results if error]
    assert made_id == made[0]["id"]
    assert f"Another resource of this stack holds {made_id}" in error, error
    assert "remove the duplicate resource" in error and "import_id=" not in error, error
    assert "DELETE" not in error, error
    api.delete(made_id)


def test_another_stacks_collection_is_adopted_only_after_checking(emu, api):
    """Findings 5 and 7, the loser of a race between two stacks (another program made it
    first): told that it may belong to another stack and how to check, before adopting."""
    name = unique("other-stack")
    theirs = api.create(name, GOOD_BUCKET, GOOD_PATH, CRS_4326)
    _, error = outcome(lambda: provider(emu.url).create(props(name)))
    assert error is not None
    assert "It may belong to another stack" in error, error
    assert "a `pulumi destroy` of one deletes it under the other" in error, error
    assert f"`pulumi stack export | grep {theirs['id']}`" in error, error
    assert f'If no stack manages it, add import_id="{theirs["id"]}"' in error, error
    assert "Another resource of this stack" not in error, error
    assert [c["id"] for c in api.named(name)] == [theirs["id"]]
    api.delete(theirs["id"])


def test_several_identical_never_advises_deleting_one_this_stack_holds(emu, api):
    """Finding 6: this stack holds one, a duplicate exists outside: the create of a twin
    names the held one as this stack's and advises checking, not deleting, the other."""
    ops, name = provider(emu.url), unique("held")
    held, _ = ops.create(props(name))
    outside = api.create(name, GOOD_BUCKET, GOOD_PATH, CRS_4326)
    _, error = outcome(lambda: ops.create(props(name)))
    assert error is not None and "already exists 2 times" in error, error
    assert f"Another resource of this stack holds {held} " in error, error
    assert "delete the others" not in error, error
    assert "check that no stack manages it" in error, error
    assert held not in error.split("The others may belong to another stack")[1], error
    assert "import_id=" not in error, error  # adopting the other would make two again
    assert {c["id"] for c in api.named(name)} == {held, outside["id"]}
    for id_ in (held, outside["id"]):
        api.delete(id_)


def test_collections_that_appear_after_a_lost_post_are_checked_before_deleting(emu, api):
    """Finding 6 (the "N collections appeared" branch): the POST's answer is lost while
    another program makes the same collection; none is adopted, and the advice is to check."""
    name = unique("appeared")
    emu.control.add_fault(**POST, delay=0.8, drop="after")
    emu.control.reset_stats()
    with ThreadPoolExecutor(1) as pool:
        ours = pool.submit(outcome, lambda: provider(emu.url).create(props(name)))
        while "POST /api/v1/zarr/collections" not in emu.control.journal():
            time.sleep(0.01)  # the POST arrived: it is held for 0.8 s
        api.create(name, GOOD_BUCKET, GOOD_PATH, CRS_4326)  # not delayed: the rule is used
        _, error = ours.result()
    assert error is not None and "2 collections with the same name" in error, error
    assert "delete the others" not in error, error
    assert "check that no stack manages it" in error, error
    for collection in api.named(name):
        api.delete(collection["id"])


@pytest.fixture(scope="module")
def elsewhere(buckets) -> Iterator[Emulator]:
    """Another deployment (its own collections), the same client."""
    with Emulator(buckets, clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=0.2) as emulator:
        yield emulator


@pytest.fixture(params=["base_url", "client_id"])
def moved(request, emu, elsewhere) -> Operations:
    """The provider after the stack was pointed at another deployment, or another account."""
    if request.param == "base_url":
        return provider(elsewhere.url)
    return provider(emu.url, OTHER_CLIENT, OTHER_SECRET)


def test_a_moved_stack_refuses_to_drop_or_forget_the_collection(emu, api, moved):
    """Finding 8: refresh, update and delete after a change of baseUrl or credentials say to
    check them, and none of them drops the collection from the state or counts it deleted."""
    name = unique("moved")
    id_, state = provider(emu.url).create(props(name))
    now = moved.settings(state)
    calls = {
        "read": lambda: moved.read(id_, state),
        "update": lambda: moved.update(id_, state, {**props(name + " renamed")}),
        "delete": lambda: moved.delete(id_, state),
    }
    for call, run in calls.items():
        _, error = outcome(run)
        assert error is not None, f"{call} did not refuse"
        assert f"it was created on {emu.url} as client {CLIENT_ID}" in error, error
        assert f"not found on {now.base_url} as client {now.client_id}" in error, error
        assert "Check sentinelhub:baseUrl, the credentials" in error, error
        assert "the state keeps it" in error and "next `pulumi up` creates" not in error
    assert api.get(id_)["name"] == name
    assert state["base_url"] == emu.url and state["client_id"] == CLIENT_ID
    api.delete(id_)


def test_a_state_without_the_record_is_read_and_dropped_as_before(emu, api):
    """A state written before the deployment was recorded: found, it gains the record;
    gone, it is dropped (read) or counts as deleted, as before."""
    ops, name = provider(emu.url), unique("legacy")
    id_, state = ops.create(props(name))
    legacy = {k: v for k, v in state.items() if k not in ("base_url", "client_id")}
    assert ops.diff(legacy, props(name)) == ([], [])
    _, outs = ops.read(id_, legacy)
    assert outs["base_url"] == emu.url and outs["client_id"] == CLIENT_ID
    api.delete(id_)
    assert ops.read(id_, legacy) is None
    ops.delete(id_, legacy)
