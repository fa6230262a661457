"""Fixtures shared by the engine-protocol, program, preflight and reliability tests (a pytest
plugin: ``pytest_plugins`` in tests/conftest.py).

One emulator per test module, with a recognisable client secret planted so every test can
check it never leaks; Zarr cubes written into its buckets directory.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.emulator.server import Emulator
from pulumi_zarr.errors import CUT_OFF
from pulumi_zarr.testing.engine import ProviderHost, secret

from .api import ZarrApi

CLIENT_ID = "harness-client"
#: Recognisable: it must never appear in state, outputs, errors or logs.
PLANTED_SECRET = "PLANTED-s3cr3t-9f4c2e7a"
CRS_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
GOOD_BUCKET = "cubes"
GOOD_PATH = "good.zarr/"


def timed_out(seconds: int, setting: str, status: str = "INGESTING") -> str:
    """The pattern of an ingestion timeout's words in a message, up to the advice that follows
    (``. Raise ...``): its status, time and setting, then, where the status request at the
    deadline was cut off (under load), that clause (:data:`pulumi_zarr.errors.CUT_OFF`)."""
    return (
        rf"was still {status} after {seconds} s \({re.escape(setting)}\)"
        rf"(?:{re.escape(CUT_OFF)}.*)?\. "
    )


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


def write_wide_cube(buckets: Path, bucket: str, path: str, arrays: int) -> Path:
    """A good cube with ``arrays`` data arrays B0, B1, …: B0 written by zarr, the others
    copies of its metadata (all that ingestion reads; their chunks read as the fill value).
    zarr takes tens of milliseconds per array, so writing 1,000 would take half a minute."""
    target = write_good_cube(buckets, bucket, path, arrays=("B0",))
    zarray = (target / "B0" / ".zarray").read_text()
    zattrs = json.loads((target / "B0" / ".zattrs").read_text())
    for i in range(1, arrays):
        folder = target / f"B{i}"
        folder.mkdir()
        (folder / ".zarray").write_text(zarray)
        (folder / ".zattrs").write_text(json.dumps({**zattrs, "long_name": f"band B{i}"}))
    return target


def copy_collection(emulator: Emulator, collection_id: str, names: list[str]) -> None:
    """Collections named ``names`` in an in-process emulator, each with the ingestion outcome
    of ``collection_id`` (as ingesting the same store again would give, without the time)."""
    assert emulator.app is not None
    db = emulator.app.db
    original = db.get(collection_id)
    assert original is not None and original.result is not None, "ingest the original first"
    for name in names:
        copy = db.insert(
            id=str(uuid.uuid4()),
            **{
                field: getattr(original, field)
                for field in ("account_id", "created", "s3_bucket", "path", "crs")
            },
            name=name,
            started_at=original.started_at,
            ready_at=original.ready_at,
        )
        db.set_result(copy.id, copy.generation, original.result)


#: A store whose collections are ~100 KB each (``additionalData.bands``), so that a page of
#: 100 of them is larger than the client's answer cap.
WIDE_ARRAYS = 1000
WIDE_COLLECTIONS = 100


@pytest.fixture(scope="session")
def wide_emulator(tmp_path_factory) -> Iterator[Emulator]:
    """An emulator holding 100 ingested collections "Wide cube N" of a 1,000-array store."""
    root = tmp_path_factory.mktemp("wide-buckets")
    write_wide_cube(root, GOOD_BUCKET, "wide.zarr/", WIDE_ARRAYS)
    with Emulator(root, clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=0.05) as emulator:
        api = ZarrApi(emulator.url, emulator.token_url, CLIENT_ID, PLANTED_SECRET)
        first = api.create("Wide cube 0", GOOD_BUCKET, "wide.zarr/", CRS_4326)
        assert api.wait_final(first["id"], timeout=120)["status"] == "INGESTED"
        api.close()
        names = [f"Wide cube {n}" for n in range(1, WIDE_COLLECTIONS)]
        copy_collection(emulator, first["id"], names)
        yield emulator


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
