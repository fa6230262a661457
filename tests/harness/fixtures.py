"""Fixtures shared by tests/provider and tests/programs (imported into their conftest.py).

One emulator per test module, with a recognisable client secret planted so every test can
check it never leaks; Zarr cubes written into its buckets directory.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_zarr.testing.engine import ProviderHost, secret

from .api import ZarrApi

CLIENT_ID = "harness-client"
#: Recognisable: it must never appear in state, outputs, errors or logs.
PLANTED_SECRET = "PLANTED-s3cr3t-9f4c2e7a"
CRS_4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
GOOD_BUCKET = "cubes"
GOOD_PATH = "good.zarr/"


def emulator_class() -> Any:
    try:
        from pulumi_zarr.emulator.server import Emulator
    except ImportError as exc:  # written by another engineer at the same time
        pytest.fail(f"the emulator is not available yet: {exc}")
    return Emulator


def _write_cube(path: Path, **kwargs: Any) -> None:
    try:
        from pulumi_zarr.emulator.samples import write_cube
    except ImportError as exc:
        pytest.fail(f"pulumi_zarr.emulator.samples is not available yet: {exc}")
    write_cube(path, **kwargs)


def write_good_cube(buckets: Path, bucket: str, path: str, **kwargs: Any) -> Path:
    target = buckets / bucket / path.rstrip("/")
    if target.exists():
        shutil.rmtree(target)
    _write_cube(target, **kwargs)
    return target


def _arrays(store: Path) -> dict[str, dict[str, Any]]:
    return {p.parent.name: json.loads(p.read_text()) for p in store.glob("*/.zarray")}


def _drop_from_consolidated(store: Path, names: list[str]) -> None:
    meta_file = store / ".zmetadata"
    if meta_file.exists():
        meta = json.loads(meta_file.read_text())
        meta["metadata"] = {
            k: v for k, v in meta["metadata"].items() if k.split("/")[0] not in names
        }
        meta_file.write_text(json.dumps(meta))


def _add_to_consolidated(store: Path, source: str, name: str) -> None:
    meta_file = store / ".zmetadata"
    if meta_file.exists():
        meta = json.loads(meta_file.read_text())
        for key, value in list(meta["metadata"].items()):
            if key.split("/")[0] == source:
                meta["metadata"][name + key[len(source) :]] = value
        meta_file.write_text(json.dumps(meta))


def write_failing_cube(buckets: Path, bucket: str, path: str) -> Path:
    """A group the service cannot ingest at all: no spatial coordinate arrays (rule 3)."""
    store = write_good_cube(buckets, bucket, path)
    removed = [n for n in _arrays(store) if n in ("x", "y", "lat", "lon")]
    assert removed, f"no spatial coordinate arrays found in {store}"
    for name in removed:
        shutil.rmtree(store / name)
    _drop_from_consolidated(store, removed)
    return store


def write_cube_with_skipped_array(
    buckets: Path, bucket: str, path: str, bad: str = "bad-name"
) -> Path:
    """A good group plus one copy of a data array under a name that is not a JavaScript
    identifier (rule 2): ingested, with that array skipped."""
    store = write_good_cube(buckets, bucket, path)
    data = sorted(n for n in _arrays(store) if n not in ("x", "y", "lat", "lon", "time"))
    shutil.copytree(store / data[0], store / bad)
    _add_to_consolidated(store, data[0], bad)
    return store


@pytest.fixture(scope="module")
def buckets(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("buckets")
    write_good_cube(root, GOOD_BUCKET, GOOD_PATH)
    write_good_cube(root, GOOD_BUCKET, "other.zarr/")
    return root


@pytest.fixture(scope="module")
def emu(buckets) -> Iterator[Any]:
    Emulator = emulator_class()
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
