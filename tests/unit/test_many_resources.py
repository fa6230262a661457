"""A program with thousands of ZarrCollections registers them all.

SDK 3.272's ``serialize_provider`` leaves one more wrapper on ``pickle._Pickler`` per dynamic
resource; without ZarrCollection's guard the 960th or so raises RecursionError. Plain mocks
(no provider host): this is about the program side only.
"""

from __future__ import annotations

import pickle
from typing import Any

import pulumi
import pytest
from harness.mocks import EchoMocks

from pulumi_zarr import ZarrCollection, ZarrCollectionArgs
from pulumi_zarr.testing.program import reset_runtime

COUNT = 2_000


@pytest.fixture
def mocks():
    pulumi.runtime.set_mocks(EchoMocks(), project="many", stack="test", preview=False)
    yield
    reset_runtime()


def test_two_thousand_collections_register_without_recursion_error(mocks):
    before = pickle._Pickler._batch_setitems
    seen: list[Any] = []

    @pulumi.runtime.test
    def program():
        cubes = [
            ZarrCollection(
                f"cube-{i}",
                ZarrCollectionArgs(
                    name=f"Cube {i}",
                    s3_bucket="cubes",
                    path=f"c{i}.zarr/",
                    crs="http://www.opengis.net/def/crs/EPSG/0/4326",
                    wait_for_ingestion=False,
                ),
            )
            for i in range(COUNT)
        ]
        return pulumi.Output.all(cubes[0].id, cubes[-1].id, cubes[-1].name).apply(seen.extend)

    program()
    assert seen == ["id-cube-0", f"id-cube-{COUNT - 1}", f"Cube {COUNT - 1}"]
    assert pickle._Pickler._batch_setitems is before  # nothing left behind on the pickler
