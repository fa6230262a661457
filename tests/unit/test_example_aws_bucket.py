"""examples/aws-bucket under Pulumi's unit-test mocks (the AWS plugin cannot run offline; its
Python SDK can): the policy it gives the bucket is exactly ``bucket_policy``'s document, the
bucket sits in the deployment's region, and the collection depends on the policy and on every
Zarr object, as the engine is told (the monitor's RegisterResource requests)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import config as runtime_config
from pulumi.runtime.mocks import MockMonitor

from pulumi_zarr.api.deployments import by_name
from pulumi_zarr.bucket.policy import document_json
from pulumi_zarr.emulator.samples import write_cube
from pulumi_zarr.testing.program import reset_runtime

pytestmark = pytest.mark.aws_example

PROGRAM = Path(__file__).resolve().parents[2] / "examples" / "aws-bucket" / "__main__.py"
PROJECT = "zarr-aws-bucket"
BUCKET = "zarr-0a1b2c"  # what AWS names a bucket from bucket_prefix "zarr-"


class _Aws(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == "aws:s3/bucket:Bucket":
            return BUCKET, {**args.inputs, "bucket": BUCKET}
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Recording(MockMonitor):
    """The mock monitor, keeping what each registration told the engine."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.requests: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.requests[request.name] = (request, response.urn)
        return response


@pytest.mark.parametrize("deployment", ["sentinel-hub-eu", "sentinel-hub-us-west"])
def test_the_example_grants_its_bucket_and_creates_the_collection_after(
    tmp_path, monkeypatch, deployment
):
    for variable in ("SH_BASE_URL", "SH_DEPLOYMENT", "SH_PROFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no user profile
    zarr_dir = tmp_path / "demo.zarr"
    write_cube(zarr_dir)
    mocks = _Aws()
    monitor = _Recording(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", preview=False, monitor=monitor)
    runtime_config.set_all_config(
        {f"{PROJECT}:zarr_dir": str(zarr_dir), "sentinelhub:deployment": deployment}, []
    )
    try:
        pulumi.runtime.test(lambda: runpy.run_path(str(PROGRAM), run_name="__main__"))()
    finally:
        reset_runtime()

    requests = monitor.requests
    policy, _ = requests["sentinel-hub-read"]
    inputs = json.loads(json.dumps(pulumi.runtime.rpc.deserialize_properties(policy.object)))
    assert inputs["bucket"] == BUCKET
    assert inputs["policy"] == document_json(BUCKET, by_name(deployment))

    region, region_urn = requests["deployment-region"]
    assert region.object["region"] == by_name(deployment).regions[0]
    bucket, _ = requests["zarr"]
    assert bucket.type == "aws:s3/bucket:Bucket" and bucket.provider.startswith(region_urn)

    objects = {
        name: urn
        for name, (req, urn) in requests.items()
        if req.type == "aws:s3/bucketObjectv2:BucketObjectv2"
    }
    files = [p for p in zarr_dir.rglob("*") if p.is_file()]
    assert len(objects) == len(files) and any(name.endswith("/.zarray") for name in objects)
    keys = {requests[name][0].object["key"] for name in objects}
    assert keys == {f"demo.zarr/{p.relative_to(zarr_dir).as_posix()}" for p in files}

    cube, _ = requests["cube"]
    assert cube.object["s3_bucket"] == BUCKET and cube.object["path"] == "demo.zarr/"
    depends = set(cube.dependencies)
    assert requests["sentinel-hub-read"][1] in depends
    assert set(objects.values()) <= depends
