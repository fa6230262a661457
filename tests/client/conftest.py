"""Fixtures of the client tests, and the one place that speaks to the emulator's controls."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.models import CollectionCreate
from pulumi_zarr.api.settings import Settings

CRS_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"


@pytest.fixture
def settings_for(emulator):
    def make(**overrides: Any) -> Settings:
        return Settings(
            client_id="local", client_secret="local-secret", base_url=emulator.url, **overrides
        )

    return make


@pytest.fixture
def client(settings_for) -> Iterator[ZarrClient]:
    client = ZarrClient(settings_for())
    yield client
    client.close()


@pytest.fixture
def cube_spec(write_cube, buckets_dir, request) -> CollectionCreate:
    write_cube(buckets_dir / "cubes" / "demo.zarr")
    return CollectionCreate(
        name=f"t-{request.node.name}"[:60], s3_bucket="cubes", path="demo.zarr/", crs=CRS_4326
    )


@contextlib.contextmanager
def fault(emulator, **rule: Any) -> Iterator[None]:
    """Inject a fault rule into the emulator for the duration of the block."""
    emulator.control.add_fault(**rule)
    try:
        yield
    finally:
        emulator.control.clear_faults()


def count_tokens(emulator) -> int:
    return sum(emulator.control.stats()["token_requests"].values())


def count_requests(emulator, method: str, route_suffix: str) -> int:
    return sum(
        n
        for key, n in emulator.control.stats()["requests"].items()
        if key.startswith(method + " ") and key.rstrip("}").endswith(route_suffix)
    )
