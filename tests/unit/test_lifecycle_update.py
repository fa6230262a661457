"""lifecycle.update applies each changed input as its OnChange says."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_zarr.api._deadline import deadline
from pulumi_zarr.api._transport import ApiSession
from pulumi_zarr.api.models import Collection
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.collection import lifecycle
from pulumi_zarr.collection.spec import ZarrCollectionInputs
from pulumi_zarr.crs import crs_url
from pulumi_zarr.errors import NotFound, ZarrCollectionError

ID = "00000000-0000-0000-0000-000000000001"
OLD = {"name": "Cube", "s3_bucket": "cubes", "path": "a.zarr/", "crs": crs_url(4326)}


class FakeClient:
    """Records the calls update makes."""

    settings = Settings("fake-id", "fake-secret-9d2b7c")

    def __init__(self, gone: bool = False) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.gone = gone
        self.http = ApiSession(self.settings)

    def deadline(self, at: float) -> Any:
        return deadline(at)

    def _collection(self) -> Collection:
        return Collection(id=ID, status="INGESTED", **{**OLD, "name": "now"})

    def rename(self, collection_id: str, name: str) -> None:
        self.calls.append(("rename", name))

    def reingest(self, collection_id: str) -> Collection:
        self.calls.append(("reingest",))
        return self._collection()

    def get(self, collection_id: str) -> Collection:
        if self.gone:
            raise NotFound("no such collection", status=404)
        return self._collection()

    def list_arrays(self, collection_id: str) -> list[Any]:
        return []


def update(client: FakeClient, **changes: Any) -> dict[str, Any]:
    inputs = ZarrCollectionInputs(**{**OLD, "wait_for_ingestion": False, **changes})
    return lifecycle.update(client, ID, OLD, inputs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "calls"),
    [
        ({"name": "New"}, [("rename", "New")]),
        ({"reingest_trigger": "t1"}, [("reingest",)]),
        ({"name": "New", "reingest_trigger": "t1"}, [("rename", "New"), ("reingest",)]),
        ({"ingestion_timeout_seconds": 60, "preflight": "warn"}, []),
        ({}, []),
    ],
)
def test_each_change_does_what_its_field_declares(changes, calls):
    client = FakeClient()
    outs = update(client, **changes)
    assert client.calls == calls
    assert outs["status"] == "INGESTED" and outs["data_type"] == f"zarr-{ID}"


def test_a_replacing_change_never_reaches_the_service():
    client = FakeClient()
    with pytest.raises(ValueError, match="replaces"):
        update(client, name="New", path="b.zarr/")
    assert client.calls == []


def test_a_collection_gone_meanwhile_says_to_refresh():
    with pytest.raises(ZarrCollectionError, match="pulumi refresh"):
        update(FakeClient(gone=True), name="New")
