"""Text from a bucket reaches the terminal escaped: an array folder whose name is a string of
escape sequences (retitle the window, clear the screen, a green "all good"), in a real Zarr
store served by the emulator, through ``collections list/get``, ``validate`` and the error of a
create whose ingestion failed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from emulator.helpers import ingest

from pulumi_zarr.api.client import ZarrClient
from pulumi_zarr.api.settings import Settings
from pulumi_zarr.collection import lifecycle
from pulumi_zarr.collection.spec import ZarrCollectionInputs
from pulumi_zarr.crs import CRS_EPSG_4326
from pulumi_zarr.errors import ZarrCollectionError
from pulumi_zarr.terminal import printable

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[32mall good"
SHOWN = r"\x1b]0;pwned\x07\x1b[2J\x1b[32mall good"
RAW = ("\x1b", "\x07")


def test_controls_and_bidi_overrides_are_shown_escaped():
    text = "a\tb\nc\x00\x7f\x9b\u202eevil\u2066\u200f é ✓ \\x1b"
    assert printable(text) == r"a\tb\nc\x00\x7f\x9b\u202eevil\u2066\u200f é ✓ \x1b"


@pytest.fixture
def hostile_store(buckets_dir: Any, write_cube: Any) -> dict[str, str]:
    """Stores in the emulator's bucket: one with a hostile array beside B1 (skipped, ingested),
    one with only the hostile array (ingestion fails)."""
    write_cube(buckets_dir / "cubes" / "skips.zarr", arrays=("B1", HOSTILE))
    write_cube(buckets_dir / "cubes" / "fails.zarr", arrays=(HOSTILE,))
    return {"skips": str(buckets_dir / "cubes" / "skips.zarr")}


def test_collections_list_and_get_escape_ingestion_errors(url, oauth, hostile_store, run):
    made = ingest(oauth, url, name="hostile", path="skips.zarr/")
    assert HOSTILE in made["ingestionErrors"]  # the service's text carries the raw bytes
    flags = ["--base-url", url, "--client-id", "local"]
    for argv in (["list"], ["get", made["id"]]):
        code, out, err = run("collections", *argv, *flags)
        assert (code, err) == (0, "")
        assert SHOWN in out and not any(c in out for c in RAW), out
        code, out, _ = run("collections", *argv, "--json", *flags)  # JSON escapes them itself
        assert code == 0 and not any(c in out for c in RAW), out
        data = json.loads(out)
        assert HOSTILE in (data if argv == ["list"] else [data])[0]["ingestionErrors"]  # exact


def test_validate_escapes_array_names(hostile_store, run):
    code, out, err = run("validate", hostile_store["skips"])
    assert code == 1 and f"rule 2: array '{SHOWN}'" in out
    assert not any(c in out + err for c in RAW), out


def test_a_failed_ingestion_error_escapes_array_names(url, hostile_store):
    client = ZarrClient(Settings("local", "local-secret", base_url=url))
    spec = ZarrCollectionInputs.model_validate(
        {"name": "fails", "s3_bucket": "cubes", "path": "fails.zarr/", "crs": CRS_EPSG_4326}
    )
    try:
        with pytest.raises(ZarrCollectionError, match="failed to ingest") as failed:
            lifecycle.create(client, spec)
    finally:
        client.close()
    assert SHOWN in str(failed.value) and not any(c in str(failed.value) for c in RAW)
