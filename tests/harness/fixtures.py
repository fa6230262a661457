"""Fixtures shared by the engine-protocol, program, preflight and reliability tests (a pytest
plugin: ``pytest_plugins`` in tests/conftest.py).

One emulator per test module, with a recognisable client secret planted so every test can
check it never leaks; Zarr cubes written into its buckets directory.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.testing.engine import ProviderHost, secret

from .api import ZarrApi

CLIENT_ID = "harness-client"
#: Recognisable: it must never appear in state, outputs, errors or logs.
PLANTED_SECRET = "PLANTED-s3cr3t-9f4c2e7a"
CRS_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
GOOD_BUCKET = "cubes"
GOOD_PATH = "good.zarr/"


def write_good_cube(buckets: Path, bucket: str, path: str, **kwargs: Any) -> Path:
    target = buckets / bucket / path.rstrip("/")
    if target.exists():
        shutil.rmtree(target)
    write_cube(target, **kwargs)
    return target


def write_failing_cube(buckets: Path, bucket: str, path: str) -> Path:
    """A group the service cannot ingest at all: no pair of spatial coordinate arrays
    ('lat' with 'y'; rule 3)."""
    return write_good_cube(buckets, bucket, path, spatial=("lat", "y"))


def write_cube_with_skipped_array(
    buckets: Path, bucket: str, path: str, bad: str = "bad-name"
) -> Path:
    """A good group plus one data array whose name is not a JavaScript identifier (rule 2):
    ingested, with that array skipped."""
    return write_good_cube(buckets, bucket, path, overrides={bad: {}})


@pytest.fixture(scope="module")
def buckets(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("buckets")
    write_good_cube(root, GOOD_BUCKET, GOOD_PATH)
    write_good_cube(root, GOOD_BUCKET, "other.zarr/")
    return root


@pytest.fixture(scope="module")
def emu(buckets) -> Iterator[Emulator]:
    with Emulator(buckets, clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=0.2) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def sh_config(emu) -> dict[str, Any]:
    """Stack config for the provider, the secret marked secret as `pulumi config set
    --secret` would."""
    return {
        "sentinelhub:clientId": CLIENT_ID,
        "sentinelhub:clientSecret": secret(PLANTED_SECRET),
        "sentinelhub:baseUrl": emu.url,
    }


@pytest.fixture(scope="module")
def api(emu) -> Iterator[ZarrApi]:
    client = ZarrApi(emu.url, emu.token_url, CLIENT_ID, PLANTED_SECRET)
    yield client
    client.close()


class RecordingHost(ProviderHost):
    """A host that keeps the text of every response and error, to search for leaks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transcript: list[str] = []

    def _call(self, method: str, request: Any) -> Any:
        try:
            response = super()._call(method, request)
        except Exception as exc:
            self.transcript.append(f"{method} error: {getattr(exc, 'details', exc)}")
            raise
        self.transcript.append(f"{method}: {response}")
        return response


@pytest.fixture(scope="module")
def host(sh_config) -> Iterator[RecordingHost]:
    with RecordingHost(project="zarr-test") as h:
        h.configure(sh_config)
        yield h
