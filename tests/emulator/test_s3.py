"""S3 mode: the same ingestion, reading the bucket from moto's S3 server on 127.0.0.1."""

from __future__ import annotations

from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.emulator.server import Emulator

from .helpers import ingest, oauth_session


def test_ingestion_from_s3(s3):
    options = {"endpoint_url": s3}
    write_cube("s3://cubes/data/demo.zarr", times=2, storage_options=options)
    write_cube(
        "s3://cubes/data/broken.zarr", overrides={"small": {"dtype": "i2"}}, storage_options=options
    )
    with Emulator(s3_endpoint=s3, ingest_delay=0.1) as emu:
        oauth = oauth_session(emu.url)
        good = ingest(oauth, emu.url, path="data/demo.zarr/")
        assert good["status"] == "INGESTED", good["ingestionErrors"]
        assert (good["width"], good["height"]) == (4, 3)
        arrays = oauth.get(f"{emu.url}/zarr/v1/collections/{good['id']}/arrays").json()["data"]
        assert [a["name"] for a in arrays] == ["B1", "B2"]
        assert arrays[0]["zarray"]["shape"] == [2, 3, 4]
        skipped = ingest(oauth, emu.url, path="data/broken.zarr/")
        assert skipped["status"] == "INGESTED"
        assert skipped["ingestionErrors"] == (
            "array 'small': dtype int16 not allowed (u4, i4, i8, f4, f8)"
        )
        missing = ingest(oauth, emu.url, path="data/nothing.zarr/")
        assert missing["status"] == "FAILED" and ".zgroup" in missing["ingestionErrors"]
        no_bucket = ingest(oauth, emu.url, bucket="nope", path="data/demo.zarr/")
        assert no_bucket["status"] == "FAILED" and "bucket 'nope'" in no_bucket["ingestionErrors"]
