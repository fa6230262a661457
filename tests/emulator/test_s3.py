"""S3 mode: the same ingestion, reading the bucket from moto's S3 server on 127.0.0.1."""

from __future__ import annotations

import boto3

from pulumi_zarr.api.deployments import by_name
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.emulator.server import Emulator

from .helpers import ingest, oauth_session


def test_ingestion_from_s3(s3):
    options = {"endpoint_url": s3}
    write_cube("s3://cubes/data/demo.zarr", times=2, storage_options=options)
    write_cube(
        "s3://cubes/data/broken.zarr", overrides={"small": {"dtype": "i2"}}, storage_options=options
    )
    s3_client = boto3.client("s3", endpoint_url=s3)
    s3_client.put_bucket_policy(Bucket="cubes", Policy=document_json("cubes", by_name("cdse")))
    with Emulator(s3_endpoint=s3, ingest_delay=0.1, deployment="cdse") as emu:
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


def test_ingestion_from_a_bucket_the_deployment_may_not_read_fails_with_access_denied(s3):
    """As the service: the emulator reads as sentinel-hub-eu's principal, in eu-central-1."""
    eu = by_name("sentinel-hub-eu")
    write_cube("s3://cubes/demo.zarr", storage_options={"endpoint_url": s3})
    virginia = boto3.client("s3", endpoint_url=s3, region_name="us-east-1")
    virginia.create_bucket(Bucket="virginia")
    write_cube("s3://virginia/demo.zarr", storage_options={"endpoint_url": s3})
    virginia.put_bucket_policy(Bucket="virginia", Policy=document_json("virginia", eu))
    with Emulator(s3_endpoint=s3, ingest_delay=0.1) as emu:
        oauth = oauth_session(emu.url)
        no_policy = ingest(oauth, emu.url, path="demo.zarr/")
        assert no_policy["status"] == "FAILED"
        assert no_policy["ingestionErrors"] == (
            "access denied: sentinel-hub-eu cannot read s3://cubes/demo.zarr/ as "
            "arn:aws:iam::614251495211:root: bucket 'cubes' has no bucket policy, so "
            "sentinel-hub-eu's principal arn:aws:iam::614251495211:root cannot read it. Grant "
            "it with the bucket policy pulumi_zarr.bucket_policy(...) writes, in a bucket in "
            "eu-central-1"
        )
        elsewhere = ingest(oauth, emu.url, bucket="virginia", path="demo.zarr/")
        assert elsewhere["status"] == "FAILED"
        assert "access denied" in elsewhere["ingestionErrors"]
        assert (
            "bucket 'virginia' is in region us-east-1, but sentinel-hub-eu reads buckets in "
            "eu-central-1" in elsewhere["ingestionErrors"]
        )
        boto3.client("s3", endpoint_url=s3).put_bucket_policy(
            Bucket="cubes", Policy=document_json("cubes", eu)
        )
        granted = ingest(oauth, emu.url, path="demo.zarr/")
        assert granted["status"] == "INGESTED", granted["ingestionErrors"]
