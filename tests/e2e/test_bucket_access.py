"""The bucket side through the real CLI, against `pulumi-zarr emulator --s3` (the emulator and
moto's S3 server from one command): preflight fails `pulumi preview` on a bucket without the
policy and on a bucket in another region, naming the problem; once the policy is applied,
`pulumi up` ingests. Three CLI runs: the engine stops a preview at its first failed check."""

from __future__ import annotations

import boto3
import pytest
from harness.api import ZarrApi
from harness.measure import unique

from pulumi_zarr.api.deployments import by_name
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.emulator.server import EmulatorProcess

from .conftest import CLIENT_ID, GOOD, PLANTED_SECRET, collections_named, spec

pytestmark = pytest.mark.e2e

EU = by_name("sentinel-hub-eu")
#: moto takes any credentials; the provider (preflight) and the emulator each read with them.
AWS = {
    "AWS_ACCESS_KEY_ID": "e2e-key",
    "AWS_SECRET_ACCESS_KEY": "e2e-secret",
    "AWS_DEFAULT_REGION": "eu-central-1",
}


def test_preview_names_a_missing_policy_and_a_wrong_region_then_up_ingests(stack_factory):
    args = ["--s3", "--deployment", EU.name, "--log-level", "warning"]
    with EmulatorProcess(
        clients={CLIENT_ID: PLANTED_SECRET}, ingest_delay=0.3, extra_args=args, env=AWS
    ) as emu:
        session = boto3.session.Session(
            aws_access_key_id=AWS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=AWS["AWS_SECRET_ACCESS_KEY"],
        )
        s3 = session.client("s3", endpoint_url=emu.s3_url, region_name="eu-central-1")
        s3.create_bucket(
            Bucket="cubes", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        virginia = session.client("s3", endpoint_url=emu.s3_url, region_name="us-east-1")
        virginia.create_bucket(Bucket="virginia")  # no constraint: us-east-1
        for bucket in ("cubes", "virginia"):
            write_cube(
                f"s3://{bucket}/{GOOD}",
                storage_options={
                    "endpoint_url": emu.s3_url,
                    "key": AWS["AWS_ACCESS_KEY_ID"],
                    "secret": AWS["AWS_SECRET_ACCESS_KEY"],
                },
            )
        s3.put_bucket_policy(Bucket="virginia", Policy=document_json("virginia", EU))

        stack = stack_factory(
            config={
                "sentinelhub:baseUrl": emu.url,
                "sentinelhub:deployment": EU.name,
                "sentinelhub:preflightS3Endpoint": emu.s3_url,
            },
            env=AWS,
        )
        name, elsewhere = unique("granted"), unique("elsewhere")
        cube = spec(name, preflight="error")
        stack.collections({"cube": cube})
        missing = stack.preview(ok=False).text
        assert (
            f"preflight: s3://cubes/{GOOD}: bucket access: bucket 'cubes' has no bucket policy, "
            f"so sentinel-hub-eu's principal {EU.principal} cannot read it (allowed: a bucket "
            f"policy statement with Effect Allow, Principal {EU.principal}, Action "
            "s3:GetBucketLocation, s3:ListBucket, s3:GetObject" in missing
        )

        # the engine stops at the first failed check: the wrong region gets its own preview,
        # beside the now granted bucket (which passes)
        s3.put_bucket_policy(Bucket="cubes", Policy=document_json("cubes", EU))
        other = spec(elsewhere, s3_bucket="virginia", preflight="error")
        stack.collections({"cube": cube, "elsewhere": other})
        wrong_region = stack.preview(ok=False).text
        assert (
            f"preflight: s3://virginia/{GOOD}: bucket access: bucket 'virginia' is in region "
            "us-east-1, but sentinel-hub-eu reads buckets in eu-central-1" in wrong_region
        )
        assert "s3://cubes/" not in wrong_region

        stack.collections({"cube": cube})
        stack.up()
        assert stack.outputs()["cube"]["status"] == "INGESTED"
        api = ZarrApi(emu.url, emu.token_url, CLIENT_ID, PLANTED_SECRET)
        try:
            [made] = collections_named(api, name)
            assert made["status"] == "INGESTED" and made["s3Bucket"] == "cubes"
        finally:
            api.close()
