"""Listings of large and of many collections: a page over the answer cap is asked for again in
smaller pages (an answer too large even for one collection says so truly), and a message about
hundreds of collections lists a few of them and says how to list the rest."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from harness.fixtures import CLIENT_ID, PLANTED_SECRET, copy_collection

from pulumi_zarr.api._deadline import MAX_RESPONSE_BYTES
from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.collection import lifecycle
from pulumi_zarr.collection.spec import ZarrCollectionInputs
from pulumi_zarr.errors import ZarrCollectionError

from .conftest import CRS_4326, count_requests, fault

WIDE = {"name": "Wide cube", "s3_bucket": "cubes", "path": "wide.zarr/", "crs": CRS_4326}


@pytest.fixture
def wide_client(wide_emulator) -> Iterator[ZarrClient]:
    client = ZarrClient(Settings(CLIENT_ID, PLANTED_SECRET, base_url=wide_emulator.url))
    yield client
    client.close()


def test_a_create_searches_pages_larger_than_the_cap(wide_emulator, wide_client):
    """100 collections of 1,000 arrays: their one page of 100 is ~10 MiB."""
    wide_emulator.control.reset_stats()
    inputs = ZarrCollectionInputs(**WIDE, wait_for_ingestion=False)
    collection_id, _ = lifecycle.create(wide_client, inputs)
    try:
        assert wide_client.get(collection_id).name == "Wide cube"
        # the page of 100 (~10 MiB) left unread, then four pages of 25 (~2.5 MiB)
        assert count_requests(wide_emulator, "GET", "/collections") == 5
    finally:
        lifecycle.delete(wide_client, collection_id, {})


def test_an_answer_too_large_even_for_one_collection_says_so_without_rerun_advice(emulator, client):
    endless = {"status": 200, "body": " " * 65536, "repeat": MAX_RESPONSE_BYTES // 65536 + 2}
    inputs = ZarrCollectionInputs(**{**WIDE, "name": "Big"}, wait_for_ingestion=False)
    with (
        fault(emulator, method="GET", path="collections$", times=-1, **endless),
        pytest.raises(ZarrCollectionError) as error,
    ):
        lifecycle.create(client, inputs)
    message = str(error.value)
    assert "larger than 8 MiB (more than 8 MiB arrived)" in message
    assert "even with a page of one collection, the answer is larger" in message
    assert "Check that sentinelhub:baseUrl / SH_BASE_URL names a Sentinel Hub" in message
    assert "Nothing was sent, so nothing was created." in message
    assert "pulumi up" not in message and "no answer of this API" not in message


def test_hundreds_of_namesakes_make_a_short_message(emulator, client, cube_spec):
    inputs = ZarrCollectionInputs(**cube_spec.model_dump(), wait_for_ingestion=True)
    first, _ = lifecycle.create(client, inputs)
    copy_collection(emulator, first, [cube_spec.name] * 299)
    with pytest.raises(ZarrCollectionError) as found:
        lifecycle.find_by_name(client, cube_spec.name)
    with pytest.raises(ZarrCollectionError) as made:
        lifecycle.create(client, inputs)
    for error, says in ((found, "300 Zarr collections are named"), (made, "exists 300 times")):
        message = str(error.value)
        assert says in message and len(message) < 2000, message  # 300 ids would be 22,000
        # five listed (the first is named again as this process's own: it made it)
        assert len(set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-", message))) == 5, message
        listing = f"and 295 more (`pulumi-zarr collections list --search {cube_spec.name}`"
        assert listing in message
